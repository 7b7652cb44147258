-- Brevo events from a file or a rematch (src/brevo/apply.rs,
-- Lock::Exclusive), which may be millions: memory for the set-based steps,
-- for this transaction only. Webhook groups keep the defaults.
SET LOCAL work_mem = '256MB';
-- JIT compiling these one-off statements costs more than it saves.
SET LOCAL jit = off;
-- 256 MB of buffers for the session's temporary tables. This can only
-- change before the session's first temporary table; on a connection that
-- already had one it stays as is. (Not for webhook groups: every commit
-- that empties the staging tables scans all the buffers, about 1 ms at
-- 256 MB, measured.)
DO $$ BEGIN PERFORM set_config('temp_buffers', '256MB', true);
      EXCEPTION WHEN invalid_parameter_value THEN NULL; END $$
