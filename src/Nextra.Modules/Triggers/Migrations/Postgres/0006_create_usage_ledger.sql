-- R10 metering (see the SQLite migration): the append-only usage ledger, written in the transaction of the inbox row
-- (or of the refund), and the webhooks held at 100% of the month's executions until the period reset or an upgrade.
CREATE TABLE usage_ledger (
    id        BIGSERIAL PRIMARY KEY,
    tenant_id TEXT   NOT NULL,
    period    TEXT   NOT NULL,
    unit      TEXT   NOT NULL,
    qty       BIGINT NOT NULL,
    flow_id   TEXT,
    run_id    TEXT   NOT NULL,
    reason    TEXT   NOT NULL,
    at        TEXT   NOT NULL,
    UNIQUE (tenant_id, unit, run_id, reason)
);
CREATE INDEX usage_ledger_tenant ON usage_ledger (tenant_id, id);

CREATE TABLE held_runs (
    seq           BIGSERIAL PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    tenant_id     TEXT NOT NULL,
    flow_id       TEXT NOT NULL,
    source        TEXT NOT NULL,
    target        TEXT,
    payload_class TEXT,
    payload_xml   TEXT,
    payload_json  TEXT,
    created_at    TEXT NOT NULL,
    trace_parent  TEXT
);
CREATE INDEX held_runs_tenant ON held_runs (tenant_id, seq);
