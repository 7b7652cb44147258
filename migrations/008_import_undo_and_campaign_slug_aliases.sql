-- 008: what `attrib imports undo` needs to know about an import, the record
-- of each undo, and the old slugs a renamed campaign keeps (`campaigns
-- rename --keep-old-slug`). `public` keeps its fourteen tables: the new
-- tables are attrib's own bookkeeping, in schema `attrib`.

-- The start of the import's transaction: every contact and ticket the import
-- created carries it as created_at (now() is the transaction's start), so the
-- rows a batch created can be found again. NULL for imports recorded before
-- this migration (`imports undo` then reconstructs it, see docs/undo.md).
ALTER TABLE import_batches ADD COLUMN written_at timestamptz;
ALTER TABLE import_batches ALTER COLUMN written_at SET DEFAULT now();

-- The recipient rows a recipient list added (communication_recipients has no
-- created_at), as ranges of consecutive ids: one range per import unless
-- another import added rows at the same time.
CREATE TABLE attrib.import_batch_rows (
    batch_id  integer NOT NULL REFERENCES public.import_batches (id) ON DELETE CASCADE,
    relation  text    NOT NULL CHECK (relation IN ('communication_recipients')),
    first_id  integer NOT NULL,
    last_id   integer NOT NULL,
    CHECK (first_id <= last_id),
    PRIMARY KEY (batch_id, relation, first_id)
);

-- One row per undone import: what it was (its import_batches row is deleted
-- by the undo, so that the same file can be imported again) and what the
-- undo removed.
CREATE TABLE attrib.import_undos (
    batch_id            integer PRIMARY KEY,
    source              text        NOT NULL,
    file_name           text        NOT NULL,
    sha256              text        NOT NULL,
    event_id            integer,
    event_slug          text,
    communication_id    integer,
    rows_read           integer     NOT NULL DEFAULT 0,
    imported_at         timestamptz NOT NULL,
    undone_at           timestamptz NOT NULL DEFAULT now(),
    tickets_removed     integer     NOT NULL DEFAULT 0,
    recipients_removed  integer     NOT NULL DEFAULT 0,
    contacts_removed    integer     NOT NULL DEFAULT 0,
    organisations_removed integer   NOT NULL DEFAULT 0
);

-- Slugs a campaign answered to before a rename: marketing sources naming
-- them are still attributed to it, and the report shows them.
CREATE TABLE attrib.campaign_slug_aliases (
    campaign_id  integer     NOT NULL REFERENCES public.campaigns (id) ON DELETE CASCADE,
    slug         text        NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, slug)
);
CREATE INDEX campaign_slug_aliases_slug_idx ON attrib.campaign_slug_aliases (slug);
