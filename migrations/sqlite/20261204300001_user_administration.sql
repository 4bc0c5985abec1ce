-- Users an administrator disabled: they cannot log in, their sessions are ended and their API
-- tokens refused until they are enabled again. NULL: enabled.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- The audit page filters by actor and by action, newest first.
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
