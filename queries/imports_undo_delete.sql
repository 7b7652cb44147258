-- `attrib imports undo`: removes what one import added, in one statement.
--
--   $1  int          batch id
--   $2  int          event id of a Quicket import, NULL otherwise
--   $3  timestamptz  start of the import's transaction: the created_at of
--                    every contact, ticket and organisation it created
--
-- Contacts and organisations go only when nothing else refers to them once
-- the import's own rows are gone. Data-modifying CTEs share one snapshot,
-- so the NOT EXISTS tests exclude the rows deleted here explicitly.
WITH gone_recipients AS (
    DELETE FROM communication_recipients r
    USING attrib.import_batch_rows x
    WHERE x.batch_id = $1 AND x.relation = 'communication_recipients'
      AND r.id BETWEEN x.first_id AND x.last_id
    RETURNING r.id, r.contact_id
),
gone_tickets AS (
    DELETE FROM tickets t
    WHERE $2::int IS NOT NULL AND t.event_id = $2 AND t.created_at = $3
    RETURNING t.id, t.contact_id
),
gone_contacts AS (
    DELETE FROM contacts c
    WHERE c.created_at = $3
      AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.contact_id = c.id
                      AND t.id NOT IN (SELECT id FROM gone_tickets))
      AND NOT EXISTS (SELECT 1 FROM communication_recipients r WHERE r.contact_id = c.id
                      AND r.id NOT IN (SELECT id FROM gone_recipients))
      AND NOT EXISTS (SELECT 1 FROM speakers s WHERE s.contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM sponsors s WHERE s.contact_id = c.id)
    RETURNING c.id, c.organisation_id
),
gone_organisations AS (
    DELETE FROM organisations o
    WHERE o.created_at = $3
      AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.organisation_id = o.id
                      AND c.id NOT IN (SELECT id FROM gone_contacts))
      AND NOT EXISTS (SELECT 1 FROM sponsors s WHERE s.organisation_id = o.id)
    RETURNING o.id
)
SELECT (SELECT count(*) FROM gone_recipients)    AS recipients,
       (SELECT count(*) FROM gone_tickets)       AS tickets,
       (SELECT count(*) FROM gone_contacts)      AS contacts,
       (SELECT count(*) FROM gone_organisations) AS organisations
