-- `attrib brevo ingest`: the events that matched no recipient, as they
-- arrived, in file order, through a cursor (fetched a page at a time).
DECLARE brevo_unmatched NO SCROLL CURSOR FOR
SELECT raw
FROM brevo_matched
WHERE recipient_id IS NULL
ORDER BY seq
