-- Custom domains and their certificates (DESIGN §7, issue 7). A hostname belongs to at most one
-- project (unique), and goes with its project (ON DELETE CASCADE; routes and certificates are
-- removed by the code that deletes the project).

CREATE TABLE domains (
    id               text        PRIMARY KEY,
    project_id       text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    hostname         text        NOT NULL UNIQUE,
    apex             boolean     NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING_DNS', 'VERIFIED', 'ISSUING', 'ACTIVE', 'ERROR')),
    message          text,
    token            text        NOT NULL,
    dns_records      jsonb,
    check_attempts   integer     NOT NULL DEFAULT 0,
    last_checked_at  timestamptz,
    next_check_at    timestamptz,
    cert_status      text        CHECK (cert_status IN ('ISSUING', 'ACTIVE', 'ERROR')),
    cert_issuer      text,
    cert_not_before  timestamptz,
    cert_not_after   timestamptz,
    renew_after      timestamptz,
    renew_attempts   integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX domains_project ON domains (project_id);
CREATE INDEX domains_due ON domains (next_check_at) WHERE next_check_at IS NOT NULL;

-- The platform's ACME account per CA directory; the key is ciphertext made by the Secrets port.
CREATE TABLE acme_accounts (
    directory_url    text        PRIMARY KEY,
    key_encrypted    text        NOT NULL,
    created_at       timestamptz NOT NULL
);
