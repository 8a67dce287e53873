-- Flows and their YAML history (Postgres twin of ../0001_create_flows.sql). canvas_state is the UI's opaque JSON, as text.
CREATE TABLE flows (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    organism_yaml TEXT NOT NULL,
    canvas_state  TEXT NULL,
    status        TEXT NOT NULL DEFAULT 'stopped',
    version       BIGINT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ix_flows_tenant_updated ON flows (tenant_id, updated_at);
CREATE INDEX ix_flows_status ON flows (status);

CREATE TABLE flow_versions (
    flow_id       TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    tenant_id     TEXT NOT NULL,
    version       BIGINT NOT NULL,
    organism_yaml TEXT NOT NULL,
    canvas_state  TEXT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NULL,
    PRIMARY KEY (flow_id, version)
);
CREATE INDEX ix_flow_versions_tenant ON flow_versions (tenant_id, flow_id, version);
