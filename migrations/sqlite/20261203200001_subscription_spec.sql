-- What a caller sets on a subscription is kept as one JSON document, `spec` (engine:
-- `SubscriptionSpec`): a new setting is a new field there, not a new column in two schemas.
-- `name` and `enabled` stay columns too, written with the document, because queries select and
-- hold deliveries by them.
ALTER TABLE subscriptions ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
UPDATE subscriptions SET spec = json_object(
    'name', name,
    'url', url,
    'description', description,
    'enabled', json(CASE WHEN enabled THEN 'true' ELSE 'false' END),
    'timeout_seconds', timeout_seconds,
    'labels', json(labels),
    'event_types', json(event_types),
    'event_groups', json(event_groups),
    'object_type', object_type,
    'object_name', object_name,
    'object_version', object_version,
    'filter', json(filter),
    'headers', json(headers),
    'content_type', content_type,
    'method', method,
    'retry', json(CASE WHEN retry THEN 'true' ELSE 'false' END),
    'include_result', json(CASE WHEN include_result THEN 'true' ELSE 'false' END),
    'channel', channel,
    'channel_config', json(channel_config),
    'payload_format', payload_format,
    'rate_limit', rate_limit
);
ALTER TABLE subscriptions DROP COLUMN url;
ALTER TABLE subscriptions DROP COLUMN description;
ALTER TABLE subscriptions DROP COLUMN timeout_seconds;
ALTER TABLE subscriptions DROP COLUMN labels;
ALTER TABLE subscriptions DROP COLUMN event_types;
ALTER TABLE subscriptions DROP COLUMN event_groups;
ALTER TABLE subscriptions DROP COLUMN object_type;
ALTER TABLE subscriptions DROP COLUMN object_name;
ALTER TABLE subscriptions DROP COLUMN object_version;
ALTER TABLE subscriptions DROP COLUMN filter;
ALTER TABLE subscriptions DROP COLUMN headers;
ALTER TABLE subscriptions DROP COLUMN content_type;
ALTER TABLE subscriptions DROP COLUMN method;
ALTER TABLE subscriptions DROP COLUMN retry;
ALTER TABLE subscriptions DROP COLUMN include_result;
ALTER TABLE subscriptions DROP COLUMN channel;
ALTER TABLE subscriptions DROP COLUMN channel_config;
ALTER TABLE subscriptions DROP COLUMN payload_format;
ALTER TABLE subscriptions DROP COLUMN rate_limit;
