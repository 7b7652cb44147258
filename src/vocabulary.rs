//! The values the CHECK constraints of migration 003 allow, as Rust enums.
//!
//! Commands take them as clap value enums, so a wrong value is refused
//! before anything is written, with the allowed values listed. A test
//! compares these lists with the constraints in the database.

/// Declares an enum of database values with `as_str`, `ALL` and clap support.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[value(name = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// Every allowed value, in the order of the specification.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            /// Parses a stored value.
            pub fn parse(value: &str) -> Option<$name> {
                match value {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// "a, b, c" for messages.
            pub fn allowed() -> String {
                [$($value),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// `campaigns.campaign_type`: the purpose of a campaign.
    CampaignType {
        Cfp => "cfp",
        Registration => "registration",
        Reminder => "reminder",
        ThankYou => "thank_you",
        Sponsor => "sponsor",
        General => "general",
    }
);

vocabulary!(
    /// `campaigns.status`.
    CampaignStatus {
        Draft => "draft",
        Active => "active",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// `communications.channel`.
    Channel {
        Email => "email",
        LinkedinPost => "linkedin_post",
        MarketingMaterial => "marketing_material",
    }
);

vocabulary!(
    /// `communications.status`.
    CommunicationStatus {
        Draft => "draft",
        Sending => "sending",
        Sent => "sent",
        Published => "published",
        Failed => "failed",
    }
);

vocabulary!(
    /// `communication_recipients.status`: how far an email got.
    RecipientStatus {
        Queued => "queued",
        Sent => "sent",
        Delivered => "delivered",
        Opened => "opened",
        Clicked => "clicked",
        Bounced => "bounced",
        Failed => "failed",
    }
);

vocabulary!(
    /// `marketing_assets.asset_type`.
    AssetType {
        SocialGraphic => "social_graphic",
        Flyer => "flyer",
        Banner => "banner",
        Poster => "poster",
        Video => "video",
        Presentation => "presentation",
    }
);

vocabulary!(
    /// `asset_distributions.channel`: where a material was shared.
    DistributionChannel {
        Linkedin => "linkedin",
        Whatsapp => "whatsapp",
        Twitter => "twitter",
        Print => "print",
        Email => "email",
        Website => "website",
    }
);

vocabulary!(
    /// `tickets.status` (migration 001): a registration is a ticket that is
    /// neither cancelled nor refunded.
    TicketStatus {
        Valid => "valid",
        Cancelled => "cancelled",
        Refunded => "refunded",
    }
);

/// A count and its noun: "1 new contact", "2 new contacts", "0 tickets".
pub fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for t in CampaignType::ALL {
            assert_eq!(CampaignType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(CampaignType::parse("newsletter"), None);
        assert_eq!(
            RecipientStatus::allowed(),
            "queued, sent, delivered, opened, clicked, bounced, failed"
        );
        assert_eq!(
            serde_json::to_string(&Channel::LinkedinPost).unwrap(),
            "\"linkedin_post\""
        );
    }
}
