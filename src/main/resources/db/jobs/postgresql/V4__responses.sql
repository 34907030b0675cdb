-- Several nodes: the conversations behind translated /v1/responses answers, so a request naming
-- previous_response_id continues one on whichever node it reaches. Kept an hour (stored_at, epoch ms).
CREATE TABLE hearth_responses (
    id           TEXT   PRIMARY KEY,
    conversation TEXT   NOT NULL,
    stored_at    BIGINT NOT NULL
);
CREATE INDEX hearth_responses_stored_at ON hearth_responses (stored_at);
