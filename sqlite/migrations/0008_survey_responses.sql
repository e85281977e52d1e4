-- 0008: the survey's answers (issue 14). Responses are append-only: triggers refuse
-- any UPDATE or DELETE; a person's exclusion is a row of its own, appended too, the
-- latest of a response holding. client_id is what the answering page generated, so
-- that a retried submission is one response. network and device are keyed digests:
-- no address or cookie is kept.
CREATE TABLE survey_responses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id   INTEGER NOT NULL REFERENCES survey_rounds (id),
    link_id    INTEGER REFERENCES survey_links (id),
    client_id  TEXT    NOT NULL,
    form       TEXT    NOT NULL,
    grp        TEXT    NOT NULL,
    school     TEXT    NOT NULL,
    area       TEXT    NOT NULL,
    answers    BLOB    NOT NULL,
    started_at TEXT,
    network    TEXT    NOT NULL,
    device     TEXT    NOT NULL,
    source     TEXT    NOT NULL CHECK (source IN ('web', 'import')),
    created_at TEXT    NOT NULL,
    UNIQUE (round_id, client_id)
);
CREATE TRIGGER survey_responses_no_update BEFORE UPDATE ON survey_responses
BEGIN SELECT RAISE(ABORT, 'survey responses are append-only'); END;
CREATE TRIGGER survey_responses_no_delete BEFORE DELETE ON survey_responses
BEGIN SELECT RAISE(ABORT, 'survey responses are append-only'); END;

CREATE TABLE survey_exclusions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id    INTEGER NOT NULL REFERENCES survey_rounds (id),
    response_id INTEGER NOT NULL REFERENCES survey_responses (id),
    excluded    INTEGER NOT NULL CHECK (excluded IN (0, 1)),
    reason      TEXT    NOT NULL,
    by_user     INTEGER,
    at          TEXT    NOT NULL
);
CREATE INDEX survey_exclusions_round_id ON survey_exclusions (round_id);
CREATE INDEX survey_exclusions_response_id ON survey_exclusions (response_id);
