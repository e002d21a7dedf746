-- What a deployment runs besides its static files (issue 15): the function manifest its build wrote
-- (functions.json: names, routes, sources, runtimes, the web app) and, once its release made them
-- runnable, the backend per runtime that the edge proxies to (FunctionHost.deploy's answer; never
-- shown to users). Both null for a static site and for deployments made before functions existed.
ALTER TABLE deployments
    ADD COLUMN functions jsonb,
    ADD COLUMN backends  jsonb;

-- What a deployment's functions print while they run, line by line, in the shape of deployment_logs.
-- Workers of one deployment write concurrently, so the cursor is one sequence: it only grows within a
-- deployment, which is all a reader asking for the lines after the last one it saw needs.
CREATE TABLE function_logs (
    n             bigserial   PRIMARY KEY,
    deployment_id text        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    ts            timestamptz NOT NULL,
    stream        text        NOT NULL,
    text          text        NOT NULL
);

CREATE INDEX function_logs_deployment_idx ON function_logs (deployment_id, n);
