-- Accounts (users, API tokens, dashboard sessions, the audit log), short subscription numbers,
-- the objects and inbound handlers that turn calls on secret URLs into events, and the rate-limit
-- buckets every instance shares.
-- Secrets (passwords, tokens, session ids) are stored only as hashes.

ALTER TABLE projects ADD COLUMN description TEXT NOT NULL DEFAULT '';

CREATE TABLE users (
    id             BLOB    PRIMARY KEY NOT NULL,
    username       TEXT    NOT NULL UNIQUE,
    full_name      TEXT    NOT NULL DEFAULT '',
    email          TEXT    NOT NULL DEFAULT '',
    password_hash  TEXT    NOT NULL,  -- argon2id, PHC string
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     INTEGER NOT NULL
);

-- A subscription's delivery log, newest first.
CREATE INDEX attempts_by_subscription ON attempts (subscription_id, id);

-- Who created a subscription; kept (as NULL) when the user is deleted.
ALTER TABLE subscriptions ADD COLUMN author_id BLOB REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE api_tokens (
    id            BLOB    PRIMARY KEY NOT NULL,
    user_id       BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,          -- the first characters, to recognise a token by
    token_hash    TEXT    NOT NULL UNIQUE,   -- SHA-256 of the whole token, hex
    -- NULL: every project; otherwise the only one the token may touch.
    project_id    BLOB    REFERENCES projects (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL,          -- read | write | admin
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY NOT NULL,  -- SHA-256 of the cookie's value, hex
    user_id     BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- Who changed what, when. Names are copied in so entries outlive what they describe.
CREATE TABLE audit_log (
    id          BLOB    PRIMARY KEY NOT NULL,
    project     TEXT,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,  -- e.g. subscription.created
    target_id   TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (created_at);

-- Short integer ids for the APIs that name subscriptions by number (e.g. `/hooks/1`); every
-- subscription gets one when it is created.
CREATE TABLE subscription_numbers (
    number           INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id  BLOB    NOT NULL UNIQUE REFERENCES subscriptions (id) ON DELETE CASCADE
);
INSERT INTO subscription_numbers (subscription_id) SELECT id FROM subscriptions ORDER BY id;

-- Objects events are about (e.g. a service), registered so that inbound handlers can act on them.
CREATE TABLE objects (
    id           BLOB    PRIMARY KEY NOT NULL,
    project_id   BLOB    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    object_type  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (project_id, object_type, name)
);

-- Inbound handlers: a call on the secret URL of one performs its operation on its object (it
-- emits the event `<object type>.<operation>`, e.g. `service.redeploy`).
CREATE TABLE inbound_handlers (
    id              BLOB    PRIMARY KEY NOT NULL,  -- random: also the secret of the call URL
    object_id       BLOB    NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    operation       TEXT    NOT NULL,
    call_count      INTEGER NOT NULL DEFAULT 0,
    last_called_at  INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX inbound_handlers_by_object ON inbound_handlers (object_id, created_at);

-- Each rate-limited subscription's token bucket, shared by every instance delivering to it.
CREATE TABLE rate_buckets (
    subscription_id  BLOB PRIMARY KEY NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    tokens           REAL NOT NULL,
    refilled_at      INTEGER NOT NULL  -- epoch ms
);
