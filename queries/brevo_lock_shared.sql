-- Brevo events (src/brevo/apply.rs, Lock::Shared): `brevo listen` groups
-- apply beside each other (their rows are locked by brevo_lock_rows.sql),
-- never beside a file or a rematch. A group's statements keep one plan
-- each (generic: planning them again for each group of a few dozen events
-- cost more than running them, measured). Says whether this session's
-- staging tables are still to be created.
SELECT to_regclass('pg_temp.brevo_staging') IS NULL AS new_tables
FROM (SELECT pg_advisory_xact_lock_shared(hashtext('attrib: brevo ingest')),
             set_config('plan_cache_mode', 'force_generic_plan', true)) AS locked
