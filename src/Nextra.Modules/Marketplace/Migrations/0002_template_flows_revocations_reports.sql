-- Flows created from a template (R6: template {id, version, digest, inputs} and the secrets it needs; the flow is not
-- setup-complete while one of them is not bound), the registry's revocation list (R3: revoked key ids, digests and
-- versions), and abuse reports on listings (R5: one per tenant and listing).
CREATE TABLE marketplace_template_flows (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    flow_id    TEXT NOT NULL,
    listing_id TEXT NOT NULL,
    version    TEXT NOT NULL,
    digest     TEXT NOT NULL,
    inputs     TEXT NOT NULL,
    secrets    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, flow_id)
);

CREATE TABLE marketplace_revocations (
    kind   TEXT NOT NULL,
    value  TEXT NOT NULL,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL,
    PRIMARY KEY (kind, value)
);

CREATE TABLE marketplace_reports (
    listing_id TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    text       TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (listing_id, tenant_id)
);
