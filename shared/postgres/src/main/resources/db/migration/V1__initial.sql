-- Miaobu schema, version 1. Every timestamp is timestamptz; ids are application-generated text.

CREATE TABLE users (
    id            text        PRIMARY KEY,
    email         text        NOT NULL UNIQUE, -- lowercased by the store
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE projects (
    id                 text        PRIMARY KEY,
    owner_id           text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name               text        NOT NULL,
    slug               text        NOT NULL UNIQUE,
    git_url            text,
    github_repository  text,
    production_branch  text,
    root_directory     text,
    install_command    text,
    build_command      text,
    output_directory   text,
    auto_publish       boolean     NOT NULL DEFAULT true,
    -- No foreign key on purpose: deployments cascade from projects, so a reference back would
    -- only make deleting a project order-dependent. The edge treats an unknown id as "no site".
    live_deployment_id text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX projects_owner_id_idx ON projects (owner_id);

CREATE TABLE deployments (
    id               text        PRIMARY KEY,
    project_id       text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status           text        NOT NULL
        CHECK (status IN ('QUEUED', 'BUILDING', 'UPLOADING', 'READY', 'FAILED', 'CANCELED')),
    target           text        NOT NULL,
    branch           text,
    requested_commit text,
    commit_sha       text,
    commit_message   text,
    error            text,
    -- DeploymentStats: all four set, or all four null (no stats recorded yet).
    files            bigint,
    bytes            bigint,
    uploaded_files   bigint,
    uploaded_bytes   bigint,
    route_config     jsonb,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT deployments_stats_all_or_none CHECK (
        (files IS NULL AND bytes IS NULL AND uploaded_files IS NULL AND uploaded_bytes IS NULL)
        OR (files IS NOT NULL AND bytes IS NOT NULL AND uploaded_files IS NOT NULL AND uploaded_bytes IS NOT NULL))
);

CREATE INDEX deployments_project_created_idx ON deployments (project_id, created_at DESC);
CREATE INDEX deployments_status_idx ON deployments (status);

CREATE TABLE deployment_logs (
    deployment_id text        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    n             bigint      NOT NULL,
    ts            timestamptz NOT NULL,
    stream        text        NOT NULL,
    text          text        NOT NULL,
    PRIMARY KEY (deployment_id, n)
);

CREATE TABLE build_jobs (
    id            bigserial   PRIMARY KEY,
    deployment_id text        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    visible_at    timestamptz NOT NULL DEFAULT now(),
    deliveries    integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX build_jobs_visible_at_idx ON build_jobs (visible_at);
CREATE INDEX build_jobs_deployment_id_idx ON build_jobs (deployment_id);
