-- Brevo events: write the changed recipient rows (src/brevo/apply.rs). Rows that would
-- not change are not written, so that ingesting a file again changes nothing.
UPDATE communication_recipients r
SET status = ch.status_after,
    sent_at = ch.sent_at_after,
    metadata = ch.metadata_after
FROM brevo_changes ch
WHERE r.id = ch.id
  AND (r.status IS DISTINCT FROM ch.status_after
       OR r.sent_at IS DISTINCT FROM ch.sent_at_after
       OR r.metadata IS DISTINCT FROM ch.metadata_after)
