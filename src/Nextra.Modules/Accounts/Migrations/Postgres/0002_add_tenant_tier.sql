-- A tenant's tier (free, paid, pro, enterprise or one configured under [tiers]); NULL = the
-- configured default tier, so changing default_tier moves every tenant never set explicitly.
ALTER TABLE tenants ADD COLUMN tier TEXT NULL;
