-- One row per person to add (is_new) or update (quicket_work). For
-- each detail, the value of the latest line that has one: an empty cell
-- never erases what another line of the same person says.
--
-- One sort does it all: the window gathers each person's non-empty values,
-- latest line first (computed once per person, as the frame is the whole
-- partition), and DISTINCT ON keeps the latest line of each person.
CREATE TEMP TABLE quicket_contacts ON COMMIT DROP AS
SELECT DISTINCT ON (email_key)
       email_key, email, first_name, last_name, phone, organisation, job_title,
       email_key IN (SELECT email_key FROM quicket_work WHERE person_new) AS is_new
FROM (
    SELECT lower(email) AS email_key,
           line,
           email,
           (array_agg(first_name) FILTER (WHERE first_name IS NOT NULL) OVER person)[1] AS first_name,
           (array_agg(last_name) FILTER (WHERE last_name IS NOT NULL) OVER person)[1] AS last_name,
           (array_agg(phone) FILTER (WHERE phone IS NOT NULL) OVER person)[1] AS phone,
           (array_agg(organisation) FILTER (WHERE organisation IS NOT NULL) OVER person)[1] AS organisation,
           (array_agg(job_title) FILTER (WHERE job_title IS NOT NULL) OVER person)[1] AS job_title
    FROM quicket_staging
    WHERE lower(email) IN (SELECT email_key FROM quicket_work WHERE person_changed)
    WINDOW person AS (PARTITION BY lower(email) ORDER BY line DESC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) AS lines
ORDER BY email_key, line DESC
