-- Projects are the unit of tenancy; everything else belongs to one.
-- Times are Unix epoch milliseconds, as in the SQLite schema, so one set of queries serves both.
CREATE TABLE projects (
    id          UUID    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE subscriptions (
    id               UUID    PRIMARY KEY,
    project_id       UUID    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    url              TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    timeout_seconds  INTEGER NOT NULL,
    labels           JSONB   NOT NULL DEFAULT '{}',
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (project_id, name)
);
