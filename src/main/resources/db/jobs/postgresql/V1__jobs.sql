-- Times are epoch milliseconds, as in the SQLite schema, so one row mapper serves both.
-- seq gives a total order among jobs created in the same millisecond (FIFO, list cursor).
CREATE TABLE jobs (
    id               TEXT             PRIMARY KEY,
    seq              BIGINT           GENERATED ALWAYS AS IDENTITY UNIQUE,
    model            TEXT             NOT NULL,
    task             TEXT             NOT NULL,
    dialect          TEXT             NOT NULL,
    params           TEXT             NOT NULL,
    inputs           TEXT             NOT NULL,
    priority         INTEGER          NOT NULL DEFAULT 0,
    state            TEXT             NOT NULL CHECK (state IN ('queued','running','cancelling','succeeded','failed','cancelled')),
    attempts         INTEGER          NOT NULL DEFAULT 0,
    max_attempts     INTEGER          NOT NULL,
    progress         DOUBLE PRECISION NOT NULL DEFAULT 0,
    stage            TEXT,
    step             INTEGER          NOT NULL DEFAULT 0,
    steps            INTEGER          NOT NULL DEFAULT 0,
    error_code       TEXT,
    error_message    TEXT,
    created_at       BIGINT           NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    updated_at       BIGINT           NOT NULL,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    version          BIGINT           NOT NULL DEFAULT 0,
    prompt           TEXT,
    original_prompt  TEXT
);
CREATE INDEX jobs_claim ON jobs (model, state, priority DESC, created_at, seq);
CREATE INDEX jobs_lease ON jobs (state, lease_expires_at);
CREATE INDEX jobs_created ON jobs (created_at, seq);
CREATE INDEX jobs_finished ON jobs (finished_at);

CREATE TABLE job_history (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     TEXT   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    from_state TEXT,
    to_state   TEXT   NOT NULL,
    reason     TEXT,
    at         BIGINT NOT NULL,
    node       TEXT
);
CREATE INDEX job_history_job ON job_history (job_id, seq);

CREATE TABLE job_outputs (
    job_id       TEXT   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    path         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT,
    PRIMARY KEY (job_id, name)
);
