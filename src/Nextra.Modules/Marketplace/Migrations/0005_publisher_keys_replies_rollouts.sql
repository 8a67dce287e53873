-- Publisher-held keys (R3): a publisher registers up to 3 Ed25519 public keys of its own (nextra marketplace keygen) and signs
-- packages locally (nextra marketplace pack --sign); a key signs only ids under its tenant's handle. Revoking keeps the row
-- (revoked_at): versions it signed before stay valid, nothing signed with it publishes after.
CREATE TABLE marketplace_publisher_keys (
    key_id     TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);
CREATE INDEX marketplace_publisher_keys_tenant ON marketplace_publisher_keys (tenant_id);

-- The publisher's one reply to a review (R7).
ALTER TABLE marketplace_votes ADD COLUMN reply TEXT NULL;
ALTER TABLE marketplace_votes ADD COLUMN reply_at TEXT NULL;
CREATE INDEX marketplace_votes_tenant_created ON marketplace_votes (tenant_id, created_at);

-- Staged auto-updates (R4): one row per listing version being rolled out to installs that opted in; the first stage (10% of
-- tenants, by hash) moves at once, the rest after [marketplace] staged_update_hours unless the first stage's failure rate rose.
CREATE TABLE marketplace_rollouts (
    listing_id TEXT NOT NULL,
    version    TEXT NOT NULL,
    major      TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state      TEXT NOT NULL,
    detail     TEXT NULL,
    decided_at TEXT NULL,
    PRIMARY KEY (listing_id, version)
);
