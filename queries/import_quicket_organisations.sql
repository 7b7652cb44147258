-- Companies named in the file that are new ("Acme" and "ACME" are one).
INSERT INTO organisations (name)
SELECT DISTINCT ON (lower(q.organisation)) q.organisation
FROM quicket_contacts AS q
WHERE q.organisation IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM organisations AS o WHERE lower(o.name) = lower(q.organisation))
ORDER BY lower(q.organisation), q.organisation
