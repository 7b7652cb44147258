-- The tickets that are new or changed (quicket_work) into the event ($1:
-- event id). A new ticket is inserted. A changed one takes the holder and
-- the purchase time from the file; other details change only for a
-- non-empty value (custom answers are merged into extra); the status only
-- moves forward along $2 (valid, cancelled, refunded) and a check-in is
-- never undone, so an older export imported after a newer one changes
-- nothing. Returns (through the row count) how many were written.
MERGE INTO tickets AS t
USING (
    SELECT s.*,
           -- Through the index, line by line: a newer export changes a few
           -- thousand tickets, and hashing every contact would cost more.
           (SELECT c.id FROM contacts AS c WHERE lower(c.email) = lower(s.email)) AS contact_id
    FROM quicket_work AS w
    JOIN quicket_staging AS s ON s.ticket_number = w.ticket_number AND NOT s.known
    WHERE w.ticket_new OR w.ticket_changed
    -- OFFSET 0: the few lines to write are found first, and only they are
    -- looked up among the tickets, not every line of the staging table.
    OFFSET 0
) AS s
ON t.event_id = $1 AND t.ticket_number = s.ticket_number
WHEN MATCHED THEN
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
        -- An older status kept: the line was not applied as it is, so it is
        -- read in full again next time (and counted as behind again).
        import_fingerprint = CASE WHEN array_position($2::text[], s.status) < array_position($2::text[], t.status)
                                  THEN NULL ELSE s.fingerprint END,
        updated_at       = now()
WHEN NOT MATCHED THEN
    INSERT (event_id, contact_id, ticket_number, barcode, order_number, ticket_type, price,
            purchased_at, status, checked_in, checked_in_at, discount_code, marketing_source,
            extra, import_fingerprint)
    VALUES ($1, s.contact_id, s.ticket_number, s.barcode, s.order_number, s.ticket_type, s.price,
            s.purchased_at, COALESCE(s.status, 'valid'), COALESCE(s.checked_in, false),
            s.checked_in_at, s.discount_code, s.marketing_source, s.extra, s.fingerprint)
