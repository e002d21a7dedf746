-- One caller releases a deployment: `complete` claims it with one conditional update before any file
-- moves, so a second (double-clicked, retried) call answers 409 and touches nothing.
ALTER TABLE deployments ADD COLUMN release_claimed_at timestamptz;

-- A build log's writer says when it has written its last line; the live log stream ends only then
-- (status READY/FAILED comes before the last lines, e.g. "Promoted to production.").
CREATE TABLE deployment_log_ends (
    deployment_id text        PRIMARY KEY REFERENCES deployments (id) ON DELETE CASCADE,
    last_line     bigint      NOT NULL CHECK (last_line >= 0),
    ended_at      timestamptz NOT NULL
);
