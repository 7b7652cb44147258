-- 005: indexes for recording outreach and ingesting Brevo events.
--
-- `attrib brevo ingest` matches each webhook event to a recipient row by
-- Brevo's message id, else by email plus template to the latest email
-- communication of that template. Both look-ups would otherwise scan.

CREATE INDEX communication_recipients_brevo_message_id_idx
    ON communication_recipients (brevo_message_id)
    WHERE brevo_message_id IS NOT NULL;

CREATE INDEX communications_brevo_template_id_idx
    ON communications (brevo_template_id)
    WHERE brevo_template_id IS NOT NULL;
