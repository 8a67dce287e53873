-- Marketplace: listings (publisher/name), immutable signed versions, publishers with custodial keys, the registry's
-- server keys, submissions, installs, votes, and daily usage (ranking and vote eligibility). Listings of the built-in
-- catalogue have tenant_id '' (no FK: they belong to no tenant).
CREATE TABLE marketplace_publishers (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    handle      TEXT NOT NULL UNIQUE,
    published   INTEGER NOT NULL DEFAULT 0,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE marketplace_server_keys (
    name        TEXT PRIMARY KEY,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key BLOB NOT NULL,
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
    installs       INTEGER NOT NULL DEFAULT 0,
    votes_up       INTEGER NOT NULL DEFAULT 0,
    votes_down     INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX marketplace_listings_kind ON marketplace_listings (kind, visibility, tenant_id);

-- Full text (R7): name (with the display name), tags (categories), summary, description (README), publisher;
-- kept in sync with marketplace_listings by triggers on its rowid.
CREATE VIRTUAL TABLE marketplace_fts USING fts5(name, tags, summary, description, publisher, tokenize = 'porter unicode61', prefix = '2 3');
CREATE TRIGGER marketplace_listings_ai AFTER INSERT ON marketplace_listings BEGIN
    INSERT INTO marketplace_fts (rowid, name, tags, summary, description, publisher)
    VALUES (new.rowid, new.name || ' ' || new.display_name, new.categories, new.summary, new.readme, new.publisher);
END;
CREATE TRIGGER marketplace_listings_ad AFTER DELETE ON marketplace_listings BEGIN
    DELETE FROM marketplace_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER marketplace_listings_au AFTER UPDATE OF name, display_name, categories, summary, readme, publisher ON marketplace_listings BEGIN
    DELETE FROM marketplace_fts WHERE rowid = old.rowid;
    INSERT INTO marketplace_fts (rowid, name, tags, summary, description, publisher)
    VALUES (new.rowid, new.name || ' ' || new.display_name, new.categories, new.summary, new.readme, new.publisher);
END;

CREATE TABLE marketplace_versions (
    listing_id        TEXT NOT NULL REFERENCES marketplace_listings (id) ON DELETE CASCADE,
    version           TEXT NOT NULL,
    state             TEXT NOT NULL,
    manifest          TEXT NOT NULL,
    content           BLOB NOT NULL,
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
    auto_update      INTEGER NOT NULL DEFAULT 0,
    pending_version  TEXT NULL,
    previous_version TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (tenant_id, listing_id, major)
);

CREATE TABLE marketplace_votes (
    listing_id TEXT NOT NULL,
    tenant_id  TEXT NOT NULL,
    up         INTEGER NOT NULL,
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
