//! Which lines of an export are one person's, and which of a person's lines
//! can tell the database something about them.
//!
//! The database takes a person's details from their lines, for each detail
//! the latest line that gives one (`queries/import_quicket_contacts_staging.sql`).
//! A line whose details are exactly those of the person's previous line
//! cannot change that result, and most lines of most exports are such
//! lines: a buyer's second and third ticket repeat the first. Marking them
//! spares the database sorting and aggregating them.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash, Hasher, RandomState};

/// An email address as attrib groups lines into people, equal for any two
/// addresses PostgreSQL's `lower()` makes equal, whatever the database's
/// locale: lowercased a character at a time (the dotless ı as i), with every
/// character that is then not ASCII left out. (`lower()` maps one character
/// to one under libc, so no locale can join two addresses that differ once
/// the non-ASCII characters are gone; the Turkish locale's I → ı and ICU's
/// İ → i̇ land on the same bytes as well.) Coarser than the database is safe
/// for every use here: two people who share a key are only told apart by
/// their lines' other fields. Hands the bytes to `use_them`, without
/// copying an address that is already ASCII lower case (nearly all).
fn folded_email<R>(email: &str, use_them: impl FnOnce(&[u8]) -> R) -> R {
    if email
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return use_them(email.as_bytes());
    }
    let folded: Vec<u8> = email
        .chars()
        .filter_map(|c| {
            let lower = if c == 'ı' {
                'i'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            };
            lower.is_ascii().then_some(lower as u8)
        })
        .collect();
    use_them(&folded)
}

/// A 64-bit key of an email address, by [`folded_email`], under fixed hash
/// keys: the same address gets the same key in every pass over a file.
pub fn email_key(email: &str) -> u64 {
    folded_email(email, |bytes| {
        BuildHasherDefault::<DefaultHasher>::default().hash_one(bytes)
    })
}

/// Remembers the details of each person's previous line (as a 64-bit hash
/// under keys random to each file), to tell which lines repeat them.
///
/// Skipping a line L that repeats its person's previous line L' is exact:
/// every detail L gives, L' gave, so after L' each is already the latest
/// value the person has, and L changes none; nor does L's email spelling,
/// which is L''s. By induction over a person's lines, the lines kept give
/// the same details as all of them.
///
/// The memory is a table of at most [`Self::SLOTS`] hashes, a person's slot
/// chosen by their [`folded_email`]: 32 MB at most whatever the file.
/// People who share a slot take turns in it: a line then counts when another
/// person's line came in between, which is always right, only slower. A line is skipped only when
/// its slot holds the hash of the very same details, email as written
/// included: the slot's last line was then this person's (all their lines
/// use this slot), so it was their previous line. Two different lines could
/// be taken as the same only if their 64-bit hashes under the file's random
/// keys collide.
pub struct RepeatedDetails {
    previous: Vec<u64>,
    hashes: RandomState,
}

/// Asks Linux to back the table with 2 MB pages where it can. Every line
/// reads a slot at random: with 4 kB pages nearly every read also misses
/// the TLB, and on a virtual machine the page walk costs more than the read
/// (measured with `perf` on the benchmark's million lines: the reads were
/// 15% of attrib's CPU with 4 kB pages, 9% with 2 MB pages).
/// Only advice: where the kernel declines, nothing changes.
#[cfg(target_os = "linux")]
fn ask_for_huge_pages(table: &[u64]) {
    const HUGE: usize = 2 << 20;
    let start = table.as_ptr() as usize;
    let end = start + std::mem::size_of_val(table);
    let aligned = start.next_multiple_of(HUGE);
    if end > aligned + HUGE {
        // SAFETY: the range lies within `table`, which this process owns
        // and which stays allocated; MADV_HUGEPAGE changes how its pages are
        // backed, never their contents.
        unsafe {
            libc::madvise(
                aligned as *mut libc::c_void,
                (end - aligned) / HUGE * HUGE,
                libc::MADV_HUGEPAGE,
            );
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn ask_for_huge_pages(_table: &[u64]) {}

/// Where [`RepeatedDetails`] keeps a person, read for one line.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    index: usize,
    previous: u64,
}

impl RepeatedDetails {
    /// 4 Mi slots: nearly exact for a million-line export whose people's
    /// lines are far apart (the benchmark's file, replayed in a script:
    /// 579,000 lines count where exactly 559,000 must; with 1 Mi slots,
    /// 632,000); an export's lines of one order are usually next to each
    /// other, which needs far fewer.
    pub const SLOTS: usize = 1 << 22;

    /// A table sized for a file of `bytes` (0 when unknown, as for a pipe:
    /// the largest): a slot for every 64 bytes, about three for each line
    /// of an export, so that a small file takes little memory.
    pub fn for_file_of(bytes: u64) -> RepeatedDetails {
        let slots = match bytes {
            0 => Self::SLOTS,
            n => usize::try_from(n / 64)
                .unwrap_or(Self::SLOTS)
                .clamp(1 << 10, Self::SLOTS)
                .next_power_of_two(),
        };
        RepeatedDetails::with_slots(slots)
    }

    fn with_slots(slots: usize) -> RepeatedDetails {
        debug_assert!(slots.is_power_of_two());
        // Zeroed memory from the system: untouched pages cost nothing.
        let previous = vec![0; slots];
        ask_for_huge_pages(&previous);
        RepeatedDetails {
            previous,
            hashes: RandomState::new(),
        }
    }

    /// The slot of a line's person, and what it holds. Read as soon as the
    /// email is known, so that fetching it from memory overlaps the rest of
    /// the line's work instead of stalling at the end.
    pub fn slot(&self, email: &str) -> Slot {
        let person = folded_email(email, |bytes| self.hashes.hash_one(bytes));
        let index = person as usize & (self.previous.len() - 1);
        Slot {
            index,
            previous: self.previous[index],
        }
    }

    /// Whether a line's details count for its person (`slot`, read for this
    /// line): false only when they are exactly those of the person's
    /// previous line. `details` is any encoding of the line's email as
    /// written and its person's other fields that tells every two different
    /// lines apart (the encoder passes the line's COPY text of them). Lines
    /// must come in the order of the file.
    pub fn counts(&mut self, slot: Slot, details: &[u8]) -> bool {
        let line = self.hashes.hash_one(details);
        self.previous[slot.index] = line;
        slot.previous != line
    }
}

/// Numbers the people of a file 1, 2, 3, ... in the order they first
/// appear, so that the database can find each line's contact by position in
/// an array of ids instead of joining a million lines with their contacts
/// by email (`queries/import_quicket_tickets_insert_numbered.sql`).
///
/// Unlike [`email_key`], the numbers must be exactly as fine as the
/// database's `lower()`: one number per person, one person per number. So
/// only ASCII addresses are numbered, by their ASCII lower case (which is
/// what `lower()` does to ASCII in every locale but the Turkish ones: the
/// import asks the database before it relies on the numbers), keyed by a
/// 128-bit hash under keys random to each file. A line that cannot be
/// numbered (an address with other characters, a person past
/// [`Self::MAX_PEOPLE`]) gets none, and the import then finds contacts by
/// email as before.
pub struct PersonNumbers {
    numbers: HashMap<PersonKey, u32, BuildHasherDefault<FirstWord>>,
    hashes: [RandomState; 2],
    lower: Vec<u8>,
    every_line: bool,
}

/// A person's email as two independent 64-bit hashes.
#[derive(PartialEq, Eq)]
struct PersonKey([u64; 2]);

impl Hash for PersonKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
    }
}

/// The table's hash of a [`PersonKey`]: its first word, already a hash.
#[derive(Default)]
struct FirstWord(u64);

impl Hasher for FirstWord {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only PersonKey is hashed here, through write_u64; this keeps any
        // other use correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl PersonNumbers {
    /// The most people numbered: as many as a table of 2^20 places holds
    /// without growing (it fills to 7/8), 25 MB (24 bytes and a control
    /// byte a place). The benchmark's million lines have 532,000 people.
    pub const MAX_PEOPLE: usize = (1 << 20) / 8 * 7;

    pub fn new() -> PersonNumbers {
        PersonNumbers {
            numbers: HashMap::default(),
            hashes: [RandomState::new(), RandomState::new()],
            lower: Vec::with_capacity(64),
            every_line: true,
        }
    }

    /// The number of the person with this email, new if the email is new
    /// to the file; None when it cannot be numbered.
    pub fn number(&mut self, email: &str) -> Option<u32> {
        if !email.is_ascii() {
            self.every_line = false;
            return None;
        }
        let bytes = if email.bytes().any(|b| b.is_ascii_uppercase()) {
            self.lower.clear();
            self.lower
                .extend(email.bytes().map(|b| b.to_ascii_lowercase()));
            &self.lower[..]
        } else {
            email.as_bytes()
        };
        let key = PersonKey([
            self.hashes[0].hash_one(bytes),
            self.hashes[1].hash_one(bytes),
        ]);
        let next = self.numbers.len();
        if next >= Self::MAX_PEOPLE {
            let number = self.numbers.get(&key).copied();
            self.every_line &= number.is_some();
            return number;
        }
        // MAX_PEOPLE fits in u32.
        Some(*self.numbers.entry(key).or_insert(next as u32 + 1))
    }

    /// Whether every line so far got a number.
    pub fn every_line_numbered(&self) -> bool {
        self.every_line
    }

    /// Frees the table. From now on not every line has a number, so no
    /// number given after this is used.
    pub fn forget(&mut self) {
        self.numbers = HashMap::default();
        self.every_line = false;
    }
}

impl Default for PersonNumbers {
    fn default() -> Self {
        PersonNumbers::new()
    }
}

/// Each person's latest details, chosen while the file streams by, so that
/// the database need not sort the file's lines by person to choose them
/// (`queries/import_quicket_contacts_people.sql`): for each detail the
/// value of the latest line that has one, and the email as the latest line
/// writes it, exactly as `import_quicket_contacts_staging.sql` chooses them
/// from the staging table.
///
/// Kept per [`PersonNumbers`] number, as the COPY text of the person's
/// columns (email, first name, last name, phone, company, job title), in
/// blocks of 1 MiB: a person's record is rewritten only when a line
/// changes it (lines that repeat their person's previous line are not even
/// shown). At most [`Self::MAX_BYTES`]; past that, or at a line without a
/// number, it gives up, frees its memory, and the database chooses.
pub struct LatestDetails {
    blocks: Vec<Vec<u8>>,
    places: Vec<Place>,
    bytes: usize,
    given_up: bool,
    merged: Vec<u8>,
}

/// Where a person's record is.
#[derive(Debug, Clone, Copy)]
struct Place {
    block: u32,
    start: u32,
    len: u32,
}

/// The person's columns, as the staging table has them.
const PERSON_COLUMNS: usize = 6;

impl LatestDetails {
    /// 56 MiB: the benchmark's 532,000 people take 51 MB.
    pub const MAX_BYTES: usize = 56 << 20;
    const BLOCK: usize = 1 << 20;

    pub fn new() -> LatestDetails {
        LatestDetails {
            blocks: Vec::new(),
            places: Vec::new(),
            bytes: 0,
            given_up: false,
            merged: Vec::with_capacity(256),
        }
    }

    /// Takes a line of person `person` (numbered in order of first
    /// appearance) whose details count, `record` being its person's
    /// columns as COPY text, tab-separated, `\N` for an empty one.
    pub fn take(&mut self, person: u32, record: &[u8]) {
        if self.given_up {
            return;
        }
        let index = person as usize - 1;
        if index == self.places.len() {
            if let Some(place) = self.store(record) {
                self.places.push(place);
            }
            return;
        }
        let Some(&place) = self.places.get(index) else {
            // A person's first line always counts; a number that skips one
            // means the lines came otherwise than this expects.
            self.give_up();
            return;
        };
        let mut merged = std::mem::take(&mut self.merged);
        merged.clear();
        let old = self.record(place);
        for (column, (new, old)) in record
            .split(|&b| b == b'\t')
            .zip(old.split(|&b| b == b'\t'))
            .enumerate()
        {
            if column > 0 {
                merged.push(b'\t');
            }
            // The email is the latest line's; a detail the line leaves
            // empty keeps the earlier one.
            merged.extend_from_slice(if column > 0 && new == b"\\N" {
                old
            } else {
                new
            });
        }
        if merged != old
            && let Some(place) = self.store(&merged)
        {
            self.places[index] = place;
        }
        self.merged = merged;
    }

    /// Stops keeping people, for good, and frees the memory.
    pub fn give_up(&mut self) {
        self.given_up = true;
        self.blocks = Vec::new();
        self.places = Vec::new();
    }

    /// Every person of every line taken is here.
    pub fn complete(&self) -> bool {
        !self.given_up
    }

    /// The people kept.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    fn record(&self, place: Place) -> &[u8] {
        let start = place.start as usize;
        &self.blocks[place.block as usize][start..start + place.len as usize]
    }

    fn store(&mut self, record: &[u8]) -> Option<Place> {
        self.bytes += record.len();
        if self.bytes > Self::MAX_BYTES || record.split(|&b| b == b'\t').count() != PERSON_COLUMNS {
            self.give_up();
            return None;
        }
        let fits = self
            .blocks
            .last()
            .is_some_and(|block| block.capacity() - block.len() >= record.len());
        if !fits {
            self.blocks
                .push(Vec::with_capacity(Self::BLOCK.max(record.len())));
        }
        let block = self.blocks.len() - 1;
        let bytes = &mut self.blocks[block];
        let start = bytes.len();
        bytes.extend_from_slice(record);
        Some(Place {
            block: block as u32,
            start: start as u32,
            len: record.len() as u32,
        })
    }

    /// The people as COPY text lines for `quicket_people` (the number, then
    /// the person's columns), about `chunk` bytes at a time, in order of
    /// their email in ASCII lower case (its first 16 bytes): the order in
    /// which the contacts are inserted, so that the index on `lower(email)`
    /// grows at its end.
    pub fn copy_text(&self, chunk: usize) -> PeopleText<'_> {
        // Sorted by the first 16 bytes of the lowered email, as one
        // integer: people whose emails begin alike beyond that keep their
        // order of first appearance, which only the speed depends on. (With
        // the whole email compared, the sort took most of a second on the
        // benchmark's people, whose emails begin with common names.)
        let mut order: Vec<(u128, u32)> = self
            .places
            .iter()
            .enumerate()
            .map(|(index, &place)| {
                let mut prefix = [0u8; 16];
                for (to, from) in prefix.iter_mut().zip(email(self.record(place))) {
                    *to = from.to_ascii_lowercase();
                }
                (u128::from_be_bytes(prefix), index as u32)
            })
            .collect();
        order.sort_unstable();
        PeopleText {
            people: self,
            order: order.into_iter(),
            chunk,
        }
    }
}

/// The chunks of [`LatestDetails::copy_text`].
pub struct PeopleText<'a> {
    people: &'a LatestDetails,
    order: std::vec::IntoIter<(u128, u32)>,
    chunk: usize,
}

impl Iterator for PeopleText<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(self.chunk + 4096);
        for (_, index) in self.order.by_ref() {
            super::encode::push_number(&mut out, u64::from(index) + 1);
            out.push(b'\t');
            out.extend_from_slice(self.people.record(self.people.places[index as usize]));
            out.push(b'\n');
            if out.len() >= self.chunk {
                break;
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// The email of a person's record: its first column.
fn email(record: &[u8]) -> &[u8] {
    record.split(|&b| b == b'\t').next().unwrap_or_default()
}

impl Default for LatestDetails {
    fn default() -> Self {
        LatestDetails::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line of `email` giving `first_name`, encoded as the encoder does.
    fn counts(seen: &mut RepeatedDetails, email: &str, first_name: Option<&str>) -> bool {
        let details = format!("{email}\t{}", first_name.unwrap_or("\\N"));
        let slot = seen.slot(email);
        seen.counts(slot, details.as_bytes())
    }

    #[test]
    fn an_email_key_ignores_case_as_any_lower_does() {
        let key = email_key("ann@example.org");
        assert_eq!(email_key("Ann@Example.ORG"), key);
        assert_eq!(email_key("ANN@EXAMPLE.ORG"), key);
        assert_ne!(email_key("bob@example.org"), key);
        assert_ne!(email_key("ann@example.com"), key);
        // The Turkish locale lowers I to the dotless ı; ICU lowers İ to i
        // and a combining dot; C leaves both alone.
        let key = email_key("ilse@example.org");
        for spelling in [
            "Ilse@example.org",
            "ılse@example.org",
            "İlse@example.org",
            "i\u{307}lse@example.org",
        ] {
            assert_eq!(email_key(spelling), key, "{spelling}");
        }
        // Non-ASCII letters are left out: É and é share a key with nothing
        // in their place, which only means fewer lines are skipped.
        assert_eq!(
            email_key("ÉLISE@example.org"),
            email_key("élise@example.org")
        );
        assert_eq!(
            email_key("élise@example.org"),
            email_key("lise@example.org")
        );
    }

    proptest! {
        /// Two emails any lower() may make equal share a key: ASCII case,
        /// Unicode's own lowercase, and the Turkish and ICU exceptions.
        #[test]
        fn an_email_key_is_coarser_than_lower(email in "[a-zA-Z0-9@.éÉßİıΣσς\u{212A}-]{0,24}") {
            let key = email_key(&email);
            prop_assert_eq!(email_key(&email.to_ascii_lowercase()), key);
            prop_assert_eq!(email_key(&email.to_lowercase()), key);
            prop_assert_eq!(email_key(&email.to_uppercase().replace('I', "ı")), email_key(&email.to_uppercase()));
            let simple: String = email.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect();
            prop_assert_eq!(email_key(&simple), key);
        }
    }

    #[test]
    fn a_line_counts_unless_it_repeats_its_persons_previous_line() {
        let mut seen = RepeatedDetails::for_file_of(0);
        assert!(counts(&mut seen, "ann@example.org", Some("Ann")));
        assert!(
            !counts(&mut seen, "ann@example.org", Some("Ann")),
            "the same again"
        );
        assert!(
            counts(&mut seen, "bob@example.org", Some("Ann")),
            "another person"
        );
        assert!(
            counts(&mut seen, "ann@example.org", Some("Annie")),
            "a new name"
        );
        // Back to the first name: it must count, or "Annie" would stay the
        // latest.
        assert!(counts(&mut seen, "ann@example.org", Some("Ann")));
        // An empty cell is not a repeat of a filled one.
        assert!(counts(&mut seen, "ann@example.org", None));
        assert!(!counts(&mut seen, "ann@example.org", None));
        // Another spelling of the same email is a change (the latest line's
        // spelling is kept).
        assert!(counts(&mut seen, "ANN@example.org", None));
        assert!(!counts(&mut seen, "ANN@example.org", None));
    }

    #[test]
    fn the_table_grows_with_the_file_up_to_its_limit() {
        assert_eq!(RepeatedDetails::for_file_of(1).previous.len(), 1 << 10);
        assert_eq!(
            RepeatedDetails::for_file_of(64 << 10).previous.len(),
            1 << 10
        );
        assert_eq!(
            RepeatedDetails::for_file_of(64 << 12).previous.len(),
            1 << 12
        );
        assert_eq!(
            RepeatedDetails::for_file_of((64 << 12) + 64).previous.len(),
            1 << 13
        );
        assert_eq!(
            RepeatedDetails::for_file_of(221_756_543).previous.len(),
            RepeatedDetails::SLOTS
        );
        assert_eq!(
            RepeatedDetails::for_file_of(u64::MAX).previous.len(),
            RepeatedDetails::SLOTS
        );
        assert_eq!(
            RepeatedDetails::for_file_of(0).previous.len(),
            RepeatedDetails::SLOTS,
            "a pipe"
        );
    }

    #[test]
    fn people_who_share_a_slot_take_turns_in_it() {
        let mut seen = RepeatedDetails::with_slots(1);
        assert!(counts(&mut seen, "ann@example.org", Some("Ann")));
        assert!(!counts(&mut seen, "ann@example.org", Some("Ann")));
        assert!(counts(&mut seen, "bob@example.org", Some("Bob")));
        // Bob's line came in between: Ann's counts again.
        assert!(counts(&mut seen, "ann@example.org", Some("Ann")));
        assert!(!counts(&mut seen, "ann@example.org", Some("Ann")));
        // Bob with Ann's name is still Bob.
        assert!(counts(&mut seen, "bob@example.org", Some("Ann")));
    }

    #[test]
    fn people_are_numbered_in_the_order_they_first_appear() {
        let mut numbers = PersonNumbers::new();
        assert_eq!(numbers.number("ann@example.org"), Some(1));
        assert_eq!(numbers.number("bob@example.org"), Some(2));
        assert_eq!(numbers.number("Ann@Example.ORG"), Some(1), "ASCII case");
        assert_eq!(numbers.number("cy@example.org"), Some(3));
        assert_eq!(numbers.number("BOB@EXAMPLE.ORG"), Some(2));
        assert!(numbers.every_line_numbered());
        // Only as fine as lower(): another address is another person, even
        // one that email_key (which drops non-ASCII) would join.
        assert_eq!(numbers.number("ann@example.com"), Some(4));
        assert_eq!(numbers.number("an@example.org"), Some(5));
    }

    #[test]
    fn an_address_that_is_not_ascii_is_not_numbered() {
        let mut numbers = PersonNumbers::new();
        assert_eq!(numbers.number("ann@example.org"), Some(1));
        // The Kelvin sign lowers to k in a UTF-8 database, and a Turkish
        // I to ı: attrib cannot know, so it does not number them.
        assert_eq!(numbers.number("\u{212A}im@example.org"), None);
        assert_eq!(numbers.number("élise@example.org"), None);
        assert!(!numbers.every_line_numbered());
        assert_eq!(numbers.number("kim@example.org"), Some(2));
        assert!(!numbers.every_line_numbered(), "stays false");
    }

    #[test]
    fn people_past_the_limit_are_not_numbered_and_memory_stays_bounded() {
        let mut numbers = PersonNumbers::new();
        for i in 0..PersonNumbers::MAX_PEOPLE {
            assert_eq!(
                numbers.number(&format!("p{i}@example.org")),
                Some(i as u32 + 1)
            );
        }
        let capacity = numbers.numbers.capacity();
        assert!(numbers.every_line_numbered());
        // Known people keep their numbers; a new one gets none.
        assert_eq!(numbers.number("p0@example.org"), Some(1));
        assert_eq!(numbers.number("P17@EXAMPLE.ORG"), Some(18));
        assert!(numbers.every_line_numbered());
        assert_eq!(numbers.number("one-more@example.org"), None);
        assert!(!numbers.every_line_numbered());
        assert_eq!(numbers.numbers.capacity(), capacity, "the table never grew");
        assert!(capacity < 1 << 20, "{capacity}");
    }

    /// The people's COPY text, in the order sent.
    fn people(latest: &LatestDetails) -> String {
        let chunks: Vec<Vec<u8>> = latest.copy_text(16).collect();
        assert!(chunks.len() > 1, "in chunks");
        String::from_utf8(chunks.concat()).unwrap()
    }

    #[test]
    fn the_latest_line_gives_the_email_and_each_detail_its_latest_value() {
        let mut latest = LatestDetails::new();
        latest.take(1, b"ann@example.org\tAnn\t\\N\t082\tAcme\t\\N");
        latest.take(2, b"Bob@example.org\tBob\t\\N\t\\N\t\\N\t\\N");
        latest.take(1, b"ANN@example.org\tAnnie\tvan Wyk\t\\N\t\\N\t\\N");
        latest.take(1, b"Ann@example.org\t\\N\t\\N\t\\N\t\\N\tCTO");
        assert!(latest.complete());
        assert_eq!(latest.len(), 2);
        assert_eq!(
            people(&latest),
            "1\tAnn@example.org\tAnnie\tvan Wyk\t082\tAcme\tCTO\n\
             2\tBob@example.org\tBob\t\\N\t\\N\t\\N\t\\N\n"
        );
    }

    #[test]
    fn people_are_sent_in_order_of_their_lowered_email() {
        let mut latest = LatestDetails::new();
        let emails = [
            "zed@example.org",
            "abe@example.org",
            "Abby@example.org",
            "ABBA.long.enough.name.1@x.org",
            "abba.long.enough.name.0@x.org",
            "b@x.org",
        ];
        for (n, email) in emails.iter().enumerate() {
            let record = format!("{email}\t\\N\t\\N\t\\N\t\\N\t\\N");
            latest.take(n as u32 + 1, record.as_bytes());
        }
        let order: Vec<String> = people(&latest)
            .lines()
            .map(|line| line.split('\t').next().unwrap().to_string())
            .collect();
        // '.' sorts before '@', as in PostgreSQL's C collation; emails
        // alike in their first 16 bytes keep their order.
        assert_eq!(order, ["4", "5", "3", "2", "6", "1"]);
    }

    #[test]
    fn a_number_out_of_order_or_too_much_memory_gives_up() {
        let mut latest = LatestDetails::new();
        latest.take(1, b"a@x.org\t\\N\t\\N\t\\N\t\\N\t\\N");
        latest.take(3, b"c@x.org\t\\N\t\\N\t\\N\t\\N\t\\N");
        assert!(!latest.complete());
        assert!(latest.is_empty(), "its memory is freed");
        latest.take(2, b"b@x.org\t\\N\t\\N\t\\N\t\\N\t\\N");
        assert!(!latest.complete(), "for good");

        let mut latest = LatestDetails::new();
        let long = "x".repeat(1 << 16);
        let (mut person, mut kept) = (0, 0);
        loop {
            person += 1;
            let record = format!("{person}@x.org\t{long}\t\\N\t\\N\t\\N\t\\N");
            latest.take(person, record.as_bytes());
            if !latest.complete() {
                assert!(kept + record.len() > LatestDetails::MAX_BYTES);
                break;
            }
            kept += record.len();
            assert!(kept <= LatestDetails::MAX_BYTES);
        }
        assert!(latest.blocks.is_empty());
    }
}
