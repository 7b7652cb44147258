-- `attrib brevo ingest`: the events that matched no recipient, as they
-- arrived, in file order, through a cursor (fetched a page at a time).
DECLARE brevo_unmatched NO SCROLL CURSOR FOR
SELECT s.raw
FROM brevo_matched m
JOIN brevo_staging s ON s.seq = m.seq
WHERE m.recipient_id IS NULL
ORDER BY m.seq
