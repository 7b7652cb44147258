//! The tools of `attrib mcp`: their descriptions (written for a model:
//! what each answers and when to use it), their argument schemas, and their
//! calls, each the function the matching command prints from.

use std::sync::Arc;

use clap::ValueEnum;
use rmcp::model::{JsonObject, ToolAnnotations};
use rmcp::schemars::{self, JsonSchema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sqlx::PgPool;

use crate::campaign::{self, CampaignSelector};
use crate::commands::{campaigns, contact, events, outreach, report, timeline, who};
use crate::error::UsageError;
use crate::event::{self, EventSelector};
use crate::report::models::{self, Model};
use crate::report::render::FUNNEL_FORMULAS;
use crate::report::{BuildOptions, SectionName};
use crate::summary::window;
use crate::vocabulary::CampaignType;

/// The most rows of one list a result holds; longer lists are cut, with
/// their total and a note on how to narrow the question.
pub const MAX_ROWS: usize = 200;

/// The largest result (its JSON text): about what an assistant can read.
pub const MAX_RESULT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    ListEvents,
    ListCampaigns,
    RegistrationsReport,
    UnattributedSources,
    EmailFunnel,
    WhoWasSent,
    Outreach,
    ContactHistory,
    CampaignTimeline,
    Summary,
}

impl Tool {
    pub const ALL: [Tool; 10] = [
        Tool::ListEvents,
        Tool::ListCampaigns,
        Tool::RegistrationsReport,
        Tool::UnattributedSources,
        Tool::EmailFunnel,
        Tool::WhoWasSent,
        Tool::Outreach,
        Tool::ContactHistory,
        Tool::CampaignTimeline,
        Tool::Summary,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::ListEvents => "list_events",
            Tool::ListCampaigns => "list_campaigns",
            Tool::RegistrationsReport => "registrations_report",
            Tool::UnattributedSources => "unattributed_sources",
            Tool::EmailFunnel => "email_funnel",
            Tool::WhoWasSent => "who_was_sent",
            Tool::Outreach => "outreach",
            Tool::ContactHistory => "contact_history",
            Tool::CampaignTimeline => "campaign_timeline",
            Tool::Summary => "summary",
        }
    }

    pub fn named(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.name() == name)
    }

    fn description(self) -> &'static str {
        match self {
            Tool::ListEvents => {
                "Lists every event (conference) attrib knows: slug, id, name, start and end \
                 dates, venue, tickets, registrations (tickets neither cancelled nor refunded) \
                 and when its Quicket export was last imported. Use it first, to find the slug \
                 or year that the other tools take as `event`, or to answer \"which events do we \
                 have\" and \"how many registrations so far\"."
            }
            Tool::ListCampaigns => {
                "Lists the outreach campaigns, of one event or of all: id, event, name, slug \
                 (the value organisers put in links as ?utm_campaign=), type, status, number of \
                 communications, description. Use it to find the slug or id:N that other tools \
                 take as `campaign`, or to answer \"what campaigns are running for 2026\". \
                 `warnings` names campaigns of one event sharing a slug."
            }
            Tool::RegistrationsReport => {
                "The registrations report of an event: per campaign its registrations, \
                 contacts, revenue, share and conversion of its email recipients; sources \
                 naming several campaigns (ambiguous), sources naming none (unattributed, with \
                 a did-you-mean), tickets with no source, channel reach and the email funnel. \
                 Exactly the document of `attrib report --format json`. Use it for \"how many \
                 registrations did the CFP bring in?\" or \"which campaign worked best?\". \
                 `model` credits the emails buyers received before buying instead (adds \
                 `models`); `section` keeps only one part of each event."
            }
            Tool::UnattributedSources => {
                "The marketing sources of an event's registrations that name no campaign, in \
                 slug form, with their registrations, their most common spelling and, when a \
                 campaign slug is close, the campaign they were probably meant to be (did you \
                 mean). Use it to answer \"which sources match no campaign?\" or to find typos \
                 in links before a report goes out."
            }
            Tool::EmailFunnel => {
                "How an event's emails fared: per email and per campaign, recipients, sent, \
                 delivered, opened, clicked, bounced, failed, queued and the rates (delivery, \
                 open, click, click-to-open, bounce; fractions, null over zero; `formulas` \
                 states them). Use it for \"what was the open rate of the early-bird email?\". \
                 Give `campaign` for one campaign's emails."
            }
            Tool::WhoWasSent => {
                "Who was sent a campaign's emails, with how far each got (status: queued, \
                 sent, delivered, opened, clicked, bounced, failed) and when. Give `campaign`, \
                 or `event` (with `campaign_type` for one kind of campaign) for every campaign \
                 of the event. Use it for \"who did we send the CFP invitation to?\". Long \
                 lists are cut to the first 200 recipients, with the total."
            }
            Tool::Outreach => {
                "Everything done to promote an event, across channels: its campaigns (with \
                 communications, recipients and materials), every communication (email, \
                 LinkedIn post, material) with how far the emails got, and its marketing \
                 materials with where and how widely they were shared. Use it for \"what \
                 outreach have we done for 2026?\"."
            }
            Tool::ContactHistory => {
                "Everything one person (by email address, any capitalisation) was sent, with \
                 how far each email got, and their tickets, of every event or of one. Use it \
                 for \"has Jane Smith received any emails about the 2026 event?\" or \"did she \
                 register?\"."
            }
            Tool::CampaignTimeline => {
                "A campaign's communications, materials and where the materials were shared, \
                 in date order. Use it for \"show me a timeline of all comms for the CFP \
                 campaign\" or to plan the next push."
            }
            Tool::Summary => {
                "What changed for an event in a time window (default the last 24 hours): new \
                 registrations per campaign beside the running totals, newly seen unattributed \
                 sources, emails sent in the window and how they fared, the last Quicket import \
                 (warning when it is stale), and findings that need attention. The document \
                 of `attrib summary --format json`. Use it for \"what happened since \
                 yesterday?\" or \"this week\" (since: 7d)."
            }
        }
    }

    fn input_schema(self) -> Arc<JsonObject> {
        let mut schema = match self {
            Tool::ListEvents => schema::<NoArgs>(),
            Tool::ListCampaigns => schema::<ListCampaignsArgs>(),
            Tool::RegistrationsReport => schema::<ReportArgs>(),
            Tool::UnattributedSources | Tool::Outreach => schema::<EventArgs>(),
            Tool::EmailFunnel => schema::<FunnelArgs>(),
            Tool::WhoWasSent => schema::<WhoArgs>(),
            Tool::ContactHistory => schema::<ContactArgs>(),
            Tool::CampaignTimeline => schema::<TimelineArgs>(),
            Tool::Summary => schema::<SummaryArgs>(),
        };
        // The allowed values come from the enums the command line takes.
        set_enum(&mut schema, "section", names::<SectionName>());
        set_enum(&mut schema, "model", names::<Model>());
        set_enum(
            &mut schema,
            "campaign_type",
            CampaignType::ALL
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
        );
        Arc::new(schema)
    }
}

/// Every tool as `tools/list` shows it.
pub fn definitions() -> Vec<rmcp::model::Tool> {
    Tool::ALL
        .into_iter()
        .map(|tool| {
            rmcp::model::Tool::new(tool.name(), tool.description(), tool.input_schema())
                .with_annotations(
                    ToolAnnotations::new()
                        .read_only(true)
                        .destructive(false)
                        .idempotent(true)
                        .open_world(false),
                )
        })
        .collect()
}

fn schema<T: JsonSchema + 'static>() -> JsonObject {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut object = match serde_json::to_value(generator.into_root_schema_for::<T>()) {
        Ok(Value::Object(object)) => object,
        _ => JsonObject::new(),
    };
    // The wrapper's name and doc are noise to a model.
    object.remove("title");
    object.remove("description");
    object.remove("$schema");
    // Some clients expect `properties` even when there are none.
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    // Doc comments keep their line breaks; a description is one paragraph.
    if let Value::Object(properties) = properties {
        for property in properties.values_mut() {
            if let Some(Value::String(d)) = property.get_mut("description") {
                *d = d.replace('\n', " ");
            }
        }
    }
    object
}

fn set_enum(schema: &mut JsonObject, property: &str, values: Vec<String>) {
    if let Some(Value::Object(p)) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut(property))
    {
        // An optional property is `"type": ["string", "null"]`.
        let mut values: Vec<Value> = values.into_iter().map(Value::String).collect();
        if p.get("type").and_then(Value::as_array).is_some() {
            values.push(Value::Null);
        }
        p.insert("enum".into(), Value::Array(values));
    }
}

/// The values of a command-line enum, as `--help` lists them.
fn names<E: ValueEnum>() -> Vec<String> {
    E::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect()
}

/// A command-line enum from its name, or a usage error listing the names.
fn parse_enum<E: ValueEnum>(argument: &str, value: &str) -> Result<E, UsageError> {
    E::from_str(value.trim(), true).map_err(|_| {
        UsageError(format!(
            "'{value}' is not a {argument}; give one of {}",
            names::<E>().join(", ")
        ))
    })
}

// The arguments. Doc comments become the schema's descriptions.

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct NoArgs {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct ListCampaignsArgs {
    /// Only the campaigns of this event: its slug (data-ai-day-2026), id:N,
    /// or a year (2026) for every event starting that year. Leave out for
    /// every event.
    event: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct ReportArgs {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) for
    /// every event starting that year.
    event: String,
    /// Keep only this part of each event: campaigns (registrations per
    /// campaign, ambiguous sources, no source), unattributed, reach, funnel,
    /// or models (needs a touch model). Leave out for the whole document.
    section: Option<String>,
    /// How registrations are credited: source (the ticket's marketing source
    /// names the campaign; the default) or, adding a models part, the emails
    /// the buyer received before buying: first-touch, last-touch, linear.
    model: Option<String>,
    /// With a touch model: how long before a purchase an email still counts,
    /// in hours, days or weeks (48h, 30d, 2w). Default 30d.
    window: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct EventArgs {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) when
    /// one event starts that year.
    event: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct FunnelArgs {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) when
    /// one event starts that year.
    event: String,
    /// Only the emails of this campaign of the event: its slug (cfp-2026) or
    /// id:N.
    campaign: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct WhoArgs {
    /// One campaign: its slug (cfp-2026) or id:N. Give this, or `event`.
    campaign: Option<String>,
    /// The event: every campaign of it (with `campaign_type`, those of one
    /// type), or, with `campaign`, the event the campaign slug belongs to.
    /// Its slug (data-ai-day-2026), id:N or a year (2026).
    event: Option<String>,
    /// With `event` and no `campaign`: only campaigns of this type.
    campaign_type: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct ContactArgs {
    /// The person's email address (any capitalisation).
    email: String,
    /// Only this event: its slug (data-ai-day-2026), id:N or a year (2026).
    event: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct TimelineArgs {
    /// The campaign: its slug (cfp-2026) or id:N.
    campaign: String,
    /// The event of the campaign, when the same slug exists for several
    /// events: its slug (data-ai-day-2026), id:N or a year (2026).
    event: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "rmcp::schemars")]
struct SummaryArgs {
    /// The event: its slug (data-ai-day-2026), id:N, or a year (2026) for
    /// one summary per event starting that year.
    event: String,
    /// Start of the window: a length of time before now (90m, 24h, 7d, 2w),
    /// a date (2026-05-01, its midnight) or a date and time
    /// (2026-05-01T08:00). Default 24h.
    since: Option<String>,
}

/// Runs `tool` with its arguments (a JSON object).
pub async fn call(pool: &PgPool, tool: Tool, arguments: Value) -> anyhow::Result<Value> {
    match tool {
        Tool::ListEvents => {
            args::<NoArgs>(arguments)?;
            let rows = events::fetch_list(pool).await?;
            let mut out = Map::new();
            put_list(&mut out, "events", rows, "")?;
            Ok(Value::Object(out))
        }
        Tool::ListCampaigns => {
            let a: ListCampaignsArgs = args(arguments)?;
            let selector = a.event.as_deref().map(event_selector).transpose()?;
            let rows = campaigns::fetch(pool, selector.as_ref()).await?;
            let warnings = campaigns::shared_slug_warnings(&rows);
            let mut out = Map::new();
            put_list(&mut out, "campaigns", rows, "name one event with `event`")?;
            out.insert("warnings".into(), json!(warnings));
            Ok(Value::Object(out))
        }
        Tool::RegistrationsReport => {
            let a: ReportArgs = args(arguments)?;
            let selector = event_selector(&a.event)?;
            let model = match &a.model {
                Some(m) => parse_enum::<Model>("model", m)?,
                None => Model::Source,
            };
            let window = a
                .window
                .as_deref()
                .map(models::parse_window)
                .transpose()
                .map_err(UsageError)?;
            let section = a
                .section
                .as_deref()
                .map(|s| parse_enum::<SectionName>("section", s))
                .transpose()?;
            if section == Some(SectionName::Models) && !model.is_touch() {
                return Err(UsageError(
                    "section models shows the touch models; add model first-touch, last-touch \
                     or linear."
                        .into(),
                )
                .into());
            }
            let options = report::json_options(model, window)?;
            let mut doc = report_document(pool, &selector, options).await?;
            if let Some(section) = section {
                keep_section(&mut doc, section);
            }
            Ok(doc)
        }
        Tool::UnattributedSources => {
            let a: EventArgs = args(arguments)?;
            let built = report_of_one(pool, &a.event).await?;
            let e = &built.events[0];
            Ok(json!({
                "event": e.event.slug,
                "registrations": e.registrations(),
                "unattributed": e.unattributed,
                "no_source": e.no_source(),
                "attention": e.attention(crate::commands::report::DEFAULT_STALE_AFTER),
            }))
        }
        Tool::EmailFunnel => {
            let a: FunnelArgs = args(arguments)?;
            let built = report_of_one(pool, &a.event).await?;
            let e = &built.events[0];
            let campaign = match &a.campaign {
                Some(c) => {
                    let selector = campaign_selector(c)?;
                    Some(campaign::resolve(pool, &selector, Some(&e.event)).await?)
                }
                None => None,
            };
            let rows: Vec<_> = e
                .funnel
                .iter()
                .filter(|r| campaign.as_ref().is_none_or(|c| c.id == r.campaign_id))
                .collect();
            Ok(json!({
                "event": e.event.slug,
                "campaign": campaign.as_ref().map(|c| c.slug()),
                "formulas": FUNNEL_FORMULAS,
                "funnel": rows,
            }))
        }
        Tool::WhoWasSent => {
            let a: WhoArgs = args(arguments)?;
            let scope = who::Scope::from_options(
                a.campaign.as_deref().map(campaign_selector).transpose()?,
                a.event.as_deref().map(event_selector).transpose()?,
                a.campaign_type
                    .as_deref()
                    .map(|t| parse_enum::<CampaignType>("campaign type", t))
                    .transpose()?,
            )?;
            let recipients = who::fetch(pool, &scope).await?;
            let mut out = Map::new();
            out.insert("title".into(), json!(recipients.title));
            put_list(
                &mut out,
                "recipients",
                recipients.rows,
                "ask for one campaign (`campaign`), or one type with `campaign_type`; for \
                 one person use contact_history",
            )?;
            Ok(Value::Object(out))
        }
        Tool::Outreach => {
            let a: EventArgs = args(arguments)?;
            let found = outreach::fetch(pool, &event_selector(&a.event)?).await?;
            let narrow = "see one campaign with campaign_timeline or email_funnel";
            let mut out = Map::new();
            out.insert("event".into(), serde_json::to_value(&found.event)?);
            put_list(&mut out, "campaigns", found.campaigns, narrow)?;
            put_list(&mut out, "communications", found.communications, narrow)?;
            put_list(&mut out, "assets", found.assets, narrow)?;
            Ok(Value::Object(out))
        }
        Tool::ContactHistory => {
            let a: ContactArgs = args(arguments)?;
            let selector = a.event.as_deref().map(event_selector).transpose()?;
            let history = contact::fetch(pool, &a.email, selector.as_ref()).await?;
            let narrow = "name one event with `event`";
            let mut out = Map::new();
            out.insert("contact".into(), serde_json::to_value(&history.contact)?);
            put_list(&mut out, "sent", history.sent, narrow)?;
            put_list(&mut out, "tickets", history.tickets, narrow)?;
            Ok(Value::Object(out))
        }
        Tool::CampaignTimeline => {
            let a: TimelineArgs = args(arguments)?;
            let selector = a.event.as_deref().map(event_selector).transpose()?;
            let found =
                timeline::fetch(pool, &campaign_selector(&a.campaign)?, selector.as_ref()).await?;
            let mut out = Map::new();
            out.insert(
                "campaign".into(),
                json!({
                    "id": found.campaign.id,
                    "slug": found.campaign.slug(),
                    "name": found.campaign.name,
                    "campaign_type": found.campaign.campaign_type,
                    "status": found.campaign.status,
                }),
            );
            put_list(
                &mut out,
                "timeline",
                found.entries,
                "the first entries are the oldest",
            )?;
            Ok(Value::Object(out))
        }
        Tool::Summary => {
            let a: SummaryArgs = args(arguments)?;
            let selector = event_selector(&a.event)?;
            let since = match &a.since {
                Some(s) => window::parse_since(s).map_err(UsageError)?,
                None => window::Since::default(),
            };
            let events = event::resolve_all(pool, &selector).await?;
            let request = crate::summary::Request {
                since,
                now: None,
                stale_after: window::parse_span("3d").map_err(UsageError)?,
                max_unattributed: None,
            };
            let built = crate::summary::build(pool, events, &request).await?;
            crate::summary::render::json_value(&built)
        }
    }
}

/// The report document of `report --format json`, as a value.
async fn report_document(
    pool: &PgPool,
    selector: &EventSelector,
    options: BuildOptions,
) -> anyhow::Result<Value> {
    let events = report::events(pool, Some(selector)).await?;
    let (built, _) = crate::report::build_with(pool, events, false, options).await?;
    crate::report::render::json_value(&built)
}

/// The report of exactly one event.
async fn report_of_one(pool: &PgPool, event: &str) -> anyhow::Result<crate::report::Report> {
    let one = event::resolve_one(pool, &event_selector(event)?).await?;
    let (built, _) =
        crate::report::build_with(pool, vec![one], false, BuildOptions::default()).await?;
    Ok(built)
}

/// Each event of the document with its identity and only `section`.
fn keep_section(doc: &mut Value, section: SectionName) {
    let keep: &[&str] = match section {
        SectionName::Campaigns => &["campaigns", "ambiguous", "no_source"],
        SectionName::Unattributed => &["unattributed"],
        SectionName::Reach => &["reach"],
        SectionName::Funnel => &["funnel"],
        SectionName::Models => &["models"],
    };
    const IDENTITY: [&str; 7] = [
        "id",
        "slug",
        "name",
        "starts_on",
        "registrations",
        "contacts",
        "revenue",
    ];
    if let Some(events) = doc.get_mut("events").and_then(Value::as_array_mut) {
        for event in events.iter_mut().filter_map(Value::as_object_mut) {
            event.retain(|k, _| IDENTITY.contains(&k.as_str()) || keep.contains(&k.as_str()));
        }
    }
}

/// Puts `rows` under `key`, at most [`MAX_ROWS`] of them; a longer list is
/// cut, and `truncated.<key>` says how many there were and how to narrow.
fn put_list<T: Serialize>(
    out: &mut Map<String, Value>,
    key: &str,
    mut rows: Vec<T>,
    narrow: &str,
) -> anyhow::Result<()> {
    let total = rows.len();
    if total > MAX_ROWS {
        rows.truncate(MAX_ROWS);
        let note = format!(
            "only the first {MAX_ROWS} of {total} {key} are shown{}",
            if narrow.is_empty() {
                String::new()
            } else {
                format!("; to see the others, {narrow}")
            }
        );
        let truncated = out
            .entry("truncated")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(t) = truncated {
            t.insert(
                key.into(),
                json!({"shown": MAX_ROWS, "total": total, "note": note}),
            );
        }
    }
    out.insert(key.into(), serde_json::to_value(rows)?);
    Ok(())
}

/// The arguments of a tool, or a usage error naming what is wrong.
fn args<T: DeserializeOwned>(arguments: Value) -> Result<T, UsageError> {
    serde_json::from_value(arguments).map_err(|e| UsageError(format!("bad arguments: {e}")))
}

fn event_selector(text: &str) -> Result<EventSelector, UsageError> {
    event::parse_selector(text).map_err(UsageError)
}

fn campaign_selector(text: &str) -> Result<CampaignSelector, UsageError> {
    campaign::parse_selector(text).map_err(UsageError)
}

/// attrib's messages name command-line options; the tools' arguments are
/// named without dashes.
pub fn for_tool(message: &str) -> String {
    [
        ("--campaign-type", "campaign_type"),
        ("--campaign", "campaign"),
        ("--event", "event"),
        ("--section", "section"),
        ("--model", "model"),
        ("--window", "window"),
        ("--since", "since"),
    ]
    .iter()
    .fold(message.to_string(), |text, (flag, name)| {
        text.replace(flag, name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_an_object_schema_with_described_properties() {
        for tool in Tool::ALL {
            assert_eq!(Tool::named(tool.name()), Some(tool));
            let schema = tool.input_schema();
            assert_eq!(schema["type"], "object", "{}", tool.name());
            assert_eq!(schema["additionalProperties"], false, "{}", tool.name());
            let properties = schema["properties"].as_object().unwrap();
            for (name, property) in properties {
                assert!(
                    property["description"]
                        .as_str()
                        .is_some_and(|d| d.len() > 20),
                    "{}.{name} has no description",
                    tool.name()
                );
            }
        }
    }

    #[test]
    fn enums_come_from_the_command_line() {
        let schema = Tool::RegistrationsReport.input_schema();
        let model = &schema["properties"]["model"]["enum"];
        assert_eq!(
            model,
            &json!(["source", "first-touch", "last-touch", "linear", null])
        );
        let section = &schema["properties"]["section"]["enum"];
        assert_eq!(section[0], "campaigns");
        let schema = Tool::WhoWasSent.input_schema();
        assert!(
            schema["properties"]["campaign_type"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("cfp"))
        );
        assert_eq!(
            parse_enum::<Model>("model", "Last-Touch").unwrap(),
            Model::LastTouch
        );
        let e = parse_enum::<Model>("model", "best").unwrap_err();
        assert!(e.0.contains("first-touch"), "{e}");
    }

    #[test]
    fn long_lists_are_cut_with_a_count_and_a_note() {
        let mut out = Map::new();
        put_list(
            &mut out,
            "recipients",
            (0..250).collect(),
            "ask for one campaign",
        )
        .unwrap();
        assert_eq!(out["recipients"].as_array().unwrap().len(), MAX_ROWS);
        assert_eq!(out["truncated"]["recipients"]["total"], 250);
        let note = out["truncated"]["recipients"]["note"].as_str().unwrap();
        assert!(
            note.contains("200 of 250") && note.contains("one campaign"),
            "{note}"
        );
        let mut out = Map::new();
        put_list(&mut out, "recipients", vec![1, 2], "").unwrap();
        assert!(out.get("truncated").is_none());
    }

    #[test]
    fn messages_name_the_arguments() {
        assert_eq!(
            for_tool("no event matches --event 2030; or add --event; --campaign-type x"),
            "no event matches event 2030; or add event; campaign_type x"
        );
    }

    #[test]
    fn arguments_are_checked() {
        let e = args::<EventArgs>(json!({"evnt": "2026"})).unwrap_err();
        assert!(e.0.contains("evnt"), "{e}");
        let e = args::<EventArgs>(json!({})).unwrap_err();
        assert!(e.0.contains("event"), "{e}");
        assert!(args::<NoArgs>(json!({})).is_ok());
    }

    #[test]
    fn a_section_keeps_the_event_identity() {
        let mut doc = json!({"generated_at": "x", "events": [
            {"id": 1, "slug": "a", "campaigns": [], "funnel": [], "reach": [], "no_source": 0}
        ]});
        keep_section(&mut doc, SectionName::Funnel);
        assert_eq!(
            doc["events"][0],
            json!({"id": 1, "slug": "a", "funnel": []})
        );
        assert_eq!(doc["generated_at"], "x");
    }
}
