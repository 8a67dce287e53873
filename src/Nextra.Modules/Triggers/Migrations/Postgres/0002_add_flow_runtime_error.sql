-- Why a flow is in status "error", kept across restarts.
ALTER TABLE flow_runtime ADD COLUMN error TEXT;
