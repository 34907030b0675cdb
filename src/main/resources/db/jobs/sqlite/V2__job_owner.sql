-- The name of the API key that made the job (keys file: "<key> name=alice role=user"); NULL when
-- Hearth runs without keys. A user key lists only its own jobs: the index serves that filter.
ALTER TABLE jobs ADD COLUMN owner TEXT;
CREATE INDEX jobs_owner ON jobs (owner, created_at, seq);
