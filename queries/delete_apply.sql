-- The `delete` commands: deletes what queries/delete_plan.sql counted, in
-- one statement (same parameters). Foreign keys are checked at the end of
-- the statement, when every referencing row is gone too; tickets, sessions,
-- sponsorships and import records of an event go by their ON DELETE
-- CASCADE. Returns the rows deleted directly, to compare with the plan.
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
),
gone_recipients AS (
    DELETE FROM communication_recipients WHERE communication_id IN (SELECT id FROM co) RETURNING 1
),
gone_distributions AS (
    DELETE FROM asset_distributions WHERE asset_id IN (SELECT id FROM ma) RETURNING 1
),
gone_communications AS (
    DELETE FROM communications WHERE id IN (SELECT id FROM co) RETURNING 1
),
gone_assets AS (
    DELETE FROM marketing_assets WHERE id IN (SELECT id FROM ma) RETURNING 1
),
gone_campaigns AS (
    DELETE FROM campaigns WHERE id IN (SELECT id FROM ca) RETURNING 1
),
gone_events AS (
    DELETE FROM events WHERE id IN (SELECT id FROM ev) RETURNING 1
)
SELECT (SELECT count(*) FROM gone_campaigns)      AS campaigns,
       (SELECT count(*) FROM gone_communications) AS communications,
       (SELECT count(*) FROM gone_recipients)     AS recipients,
       (SELECT count(*) FROM gone_assets)         AS assets,
       (SELECT count(*) FROM gone_distributions)  AS distributions,
       (SELECT count(*) FROM gone_events)         AS events
