-- The same ticket twice in one file: the later line wins. As
-- import_quicket_dedupe.sql, but looking only at the ticket numbers that
-- attrib saw possibly repeated while reading ($1), so that a file without
-- repeats is not joined with itself. Returns how many lines were dropped.
DELETE FROM quicket_staging AS earlier
USING (SELECT ticket_number, max(line) AS line
       FROM quicket_staging
       WHERE ticket_number = ANY($1::text[])
       GROUP BY ticket_number) AS latest
WHERE earlier.ticket_number = latest.ticket_number
  AND earlier.line < latest.line
