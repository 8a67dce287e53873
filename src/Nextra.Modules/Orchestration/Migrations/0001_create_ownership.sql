-- inbox.db: the embedded server's ownership epoch, one row, incremented at every start. Inbox claims carry it, so
-- rows claimed by an earlier run of the server are claimable again (hosted mode keeps per-partition leases in Postgres).
CREATE TABLE ownership_epoch (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    epoch      INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    instance   TEXT NOT NULL
);

-- flow_runtime (created by the triggers module's first migration) is orchestration's: every row carries its tenant.
ALTER TABLE flow_runtime ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
