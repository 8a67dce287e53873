-- Single sign-on. Times are UTC ISO-8601 text.
-- Providers an admin configured for their tenant (config-file providers are not stored). The name is global
-- because the routes (/oidc/{name}/…, /saml/{name}/…) name a provider before anyone is signed in.
CREATE TABLE sso_providers (
    name         TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    settings     TEXT NOT NULL,
    secret       TEXT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX ix_sso_providers_tenant ON sso_providers (tenant_id);

CREATE TABLE sso_tenant_settings (
    tenant_id    TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    sso_required INTEGER NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Sign-ins under way (OIDC state, SAML AuthnRequest id): single-use, short-lived. id is the SHA-256 of the state.
CREATE TABLE sso_requests (
    id            TEXT PRIMARY KEY,
    provider      TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    return_url    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);

-- Ids that may be used once (SAML assertion ids, svix-id), kept until they could no longer be replayed.
CREATE TABLE sso_used_ids (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

-- A provider's subject linked to a local user (first by verified email, then by subject).
CREATE TABLE sso_identities (
    provider      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX ix_sso_identities_user ON sso_identities (user_id);

-- A tenant made from an outside organization (Clerk's organization.created), by the outside id.
CREATE TABLE sso_tenant_links (
    provider    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (provider, external_id)
);
