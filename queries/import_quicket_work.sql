-- What the file changes in the tickets of an event that already has some,
-- found in one pass over it: each ticket that is new to the event or
-- differs from the database, each status that is behind the database's.
-- Importing the same file again finds nothing, and the steps after this one
-- then have nothing to do. (The people are compared per person, in
-- import_quicket_contacts_staging.sql; into an event with no tickets every
-- line is a new ticket and this is not run.) $1: event id; $2: the order of
-- statuses (quicket::STATUS_PROGRESSION). quicket_work is created with the
-- staging table (import_quicket_staging.sql).
--
-- A ticket differs when the file gives it another holder or purchase time,
-- a non-empty barcode, order number, type, price, discount code or source
-- that differs, a later status, a check-in the database lacks, or custom
-- answers the database does not hold. Ticket and holder are looked up
-- through their indexes, line by line: a newer export changes a few
-- thousand lines, and hashing every ticket and contact would cost more. (A
-- file read in full into an event with tickets, as after a change of rules,
-- then pays an index lookup a line instead of one hash join.)
INSERT INTO quicket_work
SELECT *
FROM (
    SELECT s.ticket_number,
           t.id IS NULL AS ticket_new,
           COALESCE(t.id IS NOT NULL AND (
                  t.contact_id IS DISTINCT FROM (SELECT c.id FROM contacts AS c
                                                 WHERE lower(c.email) = lower(s.email))
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
           COALESCE(array_position($2::text[], s.status) < array_position($2::text[], t.status), false)
               AS status_behind
    FROM quicket_staging AS s
    -- LIMIT 1 (a ticket number is unique in an event) keeps this a lookup
    -- through the unique index, line by line, rather than a hash of every
    -- ticket of the event.
    LEFT JOIN LATERAL (SELECT * FROM tickets AS t
                       WHERE t.event_id = $1 AND t.ticket_number = s.ticket_number
                       LIMIT 1) AS t ON true
    -- A line read only for its person's details is the one its ticket was
    -- last written from: nothing to compare.
    WHERE NOT s.known
    -- OFFSET 0: each line is compared once, not again in the filter below.
    OFFSET 0
) AS line
WHERE ticket_new OR ticket_changed OR status_behind
