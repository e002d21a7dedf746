-- GitHub: linked accounts (token encrypted by the Secrets port), projects imported from a
-- repository, webhook deliveries already processed, and deploy hooks.

-- An account created by GitHub sign-in has no password until the user sets one.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

CREATE TABLE github_accounts (
    user_id         text        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    github_id       bigint      NOT NULL UNIQUE,
    login           text        NOT NULL,
    -- AES-256-GCM ciphertext ("v1." + base64url), never the token itself. TEXT: token formats change.
    token_encrypted text        NOT NULL,
    scopes          text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE project_repositories (
    project_id    text        PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    repository_id bigint      NOT NULL, -- GitHub's id: stable across renames, named by every webhook
    full_name     text        NOT NULL,
    hook_id       bigint,
    created_at    timestamptz NOT NULL
);

CREATE INDEX project_repositories_repository_idx ON project_repositories (repository_id);

CREATE TABLE github_deliveries (
    delivery_id text        PRIMARY KEY, -- X-GitHub-Delivery
    event       text        NOT NULL,
    received_at timestamptz NOT NULL
);

CREATE INDEX github_deliveries_received_idx ON github_deliveries (received_at);

CREATE TABLE deploy_hooks (
    id         text        PRIMARY KEY,
    project_id text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    branch     text        NOT NULL,
    token_hash text        NOT NULL UNIQUE, -- SHA-256 hex of the URL's secret
    created_at timestamptz NOT NULL
);

CREATE INDEX deploy_hooks_project_idx ON deploy_hooks (project_id);

-- Branch hosts ask for a branch's newest READY deployment; pushes cancel a branch's queued ones.
CREATE INDEX deployments_project_branch_idx ON deployments (project_id, branch, created_at DESC);
