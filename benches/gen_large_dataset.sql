-- A large, realistic dataset for benchmarking `attrib report`, generated in
-- PostgreSQL with generate_series (fast: no client round trips).
--
--   psql "$(attrib --home DIR db url)" -f benches/gen_large_dataset.sql
--   psql ... -v events=2 -v tickets=1500 ... -f benches/gen_large_dataset.sql   (smaller)
--
-- Defaults, as the benchmark of issue 4 asks: 20 events (four a year, 2022 to
-- 2026), 200 campaigns, 2,000 communications, 5,000,000 recipient rows,
-- 1,000,000 tickets, 300,000 contacts. It REPLACES every row of the
-- application tables: run it on a database of its own.
--
-- Realistic distributions (deterministic: setseed):
--   tickets: 93% valid, 4% cancelled, 3% refunded; marketing_source 50% a
--     campaign slug, 14% a variant (CFP_2026, "Cfp 2026", a utm link), 1% a
--     link with a unique fbclid (many distinct values), 5% campaign-N, 12% no
--     campaign (linkedin, a friend, a typo), 18% empty or NULL; bought in the
--     four months before the event, tickets of one event stored together (as
--     an import per event leaves them).
--   communications: per campaign 70% email, 20% LinkedIn post, 10% material.
--   recipients: statuses over the whole funnel (2% queued, 6% sent, 37%
--     delivered, 30% opened, 15% clicked, 7% bounced, 3% failed) with a Brevo
--     message id and webhook events in metadata, as `brevo ingest` leaves them.

\set ON_ERROR_STOP on
\if :{?events}
\else
  \set events 20
\endif
\if :{?campaigns_per_event}
\else
  \set campaigns_per_event 10
\endif
\if :{?communications_per_campaign}
\else
  \set communications_per_campaign 10
\endif
\if :{?recipients}
\else
  \set recipients 5000000
\endif
\if :{?tickets}
\else
  \set tickets 1000000
\endif
\if :{?contacts}
\else
  \set contacts 300000
\endif

\timing on
BEGIN;
SET LOCAL search_path = public;
SELECT setseed(0.4242);

-- attrib's own bookkeeping too: two of its tables refer to import_batches
-- and campaigns, and the rest would name rows that are gone.
TRUNCATE asset_distributions, marketing_assets, communication_recipients, communications,
         campaigns, tickets, import_batches, event_sponsors, sponsors, sessions, speakers,
         contacts, organisations, events,
         attrib.import_batch_rows, attrib.import_undos, attrib.campaign_slug_aliases,
         attrib.brevo_waiting, attrib.brevo_inbox
         RESTART IDENTITY;

-- Events: four cities a year, the last four in 2026.
INSERT INTO events (id, name, slug, starts_on, ends_on, venue)
SELECT e,
       format('Data & AI Day %s %s', city, year),
       format('data-ai-day-%s-%s', lower(replace(city, ' ', '-')), year),
       make_date(year, 2 + 3 * ((e - 1) % 4), 15),
       make_date(year, 2 + 3 * ((e - 1) % 4), 15),
       city || ' Convention Centre'
FROM generate_series(1, :events) AS e,
     LATERAL (SELECT 2026 - (:events - e) / 4 AS year,
                     (ARRAY['Johannesburg', 'Cape Town', 'Durban', 'Pretoria'])[(e - 1) % 4 + 1] AS city) AS x;

INSERT INTO contacts (id, email, first_name, last_name, job_title)
SELECT n,
       format('person%s@example%s.co.za', n, n % 97),
       (ARRAY['Thandi', 'Johan', 'Aisha', 'Pieter', 'Lerato', 'Sipho', 'Naledi', 'Ruan'])[n % 8 + 1],
       (ARRAY['Nkosi', 'van der Merwe', 'Patel', 'Botha', 'Dlamini', 'Naidoo', 'Smith'])[n % 7 + 1],
       (ARRAY['Data Engineer', 'Analyst', 'CTO', 'Data Scientist', 'Student', NULL])[n % 6 + 1]
FROM generate_series(1, :contacts) AS n;

-- Campaigns: named as organisers name them; their slugs are what links carry.
INSERT INTO campaigns (id, name, event_id, campaign_type, status, description)
SELECT (e.id - 1) * :campaigns_per_event + k,
       kind.label || ' ' || replace(e.name, 'Data & AI Day ', ''),
       e.id,
       kind.campaign_type,
       CASE WHEN e.starts_on < current_date THEN 'completed' ELSE 'active' END,
       'Generated for the benchmark'
FROM events e
CROSS JOIN generate_series(1, :campaigns_per_event) AS k
CROSS JOIN LATERAL (
    SELECT (ARRAY['CFP', 'Early Bird Registration', 'Registration Open', 'Reminder', 'Last Chance',
                  'Speaker Announcement', 'Sponsor Outreach', 'Thank You', 'Newsletter', 'Community Partners'])[(k - 1) % 10 + 1]
               || CASE WHEN k > 10 THEN ' ' || k ELSE '' END AS label,
           (ARRAY['cfp', 'registration', 'registration', 'reminder', 'reminder',
                  'general', 'sponsor', 'thank_you', 'general', 'general'])[(k - 1) % 10 + 1] AS campaign_type
) AS kind;

-- Slugs as attrib computes them (the names above are plain ASCII).
CREATE TEMP TABLE campaign_slugs ON COMMIT DROP AS
SELECT id, event_id,
       trim(BOTH '-' FROM regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')) AS slug,
       row_number() OVER (PARTITION BY event_id ORDER BY id) AS n
FROM campaigns;
CREATE INDEX ON campaign_slugs (event_id, n);
ANALYZE campaign_slugs;

INSERT INTO communications (id, campaign_id, channel, title, brevo_template_id, post_url,
                            content_summary, status, sent_at, created_at)
SELECT (c.id - 1) * :communications_per_campaign + k,
       c.id,
       ch.channel,
       format('%s — message %s', c.name, k),
       CASE WHEN ch.channel = 'email' THEN 100 + k END,
       CASE WHEN ch.channel = 'linkedin_post' THEN format('https://www.linkedin.com/posts/data-ai-day_%s-%s', c.id, k) END,
       CASE WHEN ch.channel <> 'email' THEN 'Generated post or material' END,
       CASE WHEN ch.channel = 'email' THEN (CASE WHEN k = 10 THEN 'draft' ELSE 'sent' END)
            WHEN ch.channel = 'linkedin_post' THEN 'published'
            ELSE 'draft' END,
       CASE WHEN k = 10 THEN NULL ELSE e.starts_on - (130 - 12 * k) * interval '1 day' + interval '9 hours' END,
       e.starts_on - 140 * interval '1 day'
FROM campaigns c
JOIN events e ON e.id = c.event_id
CROSS JOIN generate_series(1, :communications_per_campaign) AS k
CROSS JOIN LATERAL (
    SELECT CASE WHEN k % 10 IN (7, 8) THEN 'linkedin_post'
                WHEN k % 10 = 9 THEN 'marketing_material'
                ELSE 'email' END AS channel
) AS ch;

-- Recipients: each email goes to a distinct stretch of the contacts (a
-- stride coprime with the contact count keeps contacts distinct per email).
CREATE TEMP TABLE emails ON COMMIT DROP AS
SELECT id, sent_at, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
FROM communications WHERE channel = 'email' AND status = 'sent';

INSERT INTO communication_recipients (communication_id, contact_id, status, brevo_message_id, sent_at, metadata)
SELECT m.id,
       ((m.id * 104729 + k * 7919) % :contacts) + 1,
       s.status,
       CASE WHEN s.status <> 'queued' THEN format('<%s.%s.%s@smtp-relay.mailin.fr>', to_char(m.sent_at, 'YYYYMMDDHH24MI'), m.id, k) END,
       CASE WHEN s.status NOT IN ('queued', 'failed') THEN m.sent_at + k * interval '50 milliseconds' END,
       CASE WHEN s.status NOT IN ('queued', 'failed') THEN
           jsonb_build_object('events', jsonb_build_array(
               jsonb_build_object('event', 'request', 'ts_epoch', extract(epoch FROM m.sent_at)::bigint * 1000 + k),
               jsonb_build_object('event', CASE s.status WHEN 'clicked' THEN 'click' WHEN 'opened' THEN 'unique_opened' WHEN 'bounced' THEN 'hard_bounce' ELSE s.status END,
                                  'ts_epoch', extract(epoch FROM m.sent_at)::bigint * 1000 + k + 3600000)))
       END
FROM emails m
CROSS JOIN LATERAL generate_series(1, :recipients / m.total + CASE WHEN m.n <= :recipients % m.total THEN 1 ELSE 0 END) AS k
CROSS JOIN LATERAL (
    SELECT CASE WHEN r < 0.02 THEN 'queued'
                WHEN r < 0.08 THEN 'sent'
                WHEN r < 0.45 THEN 'delivered'
                WHEN r < 0.75 THEN 'opened'
                WHEN r < 0.90 THEN 'clicked'
                WHEN r < 0.97 THEN 'bounced'
                ELSE 'failed' END AS status
    FROM (SELECT random() + 0 * k AS r) AS x
) AS s;

UPDATE communications cm SET recipient_count = x.n
FROM (SELECT communication_id, count(*) AS n FROM communication_recipients GROUP BY 1) AS x
WHERE x.communication_id = cm.id;

-- Tickets, event by event.
INSERT INTO tickets (event_id, contact_id, ticket_number, barcode, order_number, ticket_type, price,
                     purchased_at, status, checked_in, marketing_source)
SELECT e.id,
       (floor(random() * :contacts) + 1 + 0 * j)::int,
       format('Q%s-%s', e.id, j),
       md5(e.id || '-' || j),
       format('ORD-%s-%s', e.id, j / 2),
       t.ticket_type,
       t.price,
       e.starts_on - random() * interval '120 days' - interval '1 day',
       CASE WHEN x.s < 0.93 THEN 'valid' WHEN x.s < 0.97 THEN 'cancelled' ELSE 'refunded' END,
       x.s < 0.7,
       CASE
           WHEN x.r < 0.50 THEN cs.slug
           WHEN x.r < 0.55 THEN upper(replace(cs.slug, '-', '_'))
           WHEN x.r < 0.59 THEN initcap(replace(cs.slug, '-', ' ')) || ' '
           WHEN x.r < 0.64 THEN format('https://qkt.io/e/%s?utm_source=%s&utm_medium=social&utm_campaign=%s',
                                       e.id, (ARRAY['linkedin', 'email', 'whatsapp'])[1 + (j % 3)], cs.slug)
           WHEN x.r < 0.65 THEN format('https://www.quicket.co.za/events/%s/?utm_campaign=%s&fbclid=IwAR%s',
                                       e.id, cs.slug, md5(j::text))
           WHEN x.r < 0.70 THEN 'campaign-' || cs.id
           WHEN x.r < 0.79 THEN (ARRAY['LinkedIn', 'linkedin', 'Facebook', 'friend', 'Twitter', 'Google',
                                       'WhatsApp group', 'word of mouth', 'colleague', 'meetup'])[1 + (j % 10)]
           WHEN x.r < 0.82 THEN left(cs.slug, length(cs.slug) - 2) || right(cs.slug, 1)
           WHEN x.r < 0.91 THEN NULL
           ELSE ''
       END
FROM events e
CROSS JOIN generate_series(1, :tickets / :events) AS j
CROSS JOIN LATERAL (SELECT random() + 0 * j AS r, random() + 0 * j AS s,
                           1 + floor(random() * :campaigns_per_event)::int + 0 * j AS c) AS x
JOIN campaign_slugs cs ON cs.event_id = e.id AND cs.n = x.c
CROSS JOIN LATERAL (
    SELECT (ARRAY['Early Bird', 'Standard', 'Student', 'VIP'])[1 + (j % 4)] AS ticket_type,
           (ARRAY[350.00, 500.00, 0.00, 1200.00])[1 + (j % 4)] AS price
) AS t
ORDER BY e.id, j;

-- Assets (two per campaign, one in five outside a campaign) and where they
-- were shared (three times each, one estimate in five missing).
INSERT INTO marketing_assets (id, campaign_id, event_id, asset_type, title, file_url)
SELECT (c.id - 1) * 2 + k,
       CASE WHEN (c.id + k) % 5 = 0 THEN NULL ELSE c.id END,
       c.event_id,
       (ARRAY['social_graphic', 'flyer', 'banner', 'poster', 'video', 'presentation'])[1 + (c.id + k) % 6],
       format('%s asset %s', c.name, k),
       format('https://cdn.example.org/assets/%s-%s.png', c.id, k)
FROM campaigns c CROSS JOIN generate_series(1, 2) AS k;

INSERT INTO asset_distributions (asset_id, channel, distributed_at, reach_estimate, notes)
SELECT a.id,
       (ARRAY['linkedin', 'whatsapp', 'twitter', 'print', 'email', 'website'])[1 + (a.id * 3 + k) % 6],
       now() - (a.id % 300) * interval '1 day',
       CASE WHEN (a.id + k) % 5 = 0 THEN NULL ELSE 100 + (a.id * 37 + k * 11) % 5000 END,
       'Generated distribution'
FROM marketing_assets a CROSS JOIN generate_series(1, 3) AS k;

SELECT setval('events_id_seq', (SELECT max(id) FROM events));
SELECT setval('contacts_id_seq', (SELECT max(id) FROM contacts));
SELECT setval('campaigns_id_seq', (SELECT max(id) FROM campaigns));
SELECT setval('communications_id_seq', (SELECT max(id) FROM communications));
SELECT setval('marketing_assets_id_seq', (SELECT max(id) FROM marketing_assets));
COMMIT;

-- Statistics and the visibility map, as autovacuum would leave them.
VACUUM ANALYZE;

SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM campaigns) AS campaigns,
       (SELECT count(*) FROM communications) AS communications,
       (SELECT count(*) FROM communication_recipients) AS recipients,
       (SELECT count(*) FROM tickets) AS tickets,
       (SELECT count(*) FROM contacts) AS contacts,
       pg_size_pretty(pg_database_size(current_database())) AS database_size;
