-- Brevo events: the marketing campaign ids of unmatched events, which no
-- communication has as its brevo_campaign_id, with how many events each had.
SELECT m.camp_id, count(*) AS events
FROM brevo_matched m
WHERE m.recipient_id IS NULL AND m.camp_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM communications co WHERE co.brevo_campaign_id = m.camp_id)
GROUP BY m.camp_id
ORDER BY count(*) DESC, m.camp_id
