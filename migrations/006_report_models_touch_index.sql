-- 006: the attribution models (attrib report --model, --compare-models)
-- read, for every email of an event, each recipient row's status, contact
-- and sent_at. The index of 004 on (communication_id, status, contact_id)
-- gains sent_at as a payload column, so that those reads, like the funnel's
-- and channel reach's, come from the index alone (index-only scans) and never
-- from the wide rows (their metadata holds the Brevo events). Its key is
-- unchanged, so it serves every query the old one served, which is dropped
-- rather than kept as a duplicate to maintain on every status change.

CREATE INDEX communication_recipients_communication_status_sent_idx
    ON communication_recipients (communication_id, status, contact_id) INCLUDE (sent_at);

DROP INDEX communication_recipients_communication_status_idx;
