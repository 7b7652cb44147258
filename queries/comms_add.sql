-- `attrib comms add`: one email, LinkedIn post or marketing material of a
-- campaign. The values are checked in Rust first (channel rules, lengths,
-- the time's shape); $9 is read in the session time zone when it has no offset.
INSERT INTO communications
    (campaign_id, channel, title, brevo_template_id, post_url, content_summary, status, recipient_count, sent_at,
     brevo_campaign_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10)
RETURNING id
