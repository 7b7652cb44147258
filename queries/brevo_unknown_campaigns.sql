-- Brevo events: the marketing campaign ids of unmatched events, which no
-- communication has as its brevo_campaign_id, with how many events each had.
SELECT s.camp_id, count(*) AS events
FROM brevo_matched m
JOIN brevo_staging s ON s.seq = m.seq
WHERE m.recipient_id IS NULL AND s.camp_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM communications co WHERE co.brevo_campaign_id = s.camp_id)
GROUP BY s.camp_id
ORDER BY count(*) DESC, s.camp_id
