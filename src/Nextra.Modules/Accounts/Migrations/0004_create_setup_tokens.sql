-- One-time setup tokens (the first-user setup link), shared by every instance on this database so a link printed by
-- one instance works on another behind a load balancer. Only SHA-256 hashes are stored. Not tenant-scoped: they
-- exist only while the server has no tenant at all. Times are UTC ISO-8601 text of one format.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
