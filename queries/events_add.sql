-- A new event. Returns nothing when the slug is taken (the caller says so).
INSERT INTO events (name, slug, starts_on, ends_on, venue)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (slug) DO NOTHING
RETURNING id, slug, name::text AS name, starts_on, ends_on, venue
