-- The file's tickets into the event ($1: event id), in one pass.
--
-- A ticket new to the event is inserted. A known one is updated only when
-- something really changes: the file gives the holder and the purchase
-- time; other details change only for a non-empty value (custom answers are
-- merged into extra); the status only moves forward along $2 (valid,
-- cancelled, refunded: quicket::STATUS_PROGRESSION) and a check-in is never
-- undone, so an older export imported after a newer one changes nothing.
-- created_at is set to now() (the transaction's start), by which the caller
-- counts the tickets created.
MERGE INTO tickets AS t
USING (
    SELECT s.*, c.id AS contact_id
    FROM quicket_staging AS s
    JOIN contacts AS c ON lower(c.email) = lower(s.email)
) AS s
ON t.event_id = $1 AND t.ticket_number = s.ticket_number
WHEN MATCHED AND (
        (s.contact_id,
         COALESCE(s.barcode, t.barcode),
         COALESCE(s.order_number, t.order_number),
         COALESCE(s.ticket_type, t.ticket_type),
         COALESCE(s.price, t.price),
         s.purchased_at,
         COALESCE(s.discount_code, t.discount_code),
         COALESCE(s.marketing_source, t.marketing_source))
        IS DISTINCT FROM
        (t.contact_id, t.barcode, t.order_number, t.ticket_type, t.price, t.purchased_at,
         t.discount_code, t.marketing_source)
        OR array_position($2::text[], s.status) > array_position($2::text[], t.status)
        OR (s.checked_in AND NOT t.checked_in)
        OR s.checked_in_at < t.checked_in_at
        OR (t.checked_in_at IS NULL AND s.checked_in_at IS NOT NULL)
        OR NOT t.extra @> s.extra) THEN
    UPDATE SET
        contact_id       = s.contact_id,
        barcode          = COALESCE(s.barcode, t.barcode),
        order_number     = COALESCE(s.order_number, t.order_number),
        ticket_type      = COALESCE(s.ticket_type, t.ticket_type),
        price            = COALESCE(s.price, t.price),
        purchased_at     = s.purchased_at,
        status           = CASE WHEN array_position($2::text[], s.status) > array_position($2::text[], t.status)
                                THEN s.status ELSE t.status END,
        checked_in       = t.checked_in OR COALESCE(s.checked_in, false),
        checked_in_at    = LEAST(t.checked_in_at, s.checked_in_at),
        discount_code    = COALESCE(s.discount_code, t.discount_code),
        marketing_source = COALESCE(s.marketing_source, t.marketing_source),
        extra            = t.extra || s.extra,
        updated_at       = now()
WHEN NOT MATCHED THEN
    INSERT (event_id, contact_id, ticket_number, barcode, order_number, ticket_type, price,
            purchased_at, status, checked_in, checked_in_at, discount_code, marketing_source,
            extra, created_at, updated_at)
    VALUES ($1, s.contact_id, s.ticket_number, s.barcode, s.order_number, s.ticket_type, s.price,
            s.purchased_at, COALESCE(s.status, 'valid'), COALESCE(s.checked_in, false),
            s.checked_in_at, s.discount_code, s.marketing_source, s.extra, now(), now())
