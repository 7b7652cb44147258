-- 004: what `attrib report` reads, indexed; and campaigns.updated_at kept
-- current on every change, whoever makes it (attrib or psql).

-- The report reads an event's registrations by marketing source: first the
-- distinct sources, then the tickets of the few that name no campaign.
CREATE INDEX tickets_event_marketing_source_idx ON tickets (event_id, marketing_source);

-- The funnel, channel reach, recipient counts and the touch-based attribution
-- models read, for each email of an event, every recipient's status, contact
-- and sent_at: from this index alone (index-only scans), never from the rows,
-- whose metadata (the Brevo events) makes them wide.
CREATE INDEX communication_recipients_communication_status_idx
    ON communication_recipients (communication_id, status, contact_id) INCLUDE (sent_at);

-- Any change to a campaign row moves updated_at; an UPDATE that changes
-- nothing (same status set again) leaves it alone.
CREATE FUNCTION campaigns_set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER campaigns_updated_at
    BEFORE UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns_set_updated_at();
