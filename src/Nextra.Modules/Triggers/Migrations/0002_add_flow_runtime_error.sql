-- Why a flow is in status "error", kept across restarts (the in-memory slot used to be the only copy).
ALTER TABLE flow_runtime ADD COLUMN error TEXT;
