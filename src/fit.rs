//! Fitting a table into a terminal's width: which columns to show and how
//! wide each is. Pure rules, used by [`crate::output::Section::render_table`].
//!
//! Numbers, rates and dates never wrap: such a column is never narrower than
//! its widest cell (its header may wrap between words). Text columns may
//! wrap, down to [`MIN_TEXT`] characters. When even that is too wide, the
//! columns a row type names as optional are left out, the first named first,
//! until the table fits.

/// The narrowest a wrapping text column is made (or its content, if less).
pub const MIN_TEXT: usize = 12;

/// A text column is not made narrower than its longest word, up to this
/// (a slug stays whole; a URL may break).
const LONGEST_WHOLE_WORD: usize = 30;

/// What wrapping text columns get before headers are unwrapped; the rest of
/// the width goes to them afterwards.
const COMFORTABLE_TEXT: usize = 30;

/// What one column needs, in characters of content (no padding or border).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNeed {
    /// Its widest cell or header, unwrapped.
    pub natural: usize,
    /// The narrowest it may be.
    pub min: usize,
    /// A text column, which may wrap; numbers, rates and dates may not.
    pub wraps: bool,
    /// Leave-out order on a narrow terminal (0 first); None: always shown.
    pub drop_rank: Option<usize>,
}

impl ColumnNeed {
    /// The needs of a column from its header and its cells as displayed.
    /// `wraps`: whether the cells are text that may wrap.
    pub fn measure<'a>(
        header: &str,
        cells: impl Iterator<Item = &'a str>,
        wraps: bool,
        drop_rank: Option<usize>,
    ) -> ColumnNeed {
        let (mut widest_cell, mut longest_word) = (0, 0);
        for cell in cells {
            widest_cell = widest_cell.max(text_width(cell));
            longest_word = longest_word.max(longest_word_of(cell));
        }
        let header_word = longest_word_of(header);
        let natural = widest_cell.max(text_width(header));
        let min = if wraps {
            let whole_words = longest_word.min(LONGEST_WHOLE_WORD);
            natural.min(MIN_TEXT.max(whole_words).max(header_word))
        } else {
            widest_cell.max(header_word)
        };
        ColumnNeed {
            natural,
            min,
            wraps,
            drop_rank,
        }
    }
}

/// Characters taken by borders and padding around `columns` content columns
/// (`│ a ┆ b │`: one border per column plus one, a space each side).
pub fn overhead(columns: usize) -> usize {
    3 * columns + 1
}

/// The content width of each column within `width` (None: left out).
pub fn fit(columns: &[ColumnNeed], width: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<bool> = vec![true; columns.len()];
    let needed = |shown: &[bool]| {
        let (sum, count) = columns
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .fold((0, 0), |(sum, n), (c, _)| (sum + c.min, n + 1));
        sum + overhead(count)
    };
    let mut droppable: Vec<(usize, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.drop_rank.map(|r| (r, i)))
        .collect();
    droppable.sort_unstable();
    for (_, i) in droppable {
        if needed(&shown) <= width {
            break;
        }
        shown[i] = false;
    }
    let mut widths: Vec<Option<usize>> = columns
        .iter()
        .zip(&shown)
        .map(|(c, s)| s.then_some(c.min))
        .collect();
    let mut spare = width.saturating_sub(needed(&shown));

    // Text first, to a comfortable width, a character at a time in turn.
    grow_text(columns, &mut widths, &mut spare, COMFORTABLE_TEXT);
    // Then headers of numbers on one line, whole columns in order.
    for (c, w) in columns.iter().zip(widths.iter_mut()) {
        if let Some(w) = w.as_mut().filter(|_| !c.wraps) {
            let more = c.natural - *w;
            if more <= spare {
                *w += more;
                spare -= more;
            }
        }
    }
    // Then text to its full width.
    grow_text(columns, &mut widths, &mut spare, usize::MAX);
    widths
}

fn grow_text(columns: &[ColumnNeed], widths: &mut [Option<usize>], spare: &mut usize, cap: usize) {
    loop {
        let mut grew = false;
        for (c, w) in columns.iter().zip(widths.iter_mut()) {
            if *spare == 0 {
                return;
            }
            if let Some(w) = w.as_mut().filter(|w| c.wraps && **w < c.natural.min(cap)) {
                *w += 1;
                *spare -= 1;
                grew = true;
            }
        }
        if !grew {
            return;
        }
    }
}

fn longest_word_of(text: &str) -> usize {
    text.split_whitespace().map(text_width).max().unwrap_or(0)
}

/// The width of `text` on a terminal (wide characters count two).
pub fn text_width(text: &str) -> usize {
    console::measure_text_width(text)
}

/// Whether a cell is a date or a time (`2026-03-02`, `2026-03-02 11:50`,
/// `2026-12-02T07:45:26+02:00`), which must not wrap.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b.len() <= 32
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// `text` broken between words into lines of at most `width` characters (a
/// word longer than that stays whole on its own line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && text_width(&line) + 1 + text_width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(header: &str, widest: &str, rank: Option<usize>) -> ColumnNeed {
        ColumnNeed::measure(header, [widest].into_iter(), false, rank)
    }

    fn text(header: &str, widest: &str, rank: Option<usize>) -> ColumnNeed {
        ColumnNeed::measure(header, [widest].into_iter(), true, rank)
    }

    fn total(widths: &[Option<usize>]) -> usize {
        let shown: Vec<usize> = widths.iter().flatten().copied().collect();
        shown.iter().sum::<usize>() + overhead(shown.len())
    }

    #[test]
    fn numbers_never_go_below_their_widest_cell_but_headers_may_wrap() {
        let c = number("open rate", "100.0%", None);
        assert_eq!((c.min, c.natural), (6, 9));
        let c = number("revenue", "R 1,947,050", None);
        assert_eq!((c.min, c.natural), (11, 11));
        // A single long header word is not broken.
        let c = number("registrations", "1460", None);
        assert_eq!(c.min, 13);
    }

    #[test]
    fn text_wraps_down_to_the_minimum() {
        let c = text("campaign", "Unattributed (see Unattributed sources)", None);
        assert_eq!((c.min, c.natural), (MIN_TEXT, 39));
        let c = text("kind", "email", None);
        assert_eq!((c.min, c.natural), (5, 5));
        // A slug stays whole; a very long word may break.
        let c = text("source", "early-bird-registation-2026", None);
        assert_eq!(c.min, 27);
        let c = text(
            "url",
            &format!("https://example.org/{}", "x".repeat(40)),
            None,
        );
        assert_eq!(c.min, 30);
    }

    #[test]
    fn everything_fits_when_there_is_room() {
        let cols = [
            text("name", "Early Bird Registration 2026", None),
            number("registrations", "1460", Some(0)),
        ];
        let widths = fit(&cols, 200);
        assert_eq!(widths, [Some(28), Some(13)]);
    }

    #[test]
    fn optional_columns_go_in_their_order_and_the_rest_fits() {
        let cols = [
            number("id", "12", Some(0)),
            text("name", "Early Bird Registration 2026", None),
            text("slug", "early-bird-registration-2026", Some(2)),
            number("revenue", "R 947,050", Some(1)),
            number("registrations", "1460", None),
        ];
        for width in 40..120 {
            let widths = fit(&cols, width);
            assert!(total(&widths) <= width, "{width}: {widths:?}");
            // Never a number narrower than its widest cell.
            for (c, w) in cols.iter().zip(&widths) {
                if let Some(w) = w {
                    assert!(*w >= c.min, "{width}: {widths:?}");
                }
            }
            // Left out in order: once a later one is gone, the earlier are.
            let gone = |i: usize| widths[i].is_none();
            if gone(2) {
                assert!(gone(3) && gone(0), "{width}: {widths:?}");
            }
            if gone(3) {
                assert!(gone(0), "{width}: {widths:?}");
            }
            assert!(widths[1].is_some() && widths[4].is_some());
        }
        // Roomy: nothing left out.
        assert!(fit(&cols, 120).iter().all(Option::is_some));
        // At 40: the required columns, the name wrapped.
        assert_eq!(fit(&cols, 40), [None, Some(20), None, None, Some(13)]);
    }

    #[test]
    fn a_table_that_cannot_fit_keeps_its_required_columns() {
        let cols = [
            number("a", "123456789", None),
            number("b", "123456789", None),
        ];
        assert_eq!(fit(&cols, 10), [Some(9), Some(9)]);
    }

    #[test]
    fn dates_are_recognised() {
        for d in [
            "2026-03-02",
            "2026-03-02 11:50",
            "2026-12-02T07:45:26+02:00",
        ] {
            assert!(is_date(d), "{d}");
        }
        for t in [
            "2026",
            "cfp-2026",
            "20260302",
            "Early Bird 2026-03-02 and more words here!",
        ] {
            assert!(!is_date(t), "{t}");
        }
    }

    #[test]
    fn wrap_breaks_between_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("unbreakable-word x", 4), ["unbreakable-word", "x"]);
        assert_eq!(wrap("", 10), [""]);
    }
}
