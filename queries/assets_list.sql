-- `attrib assets list --event E` (question 4: what materials did we create
-- for the event?), also the assets section of `attrib outreach`: each asset
-- with how often it was shared and the reach estimated for it.
SELECT a.id,
       a.asset_type::text                                 AS asset_type,
       a.title::text                                      AS title,
       ca.name::text                                      AS campaign,
       a.file_url,
       to_char(a.created_at, 'YYYY-MM-DD HH24:MI')        AS created_at,
       count(d.id)                                        AS times_shared,
       sum(d.reach_estimate)                              AS reach,
       to_char(max(d.distributed_at), 'YYYY-MM-DD HH24:MI') AS last_shared
FROM marketing_assets a
LEFT JOIN campaigns ca ON ca.id = a.campaign_id
LEFT JOIN asset_distributions d ON d.asset_id = a.id
WHERE a.event_id = $1
GROUP BY a.id, ca.name
ORDER BY a.created_at, a.id
