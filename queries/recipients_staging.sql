-- `attrib recipients import`: the checked rows of the file, streamed in with
-- COPY. Gone at the end of the transaction.
CREATE TEMP TABLE recipients_staging (
    line        bigint NOT NULL,
    email       text   NOT NULL,
    first_name  text,
    last_name   text,
    message_id  text,
    sent_at     text,
    status      text
) ON COMMIT DROP
