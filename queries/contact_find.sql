-- `attrib contact EMAIL`: the contact with this address, whatever its case.
SELECT id, email::text AS email,
       nullif(concat_ws(' ', first_name, last_name), '') AS name
FROM contacts
WHERE lower(email) = lower($1)
