-- Keeps communications.recipient_count equal to its recipient rows.
UPDATE communications
SET recipient_count = (SELECT count(*) FROM communication_recipients WHERE communication_id = $1)
WHERE id = $1
RETURNING recipient_count
