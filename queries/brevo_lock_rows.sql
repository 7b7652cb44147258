-- Brevo events (src/brevo/apply.rs): the recipient rows the matched events
-- touch, locked in id order (so that two applications never wait on each
-- other in a circle) before brevo_touched.sql reads them: concurrent
-- `brevo listen` groups then merge into one row one after the other, each
-- reading what the one before committed.
SELECT r.id
FROM communication_recipients r
WHERE r.id IN (SELECT recipient_id FROM brevo_matched WHERE recipient_id IS NOT NULL)
ORDER BY r.id
FOR UPDATE OF r
