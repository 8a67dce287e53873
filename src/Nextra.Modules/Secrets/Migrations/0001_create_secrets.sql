-- Tenant secrets. value is AES-256-GCM ciphertext (version | nonce | tag | data) bound to (tenant_id, name).
CREATE TABLE secrets (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NULL,
    PRIMARY KEY (tenant_id, name)
);
