-- Every event, oldest first, with its tickets, its registrations (tickets
-- neither cancelled nor refunded) and when a Quicket export was last imported (in the session time zone).
SELECT e.id,
       e.slug::text AS slug,
       e.name::text AS name,
       e.starts_on,
       e.ends_on,
       e.venue,
       (SELECT count(*) FROM tickets AS t WHERE t.event_id = e.id) AS tickets,
       (SELECT count(*) FROM tickets AS t WHERE t.event_id = e.id AND t.status = 'valid') AS registrations,
       (SELECT to_char(max(b.finished_at), 'YYYY-MM-DD HH24:MI') FROM import_batches AS b
        WHERE b.event_id = e.id AND b.source = 'quicket') AS last_import
FROM events AS e
ORDER BY e.starts_on, e.id
