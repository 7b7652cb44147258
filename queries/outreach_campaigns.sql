-- `attrib outreach --event E` (question 2), first part: every campaign of
-- the event with what it holds.
SELECT ca.id,
       ca.name::text                                                    AS name,
       ca.campaign_type::text                                           AS campaign_type,
       ca.status::text                                                  AS status,
       (SELECT count(*) FROM communications co WHERE co.campaign_id = ca.id) AS communications,
       (SELECT count(*) FROM communication_recipients r
          JOIN communications co ON co.id = r.communication_id
         WHERE co.campaign_id = ca.id)                                  AS recipients,
       (SELECT count(*) FROM marketing_assets a WHERE a.campaign_id = ca.id) AS assets
FROM campaigns ca
WHERE ca.event_id = $1
ORDER BY ca.created_at, ca.id
