-- One row per person (email, whatever its capitalisation) in the file. For
-- each detail, the value of the latest line that has one: an empty cell
-- never erases what another line of the same person says.
CREATE TEMP TABLE quicket_contacts ON COMMIT DROP AS
SELECT lower(email) AS email_key,
       (array_agg(email ORDER BY line DESC))[1] AS email,
       (array_agg(first_name ORDER BY line DESC) FILTER (WHERE first_name IS NOT NULL))[1] AS first_name,
       (array_agg(last_name ORDER BY line DESC) FILTER (WHERE last_name IS NOT NULL))[1] AS last_name,
       (array_agg(phone ORDER BY line DESC) FILTER (WHERE phone IS NOT NULL))[1] AS phone,
       (array_agg(organisation ORDER BY line DESC) FILTER (WHERE organisation IS NOT NULL))[1] AS organisation,
       (array_agg(job_title ORDER BY line DESC) FILTER (WHERE job_title IS NOT NULL))[1] AS job_title
FROM quicket_staging
GROUP BY lower(email)
