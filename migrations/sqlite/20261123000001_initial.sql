-- Projects are the unit of tenancy; everything else belongs to one.
-- Ids are UUIDs (16-byte BLOBs here), times are Unix epoch milliseconds: the same values the
-- PostgreSQL schema stores, so one set of queries serves both backends.
CREATE TABLE projects (
    id          BLOB    PRIMARY KEY NOT NULL,
    name        TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    id               BLOB    PRIMARY KEY NOT NULL,
    project_id       BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    url              TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    timeout_seconds  INTEGER NOT NULL,
    labels           TEXT    NOT NULL DEFAULT '{}',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (project_id, name)
);
