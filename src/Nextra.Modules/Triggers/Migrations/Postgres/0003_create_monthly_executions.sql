-- Executions accepted per tenant and UTC month ('YYYY-MM'), incremented in the same transaction as each inbox row.
-- Unlike SQLite (one writer), many Postgres transactions append at once: the count is spread over shards (a row per
-- tenant, month and shard, the shard picked from the run id) so concurrent appends of one tenant do not queue on
-- one row lock. The month's count is the sum of its shards.
CREATE TABLE monthly_executions (
    tenant_id TEXT     NOT NULL,
    month     TEXT     NOT NULL,
    shard     SMALLINT NOT NULL,
    count     BIGINT   NOT NULL,
    PRIMARY KEY (tenant_id, month, shard)
);
