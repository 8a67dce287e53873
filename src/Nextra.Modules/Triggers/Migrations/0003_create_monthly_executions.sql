-- Executions accepted per tenant and UTC month ('YYYY-MM'), incremented in the same transaction
-- as each inbox row, so the count survives restarts and costs no extra commit. Tier quotas read it
-- once per tenant and then count in memory. Retention never touches it (runs are deleted, the count stays).
CREATE TABLE monthly_executions (
    tenant_id TEXT NOT NULL,
    month     TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, month)
) WITHOUT ROWID;
