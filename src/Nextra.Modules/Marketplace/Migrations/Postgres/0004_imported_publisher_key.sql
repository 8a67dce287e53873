-- Postgres twin of ../0004_imported_publisher_key.sql: the publisher key of a version imported from another server's .ntpkg.
ALTER TABLE marketplace_versions ADD COLUMN publisher_key TEXT NULL;
