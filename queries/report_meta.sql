-- When, and in which time zone, the report was made: the session time zone
-- is attrib's --timezone (default Africa/Johannesburg), and every time in the
-- report is shown in it.
SELECT current_setting('TimeZone') AS timezone,
       to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM') AS generated_at
