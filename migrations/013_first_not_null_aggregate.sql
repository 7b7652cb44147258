-- 013: attrib.first_not_null(x), an aggregate that keeps the first non-null
-- value it is given, in attrib's own schema.
--
-- An import chooses each person's latest details: over the person's lines,
-- latest first, the first value that is not empty. It did that with
-- (array_agg(x) FILTER (WHERE x IS NOT NULL))[1], which builds an array
-- (with its own memory context) for each of five details of each person,
-- only to read its first element. This aggregate's transition function is
-- STRICT and it has no initial state, so PostgreSQL itself takes the first
-- non-null value as the state and skips nulls; the function only runs for
-- a person's second non-null value and later, and returns what it holds.
-- Measured on the benchmark's 532,000 people: the window over their lines
-- took 0.38 s instead of 0.68 s.
CREATE FUNCTION attrib.keep_first(kept anyelement, later anyelement) RETURNS anyelement
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS 'SELECT kept';

CREATE AGGREGATE attrib.first_not_null(anyelement) (
    SFUNC = attrib.keep_first,
    STYPE = anyelement
);
