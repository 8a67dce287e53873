-- Teams: a person may belong to several tenants, each with its own role. users.tenant_id stays the user's
-- home tenant (where they were created) and users.role is no longer read: memberships decide access.
CREATE TABLE memberships (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    last_seen_at TEXT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX ix_memberships_user ON memberships (user_id);
INSERT INTO memberships (tenant_id, user_id, role, joined_at) SELECT tenant_id, id, role, created_at FROM users;

-- A display name, and disabled users (Clerk user.deleted, or an operator): no session or key of theirs works.
ALTER TABLE users ADD COLUMN name TEXT NULL;
ALTER TABLE users ADD COLUMN disabled_at TEXT NULL;

-- Invites: single-use, expiring; only the SHA-256 of the token is kept.
CREATE TABLE invites (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    invited_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT NULL,
    accepted_by TEXT NULL,
    revoked_at  TEXT NULL
);
CREATE UNIQUE INDEX ux_invites_token ON invites (token_hash);
CREATE INDEX ix_invites_tenant ON invites (tenant_id, created_at);
