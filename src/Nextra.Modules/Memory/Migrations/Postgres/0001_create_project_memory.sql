-- Project memory (Postgres twin of ../0001_create_project_memory.sql): key/value per flow. Rows go with their flow
-- (ON DELETE CASCADE); every lookup is by (tenant_id, flow_id, key).
CREATE TABLE project_memory (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      BYTEA NOT NULL,
    size       BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (flow_id, key)
);
CREATE INDEX ix_project_memory_tenant ON project_memory (tenant_id, flow_id);
