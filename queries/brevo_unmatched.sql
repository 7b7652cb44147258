-- `attrib brevo ingest`: the events that matched no recipient, in file
-- order, through a cursor (fetched a page at a time).
DECLARE brevo_unmatched NO SCROLL CURSOR FOR
SELECT s.raw
FROM brevo_staging s
WHERE NOT EXISTS (SELECT 1 FROM brevo_matched m WHERE m.seq = s.seq)
ORDER BY s.seq
