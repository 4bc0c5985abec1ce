-- A subscription's name is unique in its project only where the API that created it says so:
-- the native API and UbiOps address subscriptions by name, while Wazo's clients give many
-- subscriptions the same name. `unique_name` records which, and only those names are unique.
ALTER TABLE subscriptions ADD COLUMN unique_name BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_project_id_name_key;
CREATE UNIQUE INDEX subscriptions_by_unique_name ON subscriptions (project_id, name)
    WHERE unique_name;
