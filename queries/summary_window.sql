-- The window of `attrib summary`: [since, until), start inclusive, end
-- exclusive, and how to show it. "until" is now (the transaction's start),
-- or the pinned --now; local times are read in the session time zone
-- (attrib's --timezone), and every time is shown in it.
--
--   $1  timestamptz  --now with an offset, or NULL
--   $2  timestamp    --now as a local time, or NULL
--   $3  int          --since as minutes before "until", or NULL
--   $4  timestamp    --since as a local time (a date: its midnight), or NULL
WITH bounds AS (
    SELECT coalesce($1::timestamptz, $2::timestamp::timestamptz, now()) AS until
),
w AS (
    SELECT coalesce(until - make_interval(mins => $3::int), $4::timestamp::timestamptz) AS since,
           until
    FROM bounds
)
SELECT since,
       until,
       current_setting('TimeZone') AS timezone,
       to_char(since, 'YYYY-MM-DD HH24:MI') AS since_local,
       to_char(until, 'YYYY-MM-DD HH24:MI') AS until_local,
       to_char(since, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') AS since_iso,
       to_char(until, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') AS until_iso,
       to_char(until, 'YYYY-MM-DD') AS date
FROM w
