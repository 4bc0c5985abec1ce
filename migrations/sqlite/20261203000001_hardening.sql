-- Every rotated-out signing secret keeps signing until its own overlap ends: a list of
-- {"secret", "expires_at"} instead of one previous secret that a second rotation overwrote.
ALTER TABLE subscriptions ADD COLUMN previous_secrets TEXT NOT NULL DEFAULT '[]';
UPDATE subscriptions
SET previous_secrets = json_array(json_object('secret', previous_secret,
                                              'expires_at', previous_secret_expires_at))
WHERE previous_secret IS NOT NULL AND previous_secret_expires_at IS NOT NULL;
ALTER TABLE subscriptions DROP COLUMN previous_secret;
ALTER TABLE subscriptions DROP COLUMN previous_secret_expires_at;

-- Bumped by every change of a subscription's fields: a change applies only to the revision it
-- was made from, so two concurrent changes cannot overwrite each other's fields.
ALTER TABLE subscriptions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- Deliveries of a disabled or failed subscription wait with status 'held'; counting and
-- releasing them goes by subscription and status.
CREATE INDEX deliveries_by_subscription_status ON deliveries (subscription_id, status);
