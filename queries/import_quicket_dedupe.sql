-- The same ticket twice in one file: the later line wins. Returns how many
-- earlier lines were dropped.
DELETE FROM quicket_staging AS earlier
USING quicket_staging AS later
WHERE later.ticket_number = earlier.ticket_number
  AND later.line > earlier.line
