-- Hookhub's schema on PostgreSQL.
-- Times are Unix epoch milliseconds and JSON is JSONB, as in the SQLite schema (which stores the
-- same values), so one set of queries serves both backends.

-- Projects are the unit of tenancy; everything else belongs to one.
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
    -- What it receives: empty lists mean every type / group.
    event_types      JSONB   NOT NULL DEFAULT '[]',
    event_groups     JSONB   NOT NULL DEFAULT '[]',
    object_type      TEXT,
    object_name      TEXT,
    object_version   TEXT,
    filter           JSONB,
    -- How it is delivered.
    headers          JSONB   NOT NULL DEFAULT '[]',  -- [{key, value, protected}], values in clear
    content_type     TEXT    NOT NULL DEFAULT 'json',
    method           TEXT    NOT NULL DEFAULT 'POST',
    retry            BOOLEAN NOT NULL DEFAULT TRUE,
    include_result   BOOLEAN NOT NULL DEFAULT FALSE,
    channel          TEXT    NOT NULL DEFAULT 'http',
    channel_config   JSONB   NOT NULL DEFAULT '{}',
    payload_format   TEXT    NOT NULL DEFAULT 'hookhub',
    rate_limit       INTEGER,
    -- Signing: during a rotation both secrets sign until the old one expires.
    secret                      TEXT    NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  BIGINT,
    -- Health: `failing_since` starts the auto-disable clock; any success clears it.
    failed           BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason  TEXT,
    failing_since    BIGINT,
    last_delivery_at BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE events (
    id               UUID    PRIMARY KEY,
    project_id       UUID    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    type             TEXT    NOT NULL,
    group_name       TEXT,
    object_type      TEXT,
    object_name      TEXT,
    object_version   TEXT,
    data             JSONB   NOT NULL,
    message          TEXT    NOT NULL DEFAULT '',
    level            TEXT    NOT NULL DEFAULT 'info',
    occurred_at      BIGINT  NOT NULL,
    idempotency_key  TEXT,
    created_at       BIGINT  NOT NULL,
    UNIQUE (project_id, idempotency_key)
);
CREATE INDEX events_by_project_time ON events (project_id, created_at);

-- One row per (event, matching subscription): the unit of work the dispatcher claims.
CREATE TABLE deliveries (
    id               UUID    PRIMARY KEY,
    project_id       UUID    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    event_id         UUID    NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id  UUID    NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL,  -- pending | sending | succeeded | failed | cancelled
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    -- A claim: the worker holding it, until when. An expired lease is claimable again.
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    manual           BOOLEAN NOT NULL DEFAULT FALSE,  -- replays are never retried automatically
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
-- The dispatcher's two questions: what is due, and whose lease ran out.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'sending';
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, created_at);
CREATE INDEX deliveries_by_event ON deliveries (event_id);

-- Every try, as sent and as answered (bodies capped).
CREATE TABLE attempts (
    id               UUID    PRIMARY KEY,
    delivery_id      UUID    NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    project_id       UUID    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    subscription_id  UUID    NOT NULL,
    attempt_number   INTEGER NOT NULL,
    worker           TEXT    NOT NULL,
    request_url      TEXT    NOT NULL,
    request_method   TEXT    NOT NULL,
    request_headers  JSONB   NOT NULL,
    request_body     TEXT    NOT NULL,
    response_status  INTEGER,
    response_headers JSONB,
    response_body    TEXT,
    error_kind       TEXT,
    error_message    TEXT,
    duration_ms      BIGINT  NOT NULL,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, attempt_number);
CREATE INDEX attempts_by_time ON attempts (created_at);

-- On-demand endpoint tests, run in the background: pending, then completed or failed.
CREATE TABLE endpoint_tests (
    id               UUID    PRIMARY KEY,
    project_id       UUID    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL,  -- pending | completed | failed
    response_status  INTEGER,
    error_message    TEXT,
    created_at       BIGINT NOT NULL,
    completed_at     BIGINT
);
