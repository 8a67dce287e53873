-- R10 metering. The usage ledger: one append-only row per counted unit (+1 when a run is accepted or a held run is
-- released, -1 when it is refunded), written in the transaction that writes the inbox row (or, for a refund, that
-- gives the count back), so monthly_executions and the ledger always agree. UNIQUE(tenant, unit, run, reason):
-- a replayed write after a crash cannot count twice.
CREATE TABLE usage_ledger (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    unit      TEXT    NOT NULL,
    qty       INTEGER NOT NULL,
    flow_id   TEXT,
    run_id    TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    UNIQUE (tenant_id, unit, run_id, reason)
);
CREATE INDEX usage_ledger_tenant ON usage_ledger (tenant_id, id);

-- Webhooks accepted at 100% of the month's executions: durable, not counted and not run until released (FIFO by seq)
-- at the period reset or a tier upgrade, when they move into the inbox and count.
CREATE TABLE held_runs (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT    NOT NULL UNIQUE,
    tenant_id     TEXT    NOT NULL,
    flow_id       TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    target        TEXT,
    payload_class TEXT,
    payload_xml   TEXT,
    payload_json  TEXT,
    created_at    TEXT    NOT NULL,
    trace_parent  TEXT
);
CREATE INDEX held_runs_tenant ON held_runs (tenant_id, seq);
