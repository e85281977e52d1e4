-- 0007: the 社会认可度 survey (issue 14): questionnaire files, rounds, links and
-- tokens. See sqlite/migrations/0007_survey.sql for what each part is for.
CREATE TABLE questionnaires (
    id         text COLLATE "C" NOT NULL,
    version    text COLLATE "C" NOT NULL,
    name       text NOT NULL,
    framework  text COLLATE "C" NOT NULL,
    source     bytea NOT NULL,
    builtin    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    created_by bigint,
    PRIMARY KEY (id, version)
);

CREATE TABLE survey_rounds (
    id                    bigserial PRIMARY KEY,
    unit_id               bigint NOT NULL REFERENCES units (id),
    period                integer NOT NULL,
    framework             text COLLATE "C" NOT NULL,
    questionnaire         text COLLATE "C" NOT NULL,
    questionnaire_version text COLLATE "C" NOT NULL,
    status                text NOT NULL CHECK (status IN ('open', 'closed')),
    -- The service's JSON, kept byte for byte (jsonb would rewrite it).
    setup                 bytea,
    salt                  text NOT NULL,
    changes               bigint NOT NULL DEFAULT 0,
    dirty                 boolean NOT NULL DEFAULT false,
    version               bigint NOT NULL CHECK (version >= 1),
    created_by            bigint,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    UNIQUE (unit_id, framework, period)
);

CREATE TABLE survey_links (
    id          bigserial PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES survey_rounds (id),
    key         text COLLATE "C" NOT NULL UNIQUE,
    form        text NOT NULL,
    grp         text NOT NULL,
    school      text NOT NULL,
    school_name text NOT NULL,
    area        text NOT NULL,
    tokens      boolean NOT NULL,
    disabled    boolean NOT NULL DEFAULT false,
    created_by  bigint,
    created_at  timestamptz NOT NULL
);
CREATE INDEX survey_links_round_id ON survey_links (round_id);

CREATE TABLE survey_tokens (
    hash        text COLLATE "C" PRIMARY KEY,
    link_id     bigint NOT NULL REFERENCES survey_links (id),
    batch       integer NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz,
    response_id bigint
);
CREATE INDEX survey_tokens_link_id ON survey_tokens (link_id);
