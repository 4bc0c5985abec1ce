-- Hookhub's schema on SQLite.
-- Ids are UUIDs (16-byte BLOBs here), times are Unix epoch milliseconds and JSON is TEXT: the same
-- values the PostgreSQL schema stores, so one set of queries serves both backends.

-- Projects are the unit of tenancy; everything else belongs to one.
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
    -- What it receives: empty lists mean every type / group.
    event_types      TEXT    NOT NULL DEFAULT '[]',
    event_groups     TEXT    NOT NULL DEFAULT '[]',
    object_type      TEXT,
    object_name      TEXT,
    object_version   TEXT,
    filter           TEXT,
    -- How it is delivered.
    headers          TEXT    NOT NULL DEFAULT '[]',  -- [{key, value, protected}], values in clear
    content_type     TEXT    NOT NULL DEFAULT 'json',
    method           TEXT    NOT NULL DEFAULT 'POST',
    retry            BOOLEAN NOT NULL DEFAULT TRUE,
    include_result   BOOLEAN NOT NULL DEFAULT FALSE,
    channel          TEXT    NOT NULL DEFAULT 'http',
    channel_config   TEXT    NOT NULL DEFAULT '{}',
    payload_format   TEXT    NOT NULL DEFAULT 'hookhub',
    rate_limit       INTEGER,
    -- Signing: during a rotation both secrets sign until the old one expires.
    secret                      TEXT    NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  INTEGER,
    -- Health: `failing_since` starts the auto-disable clock; any success clears it.
    failed           BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason  TEXT,
    failing_since    INTEGER,
    last_delivery_at INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE events (
    id               BLOB    PRIMARY KEY NOT NULL,
    project_id       BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type             TEXT    NOT NULL,
    group_name       TEXT,
    object_type      TEXT,
    object_name      TEXT,
    object_version   TEXT,
    data             TEXT    NOT NULL,
    message          TEXT    NOT NULL DEFAULT '',
    level            TEXT    NOT NULL DEFAULT 'info',
    occurred_at      INTEGER NOT NULL,
    idempotency_key  TEXT,
    created_at       INTEGER NOT NULL,
    UNIQUE (project_id, idempotency_key)
);
CREATE INDEX events_by_project_time ON events (project_id, created_at);

-- One row per (event, matching subscription): the unit of work the dispatcher claims.
CREATE TABLE deliveries (
    id               BLOB    PRIMARY KEY NOT NULL,
    project_id       BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    event_id         BLOB    NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id  BLOB    NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL,  -- pending | sending | succeeded | failed | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    -- A claim: the worker holding it, until when. An expired lease is claimable again.
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    manual           BOOLEAN NOT NULL DEFAULT FALSE,  -- replays are never retried automatically
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- The dispatcher's two questions: what is due, and whose lease ran out.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, created_at);
CREATE INDEX deliveries_by_event ON deliveries (event_id);

-- Every try, as sent and as answered (bodies capped).
CREATE TABLE attempts (
    id               BLOB    PRIMARY KEY NOT NULL,
    delivery_id      BLOB    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    project_id       BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    subscription_id  BLOB    NOT NULL,
    attempt_number   INTEGER NOT NULL,
    worker           TEXT    NOT NULL,
    request_url      TEXT    NOT NULL,
    request_method   TEXT    NOT NULL,
    request_headers  TEXT    NOT NULL,
    request_body     TEXT    NOT NULL,
    response_status  INTEGER,
    response_headers TEXT,
    response_body    TEXT,
    error_kind       TEXT,
    error_message    TEXT,
    duration_ms      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, attempt_number);
CREATE INDEX attempts_by_time ON attempts (created_at);

-- On-demand endpoint tests, run in the background: pending, then completed or failed.
CREATE TABLE endpoint_tests (
    id               BLOB    PRIMARY KEY NOT NULL,
    project_id       BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL,  -- pending | completed | failed
    response_status  INTEGER,
    error_message    TEXT,
    created_at       INTEGER NOT NULL,
    completed_at     INTEGER
);
