-- Match each staged Brevo event to a recipient row (src/brevo/apply.rs).
-- $1: the batch has transactional events, $2: marketing events (the joins
-- for a kind none has are not run).
--
-- Transactional events (no camp_id):
-- 1. By Brevo's message id (stored without angle brackets). Should two rows
--    share an id, the oldest row takes the events. A hash join over the
--    recipient rows that have an id: no index on brevo_message_id, which
--    every status change would have to maintain.
-- 2. Otherwise by email plus template: the recipient row of that address in
--    the latest email communication of that template that has it as a
--    recipient (latest by sent_at, then by id). Only for the distinct
--    (email, template) pairs, through the contacts' lower(email) index.
-- Marketing events (camp_id):
-- 3. By the communication whose brevo_campaign_id is the camp_id, and the
--    address (brevo_recipients_from_events.sql has made every address of a
--    known campaign a recipient).
-- What matches nothing keeps recipient_id NULL: counted (the statement
-- returns how many matched which way), and kept in attrib.brevo_waiting.
-- The steps after this one read the event's columns from brevo_staging,
-- by seq.
WITH by_id AS MATERIALIZED (
    -- Only the staged ids: a batch without any (marketing events, a small
    -- webhook request) then costs nothing here, as the hash of an empty
    -- set ends the join before the recipients are read.
    SELECT r.brevo_message_id, min(r.id) AS recipient_id
    FROM communication_recipients r
    WHERE $1 AND r.brevo_message_id IN (SELECT message_id FROM brevo_staging
                                        WHERE camp_id IS NULL AND message_id IS NOT NULL)
    GROUP BY r.brevo_message_id
),
by_template AS (
    -- Only the pairs of events their message id did not match (a few in a
    -- hundred, usually): looking up every pair cost more than the rest of
    -- the match (5.6 s of 1,000,000 events, measured).
    SELECT DISTINCT ON (k.email, k.template_id) k.email, k.template_id, r.id AS recipient_id
    FROM (SELECT DISTINCT s.email, s.template_id
          FROM brevo_staging s
          WHERE s.camp_id IS NULL AND s.email IS NOT NULL AND s.template_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM by_id WHERE by_id.brevo_message_id = s.message_id)) k
    JOIN contacts ct ON lower(ct.email) = k.email
    JOIN communication_recipients r ON r.contact_id = ct.id
    JOIN communications co ON co.id = r.communication_id
    WHERE $1 AND co.channel = 'email' AND co.brevo_template_id = k.template_id
    ORDER BY k.email, k.template_id, co.sent_at DESC NULLS LAST, co.id DESC
),
matched AS (
    INSERT INTO brevo_matched (seq, recipient_id, matched_by, camp_id, rank, is_error)
    SELECT s.seq,
           coalesce(by_id.recipient_id, by_template.recipient_id, by_campaign.recipient_id),
           CASE WHEN by_id.recipient_id IS NOT NULL THEN 'i'
                WHEN by_template.recipient_id IS NOT NULL THEN 't'
                WHEN by_campaign.recipient_id IS NOT NULL THEN 'c' END,
           s.camp_id, s.rank, s.is_error
    FROM brevo_staging s
    LEFT JOIN by_id ON s.camp_id IS NULL AND by_id.brevo_message_id = s.message_id
    LEFT JOIN by_template ON s.camp_id IS NULL AND by_id.recipient_id IS NULL
                         AND by_template.email = s.email AND by_template.template_id = s.template_id
    LEFT JOIN (
        SELECT k.camp_id, k.email, r.id AS recipient_id
        FROM (SELECT DISTINCT camp_id, email FROM brevo_staging WHERE camp_id IS NOT NULL) k
        JOIN communications co ON co.brevo_campaign_id = k.camp_id
        JOIN contacts ct ON lower(ct.email) = k.email
        JOIN communication_recipients r ON r.communication_id = co.id AND r.contact_id = ct.id
        WHERE $2
    ) by_campaign ON by_campaign.camp_id = s.camp_id AND by_campaign.email = s.email
    RETURNING recipient_id, matched_by
)
-- How the staged events matched.
SELECT count(*) FILTER (WHERE matched_by = 'i')      AS by_message_id,
       count(*) FILTER (WHERE matched_by = 't')      AS by_email_and_template,
       count(*) FILTER (WHERE matched_by = 'c')      AS by_campaign,
       count(*) FILTER (WHERE recipient_id IS NULL)  AS unmatched
FROM matched
