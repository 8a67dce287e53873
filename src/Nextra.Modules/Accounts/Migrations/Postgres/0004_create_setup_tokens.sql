-- One-time setup tokens (Postgres twin of ../0004_create_setup_tokens.sql): the first-user setup link, shared by every
-- instance so a link printed by one works on another behind a load balancer. Only SHA-256 hashes are stored; not
-- tenant-scoped (they exist only while the server has no tenant at all). Times are UTC ISO-8601 text, as on SQLite.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
