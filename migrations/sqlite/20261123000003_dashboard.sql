-- What the dashboard's overview asks of a project: its recent attempts, and its queue.
CREATE INDEX attempts_by_project_time ON attempts (project_id, created_at);
CREATE INDEX deliveries_by_project_status ON deliveries (project_id, status, created_at);

-- An endpoint test shows what the endpoint answered, not only its status.
ALTER TABLE endpoint_tests ADD COLUMN response_body TEXT;
