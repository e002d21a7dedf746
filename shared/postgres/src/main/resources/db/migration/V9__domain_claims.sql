-- Domain claims that cannot be squatted (README "Custom domains"): adding a hostname no longer holds it.
-- Any number of projects may claim one; the first whose DNS proves it (the TXT token) gets it, and only a
-- proven claim (VERIFIED, ISSUING, ACTIVE) blocks others. A project claims a hostname once.
ALTER TABLE domains DROP CONSTRAINT domains_hostname_key;
CREATE UNIQUE INDEX domains_hostname_proven ON domains (hostname) WHERE status IN ('VERIFIED', 'ISSUING', 'ACTIVE');
CREATE UNIQUE INDEX domains_project_hostname ON domains (project_id, hostname);
