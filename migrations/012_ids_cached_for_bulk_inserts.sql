-- 012: each session takes ids of new tickets and contacts a hundred at a
-- time.
--
-- An import inserts tickets and contacts by the hundred thousand, and with
-- the default (CACHE 1) every row's id is one trip to the shared sequence:
-- its buffer locked, and a WAL record every 32 ids. With CACHE 100 a
-- session goes to the sequence once per hundred ids. Measured: a million
-- tickets into a table without indexes, 1.62-1.72 s with CACHE 1 and
-- 1.34-1.56 s with CACHE 100 (four runs each, alternating), so about 0.2 s
-- per million rows; within the noise of a whole first import.
--
-- The price: ids a session took and did not use are skipped, up to 99 per
-- session that inserts (ids already skip after a rollback). Nothing reads
-- meaning into the gaps: ids only identify rows.
ALTER SEQUENCE tickets_id_seq CACHE 100;
ALTER SEQUENCE contacts_id_seq CACHE 100;
