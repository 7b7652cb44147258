-- `attrib assets share`: where and when a material was shared. $3 is read in
-- the session time zone when it has no offset; no time means now.
INSERT INTO asset_distributions (asset_id, channel, distributed_at, reach_estimate, notes)
VALUES ($1, $2, coalesce($3::timestamptz, now()), $4, $5)
RETURNING id, to_char(distributed_at, 'YYYY-MM-DD HH24:MI') AS shared_at
