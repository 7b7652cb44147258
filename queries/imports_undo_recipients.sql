-- `attrib imports undo`: the recipient rows a recipient list added ($1:
-- batch id), from the id ranges recorded with it; how many are left, and
-- how many Brevo events have reached since (their metadata holds them).
SELECT count(*) AS added,
       count(*) FILTER (WHERE r.metadata IS NOT NULL) AS changed_since,
       coalesce(array_agg(DISTINCT r.communication_id), '{}') AS communications
FROM attrib.import_batch_rows x
JOIN communication_recipients r ON r.id BETWEEN x.first_id AND x.last_id
WHERE x.batch_id = $1 AND x.relation = 'communication_recipients'
