-- no-transaction
-- A subscription's name is unique in its project only where the API that created it says so:
-- the native API and UbiOps address subscriptions by name, while Wazo's clients give many
-- subscriptions the same name. `unique_name` records which, and only those names are unique.
--
-- SQLite cannot drop the table's UNIQUE (project_id, name) constraint, so the table is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter). Foreign keys are off meanwhile, so
-- that dropping the old table does not cascade to the deliveries, numbers and rate buckets
-- that reference it; they refer to the new table by name afterwards. That pragma has no effect
-- inside a transaction, hence `no-transaction` and the explicit one below.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE subscriptions_rebuilt (
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
    author_id        BLOB    REFERENCES users (id) ON DELETE SET NULL,
    unique_name      BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO subscriptions_rebuilt
    (id, project_id, name, url, description, enabled, timeout_seconds, labels, event_types,
     event_groups, object_type, object_name, object_version, filter, headers, content_type,
     method, retry, include_result, channel, channel_config, payload_format, rate_limit, secret,
     previous_secret, previous_secret_expires_at, failed, disabled_reason, failing_since,
     last_delivery_at, created_at, updated_at, author_id)
SELECT id, project_id, name, url, description, enabled, timeout_seconds, labels, event_types,
       event_groups, object_type, object_name, object_version, filter, headers, content_type,
       method, retry, include_result, channel, channel_config, payload_format, rate_limit, secret,
       previous_secret, previous_secret_expires_at, failed, disabled_reason, failing_since,
       last_delivery_at, created_at, updated_at, author_id
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_rebuilt RENAME TO subscriptions;
CREATE UNIQUE INDEX subscriptions_by_unique_name ON subscriptions (project_id, name)
    WHERE unique_name;
COMMIT;
PRAGMA foreign_keys = ON;
