-- Tenant secrets (Postgres twin of ../0001_create_secrets.sql). value is AES-256-GCM ciphertext
-- (version | nonce | tag | data) bound to (tenant_id, name).
CREATE TABLE secrets (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NULL,
    PRIMARY KEY (tenant_id, name)
);
