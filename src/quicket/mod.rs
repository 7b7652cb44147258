//! The rules of a Quicket attendee export, as pure functions, one file per
//! concern:
//!
//! - `layout.rs`: which header means what (the documented aliases): [`Layout`];
//! - `values.rs`: how each value is read and checked (emails, dates, prices, status, check-in);
//! - `encode.rs`: how a valid row becomes one line of COPY text, and its [`Fingerprint`];
//! - `people.rs`: which lines are one person's, which can tell the database something new,
//!   and each person's latest details.
//!
//! Nothing here touches the database; `commands::import` streams rows
//! through [`RowEncoder`] and leaves joins and upserts to SQL.

mod encode;
mod layout;
mod people;
mod values;

pub use encode::{
    Fingerprint, RowEncoder, RowError, STAGING_COLUMNS, push_escaped, push_signed, show,
};
pub use layout::{ALIASES, Field, Layout, SOURCE_ALIASES};
pub use people::{LatestDetails, PersonNumbers, RepeatedDetails, email_key};
pub use values::{
    DateProblem, NotRecognised, PriceProblem, STATUS_PROGRESSION, Timestamp, clean, is_email,
    next_status, parse_checked_in, parse_price, parse_status, parse_timestamp, split_full_name,
};

/// What the tests of several of the submodules share.
#[cfg(test)]
mod test_support {
    use proptest::prelude::*;

    pub(super) fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// A field as the decoder hands it over: any text, also control
    /// characters, quotes and the characters of dates and prices.
    pub(super) fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,24}",
            "[0-9 ,./:-]{0,20}",
            "[RrZAzaFfe0-9 ,.()-]{0,16}",
            "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
            any::<String>(),
        ]
    }
}
