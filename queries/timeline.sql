-- `attrib timeline --campaign C` (question 6: a timeline of all comms for the
-- CFP campaign): its communications, its assets and where they were shared,
-- in date order. A draft has no sent_at and is placed when it was recorded.
SELECT to_char(t.at, 'YYYY-MM-DD HH24:MI') AS at, t.kind, t.channel, t.title, t.detail
FROM (
    SELECT coalesce(co.sent_at, co.created_at) AS at, 1 AS kind_order, co.id,
           'communication'::text AS kind, co.channel::text AS channel, co.title::text AS title,
           concat_ws(', ', co.status,
                     CASE WHEN co.channel = 'email' THEN co.recipient_count || ' recipients' END,
                     co.post_url) AS detail
    FROM communications co
    WHERE co.campaign_id = $1
    UNION ALL
    SELECT a.created_at, 2, a.id,
           'asset', a.asset_type::text, a.title::text,
           concat_ws(', ', 'created', a.file_url)
    FROM marketing_assets a
    WHERE a.campaign_id = $1
    UNION ALL
    SELECT d.distributed_at, 3, d.id,
           'shared', d.channel::text, a.title::text,
           concat_ws(', ', 'reach ' || d.reach_estimate, d.notes)
    FROM asset_distributions d
    JOIN marketing_assets a ON a.id = d.asset_id
    WHERE a.campaign_id = $1
) t
ORDER BY t.at, t.kind_order, t.id
