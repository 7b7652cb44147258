-- The first pass of an import into an event that has tickets ($1: event
-- id): how many tickets it has, and the fingerprints of the lines they were
-- last written from (quicket::Fingerprint), compared with the file's lines
-- in memory. No fingerprints (NULL) past $2 tickets: the file is then read
-- in full, so that memory stays bounded.
SELECT count(*) AS tickets,
       CASE WHEN count(*) <= $2 THEN
           COALESCE(array_agg(import_fingerprint) FILTER (WHERE import_fingerprint IS NOT NULL),
                    '{}')
       END AS fingerprints
FROM tickets
WHERE event_id = $1
