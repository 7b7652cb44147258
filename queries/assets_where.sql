-- `attrib assets where ASSET` (question 5: where did we share the CFP
-- flyer?): every distribution of one asset, in date order.
SELECT d.channel::text                                  AS channel,
       to_char(d.distributed_at, 'YYYY-MM-DD HH24:MI')  AS shared_at,
       d.reach_estimate                                 AS reach,
       d.notes
FROM asset_distributions d
WHERE d.asset_id = $1
ORDER BY d.distributed_at, d.id
