-- A subscription's name is unique in its project only where the API that created it says so:
-- the native API and UbiOps address subscriptions by name, while Wazo's clients give many
-- subscriptions the same name.
--
-- The unique constraint on (project_id, name) moves with the column, renamed `name_key`: it
-- holds the name of a subscription whose name is unique, and for one whose name may repeat a
-- key of its own (a control character and the id, which no name can be). `name` is the name,
-- always. (SQLite can drop a table constraint only by rebuilding the table, which its foreign
-- keys forbid inside the migration's transaction; renaming keeps one schema for both backends.)
ALTER TABLE subscriptions RENAME COLUMN name TO name_key;
ALTER TABLE subscriptions ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE subscriptions SET name = name_key;
