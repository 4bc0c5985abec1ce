-- The deliveries list, newest first within a project (`WHERE project_id = ? ORDER BY id DESC`),
-- walks this index and stops after a page instead of sorting every delivery of the project.
-- Delivery ids are UUIDv7 (time-ordered), so ingest appends at the end of its project's range.
CREATE INDEX deliveries_by_project ON deliveries (project_id, id);
