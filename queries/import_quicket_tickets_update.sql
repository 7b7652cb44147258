-- Tickets of the event already in the database ($1: event id). The file
-- gives the holder and the purchase time; other details are updated by
-- non-empty values only (custom answers are merged into extra). Status only
-- moves forward along $2 (valid, cancelled, refunded: quicket::
-- STATUS_PROGRESSION) and a check-in is never undone, so an older export
-- imported after a newer one changes nothing. Only rows that really change
-- are written. Returns the number of tickets updated.
UPDATE tickets AS t
SET contact_id       = c.id,
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
FROM quicket_staging AS s
JOIN contacts AS c ON lower(c.email) = lower(s.email)
WHERE t.event_id = $1
  AND t.ticket_number = s.ticket_number
  AND ((c.id,
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
       OR NOT t.extra @> s.extra)
