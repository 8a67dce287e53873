-- Accounts (Postgres twin of ../0001_create_accounts.sql): tenants, users, browser sessions, API keys.
-- Times are UTC ISO-8601 text of one format, as on SQLite, so they compare correctly as text on both providers.
CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_tenants_name ON tenants (name);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
-- Login is by email alone, so an email names one user across tenants (stored lowercased).
CREATE UNIQUE INDEX ux_users_email ON users (email);
CREATE INDEX ix_users_tenant ON users (tenant_id, id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX ix_sessions_tenant_user ON sessions (tenant_id, user_id);
CREATE INDEX ix_sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NULL,
    revoked_at   TEXT NULL
);
CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);
CREATE INDEX ix_api_keys_tenant_user ON api_keys (tenant_id, user_id);
