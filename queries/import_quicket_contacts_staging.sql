-- One row per person of the file: for each detail, the value of the latest
-- line that has one (an empty cell never erases what another line of the
-- same person says), whether the person is new (is_new), and their contact
-- id: the existing one, or one taken now for a new person, so that the
-- tickets can find it by the person's number (quicket::PersonNumbers) in
-- import_quicket_tickets_insert_numbered.sql. Which known people change is
-- decided by import_quicket_contacts_update.sql. Decided per person, not
-- per line: a value an earlier line gives and a later line overrides is
-- not a change.
--
-- One sort does it all: the window takes each person's first non-empty
-- value of each detail, latest line first (attrib.first_not_null, migration
-- 013; computed once per person, as the frame is the whole partition), and
-- DISTINCT ON keeps the latest line of each person (and its number). The
-- staging table holds every line of each person it holds (the first pass
-- of a newer export reads again all lines of a changed person), and only
-- the lines whose details count are sorted: a line that repeats its
-- person's previous line cannot change the result (quicket::RepeatedDetails),
-- and in most exports most lines do. (A person's first line always counts.)
--
-- The ids of new people are taken in the order of email_key, the order in
-- which import_quicket_contacts_insert.sql then inserts them: both of its
-- indexes grow at their end.
CREATE TEMP TABLE quicket_contacts ON COMMIT DROP AS
SELECT p.email_key, p.person, p.email, p.first_name, p.last_name, p.phone, p.organisation,
       p.job_title,
       c.id IS NULL AS is_new,
       COALESCE(c.id, nextval('contacts_id_seq')::integer) AS contact_id
FROM (
    SELECT DISTINCT ON (email_key)
           email_key, person, email, first_name, last_name, phone, organisation, job_title
    FROM (
        SELECT lower(email) AS email_key,
               line,
               person,
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
