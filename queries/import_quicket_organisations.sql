-- Companies named in the file that are new ("Acme" and "ACME" are one).
-- In a fixed order, so that two imports at once cannot deadlock.
INSERT INTO organisations (name)
SELECT DISTINCT ON (lower(q.organisation)) q.organisation
FROM quicket_contacts AS q
WHERE q.organisation IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM organisations AS o WHERE lower(o.name) = lower(q.organisation))
ORDER BY lower(q.organisation), q.organisation
ON CONFLICT ((lower(name))) DO NOTHING
