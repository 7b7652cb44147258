-- One row per person of the file to add (is_new) or update: for each
-- detail, the value of the latest line that has one (an empty cell never
-- erases what another line of the same person says), kept only when the
-- person is new or one of those values differs from the database's.
-- Decided per person, not per line: a value an earlier line gives and a
-- later line overrides is not a change.
--
-- One sort does it all: the window takes each person's first non-empty
-- value of each detail, latest line first (attrib.first_not_null, migration
-- 013; computed once per person, as the frame is the whole partition), and
-- DISTINCT ON keeps the latest line of each person. The
-- staging table holds every line of each person it holds (the first pass
-- of a newer export reads again all lines of a changed person), and only
-- the lines whose details count are sorted: a line that repeats its
-- person's previous line cannot change the result (quicket::RepeatedDetails),
-- and in most exports most lines do.
CREATE TEMP TABLE quicket_contacts ON COMMIT DROP AS
SELECT p.email_key, p.email, p.first_name, p.last_name, p.phone, p.organisation, p.job_title,
       c.id IS NULL AS is_new
FROM (
    SELECT DISTINCT ON (email_key)
           email_key, email, first_name, last_name, phone, organisation, job_title
    FROM (
        SELECT lower(email) AS email_key,
               line,
               email,
               attrib.first_not_null(first_name) OVER person AS first_name,
               attrib.first_not_null(last_name) OVER person AS last_name,
               attrib.first_not_null(phone) OVER person AS phone,
               attrib.first_not_null(organisation) OVER person AS organisation,
               attrib.first_not_null(job_title) OVER person AS job_title
        FROM quicket_staging
        WHERE details
        WINDOW person AS (PARTITION BY lower(email) ORDER BY line DESC
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ) AS lines
    ORDER BY email_key, line DESC
) AS p
LEFT JOIN contacts AS c ON lower(c.email) = p.email_key
WHERE c.id IS NULL
   OR (p.first_name IS NOT NULL AND p.first_name IS DISTINCT FROM c.first_name)
   OR (p.last_name IS NOT NULL AND p.last_name IS DISTINCT FROM c.last_name)
   OR (p.phone IS NOT NULL AND p.phone IS DISTINCT FROM c.phone)
   OR (p.job_title IS NOT NULL AND p.job_title IS DISTINCT FROM c.job_title)
   -- A company is a change unless it is the name of the person's own
   -- organisation: also a company new to the database, which
   -- import_quicket_organisations.sql then creates. Asked only of known
   -- people (OR stops at the first true arm), through the primary key.
   OR (p.organisation IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM organisations AS o
                       WHERE o.id = c.organisation_id AND lower(o.name) = lower(p.organisation)))
