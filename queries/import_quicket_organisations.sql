-- Companies named in the file that are new ("Acme" and "ACME" are one:
-- the first spelling in sort order is kept). Grouped by hash, then sorted:
-- a file names a few hundred companies on a million lines.
INSERT INTO organisations (name)
SELECT min(q.organisation)
FROM quicket_contacts AS q
WHERE q.organisation IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM organisations AS o WHERE lower(o.name) = lower(q.organisation))
GROUP BY lower(q.organisation)
ORDER BY lower(q.organisation)
