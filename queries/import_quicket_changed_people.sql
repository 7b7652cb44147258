-- After import_quicket_changed_lines.sql, when some lines are to be read in
-- full: so are the other lines of the same people, since a person's details
-- come from their latest line that has each one. Returns (through the row
-- count) how many lines that adds.
INSERT INTO quicket_changed
SELECT s.line, s.email
FROM quicket_seen AS s
WHERE lower(s.email) IN (SELECT lower(email) FROM quicket_changed)
  AND NOT EXISTS (SELECT 1 FROM quicket_changed AS c WHERE c.line = s.line)
