-- Per-project environment variables for builds (DESIGN §6, §10). Values are AES-256-GCM
-- ciphertext made by the Secrets port; the plaintext never reaches the database.

CREATE TABLE project_env_vars (
    project_id      text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    key             text        NOT NULL,
    target          text        NOT NULL CHECK (target IN ('PRODUCTION', 'PREVIEW', 'ALL')),
    value_encrypted text        NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (project_id, key, target)
);
