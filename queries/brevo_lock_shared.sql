-- Brevo events (src/brevo/apply.rs, Lock::Shared): `brevo listen` groups
-- apply beside each other (their rows are locked by brevo_lock_rows.sql),
-- never beside a file or a rematch. Says whether this session's staging
-- tables are still to be created.
SELECT to_regclass('pg_temp.brevo_staging') IS NULL AS new_tables
FROM (SELECT pg_advisory_xact_lock_shared(hashtext('attrib: brevo ingest'))) AS locked
