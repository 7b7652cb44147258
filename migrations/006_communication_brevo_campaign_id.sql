-- The Brevo marketing campaign an email communication was sent as. Brevo's
-- marketing webhooks name the campaign (camp_id), not a template or a
-- message id, so this is how their events find their communication: one
-- Brevo campaign is one email, hence unique. Email only, like
-- brevo_template_id.
ALTER TABLE communications
    ADD COLUMN brevo_campaign_id INTEGER
        CONSTRAINT communications_brevo_campaign_id_positive CHECK (brevo_campaign_id > 0),
    ADD CONSTRAINT communications_brevo_campaign_id_email_only
        CHECK (brevo_campaign_id IS NULL OR channel = 'email');

CREATE UNIQUE INDEX communications_brevo_campaign_id_key ON communications (brevo_campaign_id);
