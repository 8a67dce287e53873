-- Every row carries its tenant and every query filters on it; flow logs live here so any instance can serve them.
ALTER TABLE steps ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE payloads ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_tenant_flow ON runs (tenant_id, flow_id, run_id);

CREATE TABLE logs (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    at        TEXT NOT NULL,
    level     TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX logs_flow ON logs (tenant_id, flow_id, seq);
