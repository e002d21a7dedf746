-- Counters behind the abuse limits (README "Limits"): failed sign-ins per account and per client address,
-- registrations per client address, deploy-hook calls per hook. In the database, not in one JVM, so every
-- function instance counts against the same limit. One fixed window per key; a key whose window has passed
-- starts again at 1, and about one count in a thousand deletes rows a day old.
CREATE TABLE rate_limits (
    key          text        PRIMARY KEY,
    window_start timestamptz NOT NULL,
    count        integer     NOT NULL
);
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);
