-- The `delete` commands: what deleting one event ($1), campaign ($2),
-- communication ($3) or marketing asset ($4) takes with it (the other
-- three parameters NULL). An event takes its campaigns, materials, tickets,
-- sessions, sponsorships and import records; a campaign its communications
-- and materials; a communication its recipient rows; a material where it
-- was shared. Contacts are never deleted: they are people, shared by events.
WITH ev AS (
    SELECT id FROM events WHERE id = $1
),
ca AS (
    SELECT id FROM campaigns WHERE event_id IN (SELECT id FROM ev) OR id = $2
),
co AS (
    SELECT id FROM communications WHERE campaign_id IN (SELECT id FROM ca) OR id = $3
),
ma AS (
    SELECT id FROM marketing_assets
    WHERE event_id IN (SELECT id FROM ev) OR campaign_id IN (SELECT id FROM ca) OR id = $4
)
SELECT (SELECT count(*) FROM ca) AS campaigns,
       (SELECT count(*) FROM co) AS communications,
       (SELECT count(*) FROM communication_recipients
        WHERE communication_id IN (SELECT id FROM co)) AS recipients,
       (SELECT count(*) FROM ma) AS assets,
       (SELECT count(*) FROM asset_distributions WHERE asset_id IN (SELECT id FROM ma)) AS distributions,
       (SELECT count(*) FROM tickets WHERE event_id IN (SELECT id FROM ev)) AS tickets,
       (SELECT count(*) FROM sessions WHERE event_id IN (SELECT id FROM ev)) AS sessions,
       (SELECT count(*) FROM event_sponsors WHERE event_id IN (SELECT id FROM ev)) AS sponsorships,
       (SELECT count(*) FROM import_batches WHERE event_id IN (SELECT id FROM ev)) AS imports
