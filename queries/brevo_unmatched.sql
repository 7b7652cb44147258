-- `attrib brevo ingest`: where the events that matched no recipient are in
-- the file, in file order, through a cursor (fetched a page at a time).
DECLARE brevo_unmatched NO SCROLL CURSOR FOR
SELECT raw_offset, raw_length
FROM brevo_matched
WHERE recipient_id IS NULL
ORDER BY seq
