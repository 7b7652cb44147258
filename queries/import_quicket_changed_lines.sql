-- The first pass of an import into an event that already has tickets: which
-- lines of the file must be read in full. quicket_seen holds the line
-- number, ticket number, email and fingerprint of every line. A line may be
-- skipped when its fingerprint equals the one its ticket was last written
-- from: it is exactly the line imported then, read the same way. Read in
-- full are the others, and every line of a ticket the file may hold twice
-- ($2, the candidates attrib saw while reading: the later line must win).
-- $1: event id. Returns (through the row count) how many lines that makes;
-- import_quicket_changed_people.sql adds the other lines of their people.
CREATE TEMP TABLE quicket_changed ON COMMIT DROP AS
SELECT s.line, s.email
FROM quicket_seen AS s
LEFT JOIN tickets AS t ON t.event_id = $1 AND t.ticket_number = s.ticket_number
WHERE t.import_fingerprint IS DISTINCT FROM s.fingerprint
   OR s.ticket_number IN (SELECT unnest($2::text[]))
