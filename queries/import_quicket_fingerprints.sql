-- Tickets of the event ($1) that the file holds exactly as the database has
-- them, but whose fingerprint is another (written before fingerprints
-- existed, or under older rules): record the line's, so that the next
-- import of the same line can skip it. Not where the line's status is behind
-- the database's ($2: the order of statuses): such a line was not applied as
-- it is. Run only when the event had tickets before this import (the
-- tickets it creates get their fingerprint as they are written).
UPDATE tickets AS t
SET import_fingerprint = s.fingerprint
FROM quicket_staging AS s
WHERE t.event_id = $1
  -- Known lines are the ones their tickets record; the tickets just
  -- written (quicket_work) got their line's fingerprint with them.
  AND NOT s.known
  AND NOT EXISTS (SELECT 1 FROM quicket_work AS w WHERE w.ticket_number = s.ticket_number)
  AND t.ticket_number = s.ticket_number
  AND t.import_fingerprint IS DISTINCT FROM s.fingerprint
  AND NOT COALESCE(array_position($2::text[], s.status) < array_position($2::text[], t.status), false)
