-- Claims: a row belongs to its flow's partition and is claimed by the partition's lease holder under its epoch
-- (partition_leases, created by the orchestration module); a newer epoch claims it again.
ALTER TABLE inbox ADD COLUMN partition INTEGER NOT NULL DEFAULT -1;
ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
ALTER TABLE inbox ADD COLUMN claimed_at TEXT;
ALTER TABLE inbox ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX inbox_partition ON inbox (partition, id);
CREATE INDEX inbox_tenant ON inbox (tenant_id, id);

-- Every row carries its tenant.
ALTER TABLE schedule_slots ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_tokens ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE flow_runtime ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
