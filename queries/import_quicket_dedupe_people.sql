-- Before the earlier lines of repeated tickets are dropped
-- (import_quicket_dedupe.sql): every line of the people those lines name
-- counts again for their details. A line that repeated its person's
-- previous line was marked not to count; if that previous line is dropped,
-- the person's details must come from the lines that stay, as if the
-- dropped ones had never been read. Run when the reader saw too many
-- possible repeats to list: it marks every line.
UPDATE quicket_staging SET details = true WHERE NOT details
