-- `attrib brevo unmatched`: what waits in attrib.brevo_waiting, grouped by
-- what would match it (a marketing campaign id, or a transactional
-- template id) and by address domain. Times in the session time zone.
SELECT CASE WHEN camp_id IS NOT NULL THEN 'marketing campaign' ELSE 'transactional' END AS kind,
       coalesce(camp_id, template_id)                                                 AS brevo_id,
       coalesce(split_part(email, '@', 2), '')                                         AS domain,
       count(*)                                                                        AS events,
       count(DISTINCT email)                                                           AS addresses,
       to_char(min(received_at), 'YYYY-MM-DD HH24:MI')                                 AS first_received,
       to_char(max(received_at), 'YYYY-MM-DD HH24:MI')                                 AS last_received
FROM attrib.brevo_waiting
GROUP BY 1, 2, 3
ORDER BY 1, 2 NULLS LAST, count(*) DESC, 3
