-- Brevo events (src/brevo/apply.rs, Lock::Exclusive): a file or a rematch
-- applies alone, after every other application, and they after it. Says
-- whether this session's staging tables are still to be created.
SELECT to_regclass('pg_temp.brevo_staging') IS NULL AS new_tables
FROM (SELECT pg_advisory_xact_lock(hashtext('attrib: brevo ingest'))) AS locked
