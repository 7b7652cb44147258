//! Which header means what: the documented aliases of each column of a
//! Quicket export, and the [`Layout`] a header row is matched into.

use crate::input::{ColumnMap, normalise_header};

/// A column of the export that has a column of its own in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    TicketNumber,
    Barcode,
    OrderNumber,
    TicketType,
    Price,
    PurchasedAt,
    Status,
    CheckedIn,
    CheckedInAt,
    DiscountCode,
    Email,
    FullName,
    FirstName,
    LastName,
    Phone,
    Organisation,
    JobTitle,
    /// The `error` column attrib adds to `FILE.rejected.csv`: dropped when
    /// a fixed rejected file is imported, so that it does not land in `extra`.
    RejectedError,
}

/// How many variants [`Field`] has.
const FIELDS: usize = Field::RejectedError as usize + 1;

/// Header aliases, in normalised form (see [`normalise_header`]: lower case,
/// letters and digits only). "Ticket Number", "ticket_number" and
/// "TICKET-NUMBER" all read as `ticketnumber`. Documented in docs/import.md.
pub const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::TicketNumber,
        &[
            "ticketnumber",
            "ticketno",
            "ticketnr",
            "ticketnum",
            "ticketid",
            "ticketreference",
            "ticketref",
            "ticketcode",
            "ticket",
        ],
    ),
    (
        Field::Barcode,
        &[
            "ticketbarcode",
            "barcode",
            "barcodenumber",
            "ticketbarcodenumber",
            "qrcode",
        ],
    ),
    (
        Field::OrderNumber,
        &[
            "ordernumber",
            "orderno",
            "ordernr",
            "orderid",
            "orderreference",
            "orderref",
            "order",
            "bookingreference",
            "bookingref",
            "bookingnumber",
        ],
    ),
    (
        Field::TicketType,
        &[
            "tickettype",
            "tickettypename",
            "ticketname",
            "ticketcategory",
            "tickettier",
            "type",
            "category",
        ],
    ),
    (
        Field::Price,
        &[
            "price",
            "ticketprice",
            "pricepaid",
            "amount",
            "amountpaid",
            "ticketamount",
            "cost",
            "ticketcost",
            "priceincvat",
            "pricezar",
        ],
    ),
    (
        Field::PurchasedAt,
        &[
            "purchasedate",
            "purchasedat",
            "purchasedon",
            "purchasedatetime",
            "purchasetime",
            "datepurchased",
            "dateofpurchase",
            "orderdate",
            "bookingdate",
            "registrationdate",
            "registeredon",
            "datecreated",
            "createdat",
            "created",
            "date",
        ],
    ),
    (
        Field::Status,
        &["ticketstatus", "status", "orderstatus", "paymentstatus"],
    ),
    (
        Field::CheckedIn,
        &[
            "checkedin",
            "checkin",
            "checkedinstatus",
            "checkinstatus",
            "attended",
            "scanned",
        ],
    ),
    (
        Field::CheckedInAt,
        &[
            "checkedindate",
            "checkedintime",
            "checkedindatetime",
            "checkedinat",
            "checkedinon",
            "checkindate",
            "checkintime",
            "checkindatetime",
            "scannedat",
            "scandate",
        ],
    ),
    (
        Field::DiscountCode,
        &[
            "discountcode",
            "discount",
            "promocode",
            "promotioncode",
            "couponcode",
            "coupon",
            "vouchercode",
            "voucher",
        ],
    ),
    (
        Field::Email,
        &[
            "email",
            "emailaddress",
            "ticketholderemail",
            "ticketholderemailaddress",
            "holderemail",
            "attendeeemail",
            "attendeeemailaddress",
        ],
    ),
    (
        Field::FullName,
        &[
            "ticketholder",
            "ticketholdername",
            "holdername",
            "attendee",
            "attendeename",
            "fullname",
            "name",
        ],
    ),
    (
        Field::FirstName,
        &[
            "firstname",
            "firstnames",
            "givenname",
            "forename",
            "ticketholderfirstname",
            "attendeefirstname",
        ],
    ),
    (
        Field::LastName,
        &[
            "surname",
            "lastname",
            "familyname",
            "ticketholdersurname",
            "ticketholderlastname",
            "attendeesurname",
            "attendeelastname",
        ],
    ),
    (
        Field::Phone,
        &[
            "cellphone",
            "cellphonenumber",
            "cell",
            "cellnumber",
            "cellno",
            "mobile",
            "mobilenumber",
            "phone",
            "phonenumber",
            "telephone",
            "telephonenumber",
            "contactnumber",
            "tel",
        ],
    ),
    (
        Field::Organisation,
        &[
            "company",
            "companyname",
            "organisation",
            "organization",
            "organisationname",
            "organizationname",
            "employer",
        ],
    ),
    (
        Field::JobTitle,
        &["jobtitle", "position", "role", "jobrole", "designation"],
    ),
    (Field::RejectedError, &["error"]),
];

/// Where the marketing source comes from when `--source-column` is not
/// given: the first of these headers (normalised) that the file has.
pub const SOURCE_ALIASES: &[&str] = &[
    "marketingsource",
    "trackingcode",
    "trackinglink",
    "source",
    "utmcampaign",
    "campaign",
    "referralsource",
    "referral",
    "referrer",
    "affiliate",
    "affiliatecode",
    "promoter",
    "howdidyouhearaboutus",
    "howdidyouhearaboutthisevent",
];

impl Field {
    /// How a missing field is described: what it is and its usual headers.
    fn wanted(self) -> &'static str {
        match self {
            Field::TicketNumber => {
                "a ticket identifier (\"Ticket Number\", \"Ticket ID\" or \"Ticket Barcode\")"
            }
            Field::Email => "the ticket holder's email (\"Email\" or \"Email Address\")",
            Field::PurchasedAt => "a purchase date (\"Purchase Date\" or \"Order Date\")",
            _ => "",
        }
    }
}

/// The longest value each database column takes (VARCHAR(n), in characters).
pub(super) fn max_chars(field: Field) -> Option<usize> {
    Some(match field {
        Field::TicketNumber | Field::Barcode | Field::OrderNumber | Field::DiscountCode => 100,
        Field::TicketType | Field::Organisation | Field::JobTitle => 200,
        Field::Email => 320,
        Field::FirstName | Field::LastName => 100,
        Field::Phone => 50,
        _ => return None,
    })
}

/// Which column of a file holds what: the result of matching its headers.
#[derive(Debug, Clone)]
pub struct Layout {
    pub(super) headers: Vec<String>,
    fields: Vec<(Field, usize)>,
    /// `fields` by `Field as usize`, for the per-row lookups.
    by_field: [Option<usize>; FIELDS],
    /// The column the ticket number is read from (a barcode column when the
    /// export has no ticket number).
    pub(super) ticket_number: usize,
    pub(super) source: Option<usize>,
    /// Columns kept in `tickets.extra`, with their JSON-encoded keys.
    pub(super) extra: Vec<(usize, String)>,
    pub(super) extra_keys: Vec<String>,
}

impl Layout {
    /// Matches a header row. `source_column` is `--source-column`. The error
    /// lists what was expected and what was found.
    pub fn new(headers: &[String], source_column: Option<&str>) -> Result<Layout, String> {
        let map = ColumnMap::match_headers(headers, ALIASES);
        let mut fields = map.fields;
        let mut extra = map.extra;
        let has = |fields: &[(Field, usize)], f: Field| fields.iter().any(|(g, _)| *g == f);

        // First and last name columns make a full-name column redundant;
        // keep it as an extra column rather than lose it.
        if has(&fields, Field::FirstName) || has(&fields, Field::LastName) {
            move_to_extra(&mut fields, &mut extra, headers, Field::FullName);
        }

        let source = match source_column {
            Some(wanted) => {
                let norm = normalise_header(wanted);
                let found = headers
                    .iter()
                    .position(|h| !norm.is_empty() && normalise_header(h) == norm);
                match found {
                    Some(i) => Some(i),
                    None => {
                        return Err(format!(
                            "has no column '{wanted}' (--source-column). Its columns are: {}",
                            quote_list(headers)
                        ));
                    }
                }
            }
            None => SOURCE_ALIASES.iter().find_map(|alias| {
                extra
                    .iter()
                    .find(|(i, _)| normalise_header(&headers[*i]) == *alias)
                    .map(|(i, _)| *i)
            }),
        };
        if let Some(s) = source {
            extra.retain(|(i, _)| *i != s);
        }

        let ticket_number = fields
            .iter()
            .find(|(f, _)| *f == Field::TicketNumber)
            .or_else(|| fields.iter().find(|(f, _)| *f == Field::Barcode))
            .map(|(_, i)| *i);
        let mut missing = Vec::new();
        if ticket_number.is_none() {
            missing.push(Field::TicketNumber.wanted());
        }
        for f in [Field::Email, Field::PurchasedAt] {
            if !has(&fields, f) {
                missing.push(f.wanted());
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "is missing required columns: {}. Its columns are: {}. \
                 Rename the columns, or export the attendee list from Quicket again",
                missing.join("; "),
                quote_list(headers)
            ));
        }
        let extra_keys = extra
            .iter()
            .map(|(_, key)| serde_json::to_string(key).expect("a string serialises"))
            .collect();
        let mut by_field = [None; FIELDS];
        for (f, i) in &fields {
            by_field[*f as usize] = Some(*i);
        }
        Ok(Layout {
            headers: headers.to_vec(),
            fields,
            by_field,
            ticket_number: ticket_number.expect("checked above"),
            source,
            extra,
            extra_keys,
        })
    }

    pub fn index(&self, field: Field) -> Option<usize> {
        self.by_field[field as usize]
    }

    /// The column the ticket number is read from.
    pub fn ticket_number_column(&self) -> usize {
        self.ticket_number
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The header of the marketing-source column, if there is one.
    pub fn source_header(&self) -> Option<&str> {
        self.source.map(|i| self.headers[i].as_str())
    }

    /// The headers kept in `tickets.extra`.
    pub fn extra_headers(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(_, h)| h.as_str())
    }

    /// "Ticket Number → ticket number, ..." for `-v`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(f, i)| format!("'{}' → {f:?}", self.headers[*i]))
            .collect();
        if let Some(s) = self.source {
            parts.push(format!("'{}' → marketing source", self.headers[s]));
        }
        if !self.extra.is_empty() {
            parts.push(format!(
                "kept in extra: {}",
                quote_list(self.extra.iter().map(|(_, h)| h))
            ));
        }
        parts.join(", ")
    }
}

fn move_to_extra(
    fields: &mut Vec<(Field, usize)>,
    extra: &mut Vec<(usize, String)>,
    headers: &[String],
    field: Field,
) {
    if let Some(pos) = fields.iter().position(|(f, _)| *f == field) {
        let (_, index) = fields.remove(pos);
        extra.push((index, headers[index].clone()));
        extra.sort_by_key(|(i, _)| *i);
    }
}

fn quote_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quicket::test_support::headers;

    #[test]
    fn old_and_new_quicket_headers() {
        let old = headers(&[
            "Ticket Number",
            "Ticket Barcode",
            "Purchase Date",
            "Ticket Type",
            "Ticket Holder",
            "Email",
            "Cellphone",
            "Checked in",
            "Checked in date",
            "Checked in by",
            "Complimentary",
        ]);
        let layout = Layout::new(&old, None).unwrap();
        assert_eq!(layout.index(Field::TicketNumber), Some(0));
        assert_eq!(layout.index(Field::Barcode), Some(1));
        assert_eq!(layout.index(Field::FullName), Some(4));
        assert_eq!(layout.index(Field::Phone), Some(6));
        assert_eq!(layout.index(Field::CheckedInAt), Some(8));
        assert_eq!(
            layout.extra_headers().collect::<Vec<_>>(),
            ["Checked in by", "Complimentary"]
        );
        assert_eq!(layout.source_header(), None);

        let new = headers(&[
            "Order Number",
            "Ticket ID",
            "Purchase date",
            "First name",
            "Surname",
            "E-mail Address",
            "Name",
            "Tracking Code",
            "Source",
            "Dietary requirements",
        ]);
        let layout = Layout::new(&new, None).unwrap();
        assert_eq!(layout.index(Field::TicketNumber), Some(1));
        assert_eq!(layout.index(Field::Email), Some(5));
        assert_eq!(layout.index(Field::FullName), None, "first/surname win");
        assert_eq!(layout.source_header(), Some("Tracking Code"));
        assert_eq!(
            layout.extra_headers().collect::<Vec<_>>(),
            ["Name", "Source", "Dietary requirements"]
        );

        let chosen = Layout::new(&new, Some("source")).unwrap();
        assert_eq!(chosen.source_header(), Some("Source"));
        assert!(chosen.extra_headers().any(|h| h == "Tracking Code"));
        let err = Layout::new(&new, Some("Referrer")).unwrap_err();
        assert!(err.contains("no column 'Referrer'"), "{err}");
        assert!(err.contains("\"Tracking Code\""), "{err}");
    }

    #[test]
    fn a_barcode_serves_as_ticket_number() {
        let h = headers(&["Barcode", "Email", "Date"]);
        let layout = Layout::new(&h, None).unwrap();
        assert_eq!(layout.ticket_number, 0);
    }

    #[test]
    fn missing_required_headers_say_what_was_expected_and_found() {
        let err = Layout::new(&headers(&["Name", "Phone"]), None).unwrap_err();
        assert!(err.contains("a ticket identifier"), "{err}");
        assert!(err.contains("the ticket holder's email"), "{err}");
        assert!(err.contains("a purchase date"), "{err}");
        assert!(
            err.contains("Its columns are: \"Name\", \"Phone\""),
            "{err}"
        );
        let err = Layout::new(&headers(&["Ticket Number", "Email"]), None).unwrap_err();
        assert!(!err.contains("ticket identifier"), "{err}");
        assert!(err.contains("a purchase date"), "{err}");
    }

    mod properties {
        //! Arbitrary input never panics: every reader answers Ok or an error
        //! that says where (a column, or the file's line); round trips hold.
        use super::*;
        use crate::quicket::test_support::field;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn header_mapping_never_panics(
                headers in prop::collection::vec(field(), 0..14),
                source in prop::option::of(field()),
            ) {
                match Layout::new(&headers, source.as_deref()) {
                    Ok(layout) => {
                        prop_assert_eq!(layout.headers().len(), headers.len());
                        let _ = layout.describe();
                    }
                    Err(message) => prop_assert!(!message.is_empty()),
                }
            }
        }
    }
}
