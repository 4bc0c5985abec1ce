-- The event catalogue: the event types a project declares, each with an optional JSON Schema
-- (draft 2020-12) for its `data`. A type's name is its key within the project.
CREATE TABLE event_types (
    project_id   BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    group_name   TEXT,
    -- JSON: the schema as written (NULL: any data), and an example that passes it.
    schema       TEXT,
    example      TEXT,
    deprecated   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (project_id, name)
);

-- Strict projects refuse events of types not in their catalogue, and events whose data fails
-- their type's schema; the others accept them and record why they would have been refused.
ALTER TABLE projects ADD COLUMN strict_events BOOLEAN NOT NULL DEFAULT FALSE;

-- JSON: `{path: message}` for an event accepted despite the catalogue; NULL when it passed (or the
-- project has no catalogue).
ALTER TABLE events ADD COLUMN schema_errors TEXT;
