-- The nodes sharing this database (server.node_id): each upserts its row at start and every few
-- seconds; a row whose heartbeat_at is older than the node timeout is a dead node.
-- Times are epoch milliseconds, as in the jobs table.
CREATE TABLE hearth_nodes (
    id           TEXT   PRIMARY KEY,
    url          TEXT   NOT NULL,
    version      TEXT   NOT NULL,
    process      TEXT   NOT NULL,
    devices      TEXT   NOT NULL,
    models       TEXT   NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);
