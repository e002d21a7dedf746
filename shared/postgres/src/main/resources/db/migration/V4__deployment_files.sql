-- Folder deployments (`./miaobu deploy DIR`): content is stored once per project by its SHA-256,
-- and each deployment lists which content sits at which path.

-- Content a project has stored (object sites/{project_id}/_blobs/{sha256}). Scoped to the project,
-- so nobody can learn whether another tenant has a file by asking for its digest.
CREATE TABLE blobs (
    project_id text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint      NOT NULL CHECK (size >= 0),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, sha256)
);

-- The files of a folder deployment, as the client listed them.
CREATE TABLE deployment_files (
    deployment_id text   NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    path          text   NOT NULL,
    sha256        text   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size          bigint NOT NULL CHECK (size >= 0),
    PRIMARY KEY (deployment_id, path)
);

-- An upload is accepted only for content its deployment lists.
CREATE INDEX deployment_files_sha256_idx ON deployment_files (deployment_id, sha256);
