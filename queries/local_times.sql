-- Instants as people read them, in the session time zone (--timezone),
-- in the order given ($1: timestamptz[]).
SELECT to_char(t, 'YYYY-MM-DD HH24:MI TZ') AS local
FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(t, n)
ORDER BY n
