//! The `config` block of a belowThreshold tender (spec §2). Defaults are the
//! reference's `config.csv` for belowThreshold; the flags that carry rules
//! here are typed, the others are kept as sent and must hold the one value
//! the CSV allows.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};

use crate::procurement::Refusal;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    #[serde(default = "yes")]
    pub has_auction: bool,
    #[serde(default = "yes")]
    pub has_awarding_order: bool,
    #[serde(default = "yes")]
    pub has_value_restriction: bool,
    #[serde(default = "yes")]
    pub value_currency_equality: bool,
    #[serde(default = "one")]
    pub min_bids_number: u32,
    /// Award `complaintPeriod` length, in working days.
    #[serde(default = "two")]
    pub award_complain_duration: u32,
    /// `clarificationsUntil` after the enquiry period's end, working days.
    #[serde(default = "one")]
    pub clarification_until_duration: u32,
    /// Minimum tender period, working days.
    #[serde(default = "two")]
    pub min_tendering_duration: u32,
    /// Minimum enquiry period, working days.
    #[serde(default = "three")]
    pub min_enquiries_duration: u32,
    /// The other keys of the reference, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Json>,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn three() -> u32 {
    3
}

/// The keys the CSV allows exactly one value for, with that value.
fn fixed() -> [(&'static str, Json); 15] {
    [
        ("hasPrequalification", json!(false)),
        ("hasPreSelectionAgreement", json!(false)),
        ("hasTenderComplaints", json!(false)),
        ("hasAwardComplaints", json!(false)),
        ("hasCancellationComplaints", json!(false)),
        ("hasValueEstimation", json!(true)),
        ("hasQualificationComplaints", json!(false)),
        ("tenderComplainRegulation", json!(0)),
        ("qualificationComplainDuration", json!(0)),
        ("cancellationComplainDuration", json!(0)),
        ("qualificationDuration", json!(0)),
        ("hasEnquiries", json!(true)),
        ("enquiryPeriodRegulation", json!(0)),
        ("restricted", json!(false)),
        ("hasMultiSourcing", json!(false)),
    ]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            has_auction: true,
            has_awarding_order: true,
            has_value_restriction: true,
            value_currency_equality: true,
            min_bids_number: 1,
            award_complain_duration: 2,
            clarification_until_duration: 1,
            min_tendering_duration: 2,
            min_enquiries_duration: 3,
            other: fixed()
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        }
    }
}

impl Config {
    /// Every key holds a value the CSV allows for belowThreshold; a key
    /// left out takes its default. The texts of the reference's JSON
    /// schema are not known yet (spec Q12): the refusal names the key.
    pub fn validate(&self) -> Result<(), Refusal> {
        let typed: [(&str, Json, Json); 7] = [
            (
                "hasAwardingOrder",
                json!(self.has_awarding_order),
                json!(true),
            ),
            (
                "valueCurrencyEquality",
                json!(self.value_currency_equality),
                json!(true),
            ),
            ("minBidsNumber", json!(self.min_bids_number), json!(1)),
            (
                "awardComplainDuration",
                json!(self.award_complain_duration),
                json!(2),
            ),
            (
                "clarificationUntilDuration",
                json!(self.clarification_until_duration),
                json!(1),
            ),
            (
                "minTenderingDuration",
                json!(self.min_tendering_duration),
                json!(2),
            ),
            (
                "minEnquiriesDuration",
                json!(self.min_enquiries_duration),
                json!(3),
            ),
        ];
        for (key, value, allowed) in typed {
            if value != allowed {
                return Err(not_allowed(key, &allowed));
            }
        }
        let fixed = fixed();
        for (key, value) in &self.other {
            match fixed.iter().find(|(name, _)| name == key) {
                Some((_, allowed)) if value != allowed => {
                    return Err(not_allowed(key, allowed));
                }
                Some(_) => {}
                None => {
                    return Err(Refusal::invalid(format!("config.{key}"), "Rogue field"));
                }
            }
        }
        Ok(())
    }

    /// The config with every key the client left out at its default.
    pub fn completed(mut self) -> Config {
        for (key, value) in fixed() {
            self.other.entry(key.to_owned()).or_insert(value);
        }
        self
    }
}

fn not_allowed(key: &str, allowed: &Json) -> Refusal {
    Refusal::invalid(
        format!("config.{key}"),
        format!("{allowed} is the only value allowed for belowThreshold"),
    )
}
