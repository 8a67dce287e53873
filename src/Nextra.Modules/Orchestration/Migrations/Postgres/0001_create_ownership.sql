-- Partition leases of hosted mode, on the database's clock: a partition's flows run on the instance whose lease is
-- live (expires_at > now()); epoch grows each time the partition changes hands and fences every inbox claim and
-- trace write of its runs.
CREATE TABLE partition_leases (
    partition   INTEGER PRIMARY KEY,
    owner       TEXT NOT NULL,
    epoch       BIGINT NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

-- Instances of the deployment and their heartbeats (nextra cluster status; the fair share of partitions).
CREATE TABLE cluster_instances (
    instance_id   TEXT PRIMARY KEY,
    advertise_url TEXT,
    started_at    TIMESTAMPTZ NOT NULL,
    heartbeat_at  TIMESTAMPTZ NOT NULL
);
