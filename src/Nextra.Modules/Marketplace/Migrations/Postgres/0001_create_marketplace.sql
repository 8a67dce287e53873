-- Marketplace (Postgres twin of ../0001_create_marketplace.sql): listings (publisher/name), immutable signed versions, publishers with custodial keys, the registry's
-- server keys, submissions, installs, votes, and daily usage (ranking and vote eligibility). Listings of the built-in
-- catalogue have tenant_id '' (no FK: they belong to no tenant).
CREATE TABLE marketplace_publishers (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    handle      TEXT NOT NULL UNIQUE,
    published   BOOLEAN NOT NULL DEFAULT FALSE,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key BYTEA NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE marketplace_server_keys (
    name        TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key BYTEA NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE marketplace_listings (
    id             TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    publisher      TEXT NOT NULL,
    name           TEXT NOT NULL,
    tenant_id      TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    summary        TEXT NOT NULL,
    readme         TEXT NOT NULL,
    categories     TEXT NOT NULL,
    visibility     TEXT NOT NULL,
    review_level   TEXT NOT NULL,
    latest_version TEXT NULL,
    installs       BIGINT NOT NULL DEFAULT 0,
    votes_up       BIGINT NOT NULL DEFAULT 0,
    votes_down     BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX marketplace_listings_kind ON marketplace_listings (kind, visibility, tenant_id);

-- Full text (R7): a generated tsvector weighted A=name (with the display name), B=tags (categories), C=summary,
-- D=description (README), with a GIN index; queried with websearch_to_tsquery and ranked with ts_rank_cd.
ALTER TABLE marketplace_listings ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name || ' ' || display_name || ' ' || publisher), 'A') ||
    setweight(to_tsvector('english', categories), 'B') ||
    setweight(to_tsvector('english', summary), 'C') ||
    setweight(to_tsvector('english', readme), 'D')) STORED;
CREATE INDEX marketplace_listings_search ON marketplace_listings USING GIN (search);

CREATE TABLE marketplace_versions (
    listing_id        TEXT NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    version           TEXT NOT NULL,
    state             TEXT NOT NULL,
    manifest          TEXT NOT NULL,
    content           BYTEA NOT NULL,
    digest            TEXT NOT NULL,
    statement         TEXT NOT NULL,
    signature         TEXT NOT NULL,
    signer_key_id     TEXT NOT NULL,
    approval          TEXT NULL,
    countersignature  TEXT NULL,
    counter_key_id    TEXT NULL,
    created_at        TEXT NOT NULL,
    PRIMARY KEY (listing_id, version)
);

CREATE TABLE marketplace_submissions (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    version    TEXT NOT NULL,
    state      TEXT NOT NULL,
    checks     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX marketplace_submissions_state ON marketplace_submissions (state);

CREATE TABLE marketplace_installs (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    listing_id       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    version          TEXT NOT NULL,
    major            TEXT NOT NULL,
    digest           TEXT NOT NULL,
    permissions      TEXT NOT NULL,
    permissions_hash TEXT NOT NULL,
    secret_bindings  TEXT NOT NULL,
    auto_update      BOOLEAN NOT NULL DEFAULT FALSE,
    pending_version  TEXT NULL,
    previous_version TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (tenant_id, listing_id, major)
);

CREATE TABLE marketplace_votes (
    listing_id TEXT NOT NULL,
    tenant_id  TEXT NOT NULL,
    up         BOOLEAN NOT NULL,
    text       TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (listing_id, tenant_id)
);

CREATE TABLE marketplace_usage (
    tenant_id  TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    PRIMARY KEY (listing_id, tenant_id, day)
);
