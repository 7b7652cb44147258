-- Section 1: registrations per campaign, then the ambiguous, unattributed and
-- no-source registrations, and the event's total.
--
-- A registration is a ticket of the event that is neither cancelled nor
-- refunded. Which campaign each distinct marketing_source names was decided
-- in Rust (src/attribution.rs); the mapping arrives as parallel arrays:
--   $1  int     event id
--   $2  text[]  raw source, as stored ('' for NULL)
--   $3  text[]  its bucket: campaign | ambiguous | unattributed | no_source
--   $4  int[]   the campaign it names (bucket campaign), else NULL
--   $5  text[]  the source in slug form
--   $6  int[]   the event's campaign ids ...
--   $7  text[]  ... and their slugs (slugify(name): slugs are not stored)
--   $8  text[]  an ambiguous source (slug form) ...
--   $9  int[]   ... and one of the campaigns it names (a pair per campaign)
--
-- recipients: distinct contacts on the recipient lists of the campaign's
-- communications (whatever their delivery status); converted_recipients: of
-- those, how many hold a registration for the event (from any source).
-- Rates are fractions (0.25), NULL when the denominator is zero.
WITH source_map AS (
    SELECT *
    FROM unnest($2::text[], $3::text[], $4::int[], $5::text[])
         AS m(source, bucket, campaign_id, normalised)
),
registrations AS (
    SELECT t.contact_id,
           t.price,
           t.purchased_at,
           -- A source missing from the map cannot happen (one snapshot), but
           -- the total must hold whatever happens: count it as unattributed.
           coalesce(m.bucket, 'unattributed') AS bucket,
           CASE m.bucket
               WHEN 'campaign' THEN m.campaign_id::text
               WHEN 'ambiguous' THEN m.normalised
           END AS key
    FROM tickets t
    LEFT JOIN source_map m ON m.source = coalesce(t.marketing_source, '')
    WHERE t.event_id = $1::int
      AND t.status NOT IN ('cancelled', 'refunded')
),
by_bucket AS (
    SELECT bucket, key,
           count(*) AS registrations,
           count(DISTINCT contact_id) AS contacts,
           coalesce(sum(price), 0) AS revenue,
           min(purchased_at) AS first_at,
           max(purchased_at) AS last_at
    FROM registrations
    GROUP BY bucket, key
),
registered_contacts AS (
    SELECT DISTINCT contact_id FROM registrations
),
total AS (
    SELECT count(*) AS registrations,
           (SELECT count(*) FROM registered_contacts) AS contacts,
           coalesce(sum(price), 0) AS revenue,
           min(purchased_at) AS first_at,
           max(purchased_at) AS last_at
    FROM registrations
),
event_campaigns AS (
    SELECT c.id, c.name, s.slug, c.campaign_type, c.status
    FROM campaigns c
    LEFT JOIN unnest($6::int[], $7::text[]) AS s(id, slug) ON s.id = c.id
    WHERE c.event_id = $1::int
),
-- The emails in campaign order, so that the aggregate needs no sort of the
-- recipients; count(DISTINCT) then sorts each campaign's contacts, which
-- beats hashing a few hundred thousand (campaign, contact) pairs.
recipient_counts AS (
    SELECT cm.campaign_id,
           count(DISTINCT r.contact_id) AS recipients,
           count(DISTINCT r.contact_id)
               FILTER (WHERE r.contact_id IN (SELECT contact_id FROM registered_contacts)) AS converted
    FROM (SELECT id, campaign_id
          FROM communications
          WHERE campaign_id IN (SELECT id FROM event_campaigns)
          ORDER BY campaign_id) AS cm
    JOIN communication_recipients r ON r.communication_id = cm.id
    GROUP BY cm.campaign_id
),
ambiguous_names AS (
    SELECT a.source,
           array_agg(c.id ORDER BY c.id) AS campaign_ids,
           string_agg('id:' || c.id || ' ' || c.name, ', ' ORDER BY c.id) AS names
    FROM unnest($8::text[], $9::int[]) AS a(source, campaign_id)
    JOIN event_campaigns c ON c.id = a.campaign_id
    GROUP BY a.source
),
report_rows AS (
    SELECT 1 AS part, 'campaign' AS kind, c.id AS campaign_id, c.name::text AS name,
           c.slug, c.campaign_type::text AS campaign_type, c.status::text AS status,
           ARRAY[c.id] AS campaign_ids,
           coalesce(b.registrations, 0) AS registrations,
           coalesce(b.contacts, 0) AS contacts,
           coalesce(b.revenue, 0) AS revenue,
           b.first_at, b.last_at,
           coalesce(rc.recipients, 0) AS recipients,
           coalesce(rc.converted, 0) AS converted
    FROM event_campaigns c
    LEFT JOIN by_bucket b ON b.bucket = 'campaign' AND b.key = c.id::text
    LEFT JOIN recipient_counts rc ON rc.campaign_id = c.id
    UNION ALL
    -- One row per source that names several campaigns: rename one of them.
    SELECT 2, 'ambiguous', NULL, 'Ambiguous: ' || coalesce(a.names, b.key),
           b.key, NULL, NULL, a.campaign_ids,
           b.registrations, b.contacts, b.revenue, b.first_at, b.last_at, NULL, NULL
    FROM by_bucket b
    LEFT JOIN ambiguous_names a ON a.source = b.key
    WHERE b.bucket = 'ambiguous'
    UNION ALL
    -- Always shown, also when zero: "nothing unattributed" is news too.
    SELECT l.part, l.kind, NULL, l.name, NULL, NULL, NULL, NULL,
           coalesce(b.registrations, 0), coalesce(b.contacts, 0), coalesce(b.revenue, 0),
           b.first_at, b.last_at, NULL, NULL
    FROM (VALUES (3, 'unattributed', 'Unattributed (see Unattributed sources)'),
                 (4, 'no_source', 'No source')) AS l(part, kind, name)
    LEFT JOIN by_bucket b ON b.bucket = l.kind
    UNION ALL
    -- Recipients across campaigns: see the email row of Channel reach.
    SELECT 5, 'total', NULL, 'Total', NULL, NULL, NULL, NULL,
           t.registrations, t.contacts, t.revenue, t.first_at, t.last_at, NULL, NULL
    FROM total t
)
SELECT r.kind,
       r.campaign_id,
       r.name,
       r.slug,
       r.campaign_type,
       r.status,
       r.campaign_ids,
       r.registrations,
       r.contacts,
       round(r.revenue, 2)::float8 AS revenue,
       round(r.registrations::numeric / nullif(t.registrations, 0), 4)::float8 AS share,
       to_char(r.first_at, 'YYYY-MM-DD HH24:MI') AS first_registration,
       to_char(r.last_at, 'YYYY-MM-DD HH24:MI') AS last_registration,
       r.recipients,
       r.converted AS converted_recipients,
       round(r.converted::numeric / nullif(r.recipients, 0), 4)::float8 AS conversion_rate
FROM report_rows r
CROSS JOIN total t
ORDER BY r.part, r.registrations DESC, r.campaign_id, r.name COLLATE "C"
