-- 0008: the survey's answers (issue 14), append-only: a trigger refuses any UPDATE
-- or DELETE. See sqlite/migrations/0008_survey_responses.sql.
CREATE TABLE survey_responses (
    id         bigserial PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES survey_rounds (id),
    link_id    bigint REFERENCES survey_links (id),
    client_id  text COLLATE "C" NOT NULL,
    form       text NOT NULL,
    grp        text NOT NULL,
    school     text NOT NULL,
    area       text NOT NULL,
    answers    bytea NOT NULL,
    started_at timestamptz,
    network    text NOT NULL,
    device     text NOT NULL,
    source     text NOT NULL CHECK (source IN ('web', 'import')),
    created_at timestamptz NOT NULL,
    UNIQUE (round_id, client_id)
);
CREATE FUNCTION survey_responses_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'survey responses are append-only';
END;
$$;
CREATE TRIGGER survey_responses_no_change BEFORE UPDATE OR DELETE ON survey_responses
    FOR EACH ROW EXECUTE FUNCTION survey_responses_append_only();

CREATE TABLE survey_exclusions (
    id          bigserial PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES survey_rounds (id),
    response_id bigint NOT NULL REFERENCES survey_responses (id),
    excluded    boolean NOT NULL,
    reason      text NOT NULL,
    by_user     bigint,
    at          timestamptz NOT NULL
);
CREATE INDEX survey_exclusions_round_id ON survey_exclusions (round_id);
CREATE INDEX survey_exclusions_response_id ON survey_exclusions (response_id);
