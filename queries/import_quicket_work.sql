-- What the file changes, found in one pass over it: each ticket that is new
-- to the event or differs from the database, each line whose person is new
-- or has something new to say, each status that is behind the database's.
-- Importing the same file again finds nothing, and the steps after this one
-- then have nothing to do. $1: event id; $2: the order of statuses
-- (quicket::STATUS_PROGRESSION). quicket_work is created with the staging
-- table (import_quicket_staging.sql).
--
-- A ticket differs when the file gives it another holder or purchase time,
-- a non-empty barcode, order number, type, price, discount code or source
-- that differs, a later status, a check-in the database lacks, or custom
-- answers the database does not hold. A person has something new to say
-- when a non-empty name, phone, job title or company differs.
INSERT INTO quicket_work
SELECT *
FROM (
    SELECT s.ticket_number,
           lower(s.email) AS email_key,
           t.id IS NULL AS ticket_new,
           COALESCE(t.id IS NOT NULL AND (
                  c.id IS NULL OR c.id <> t.contact_id
               OR (s.barcode IS NOT NULL AND s.barcode IS DISTINCT FROM t.barcode)
               OR (s.order_number IS NOT NULL AND s.order_number IS DISTINCT FROM t.order_number)
               OR (s.ticket_type IS NOT NULL AND s.ticket_type IS DISTINCT FROM t.ticket_type)
               OR (s.price IS NOT NULL AND s.price IS DISTINCT FROM t.price)
               OR s.purchased_at <> t.purchased_at
               OR (s.discount_code IS NOT NULL AND s.discount_code IS DISTINCT FROM t.discount_code)
               OR (s.marketing_source IS NOT NULL AND s.marketing_source IS DISTINCT FROM t.marketing_source)
               OR array_position($2::text[], s.status) > array_position($2::text[], t.status)
               OR (s.checked_in AND NOT t.checked_in)
               OR s.checked_in_at < t.checked_in_at
               OR (t.checked_in_at IS NULL AND s.checked_in_at IS NOT NULL)
               OR NOT t.extra @> s.extra), false) AS ticket_changed,
           c.id IS NULL AS person_new,
           COALESCE(c.id IS NULL
               OR (s.first_name IS NOT NULL AND s.first_name IS DISTINCT FROM c.first_name)
               OR (s.last_name IS NOT NULL AND s.last_name IS DISTINCT FROM c.last_name)
               OR (s.phone IS NOT NULL AND s.phone IS DISTINCT FROM c.phone)
               OR (s.job_title IS NOT NULL AND s.job_title IS DISTINCT FROM c.job_title)
               OR (s.organisation IS NOT NULL AND o.id IS DISTINCT FROM c.organisation_id), false)
               AS person_changed,
           COALESCE(array_position($2::text[], s.status) < array_position($2::text[], t.status), false)
               AS status_behind
    FROM quicket_staging AS s
    LEFT JOIN contacts AS c ON lower(c.email) = lower(s.email)
    LEFT JOIN organisations AS o ON lower(o.name) = lower(s.organisation)
    LEFT JOIN tickets AS t ON t.event_id = $1 AND t.ticket_number = s.ticket_number
) AS line
WHERE ticket_new OR ticket_changed OR person_changed OR status_behind
