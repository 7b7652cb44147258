-- `attrib assets add`: one marketing material of an event (and campaign).
INSERT INTO marketing_assets (event_id, campaign_id, asset_type, title, file_url, description)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id
