//! The e-catalogue a recording was made against, rebuilt from the
//! recording.
//!
//! The reference's documentation tests mocked the ProZorro e-Catalogues and
//! the mock's answers are not in the recordings, but the recordings show
//! what it held: the tender names its items' profiles and its agreement,
//! and the bids the reference accepted were from the agreement's qualified
//! suppliers. A few activation attempts show the mock answering otherwise
//! (a missing profile, a terminated agreement, …), and the end of a tender
//! period shows a bidder disqualified in the agreement meanwhile; the runner
//! switches to those answers for exactly those exchanges
//! ([`CatalogueState`]).

use serde_json::{Value as Json, json};

use super::ordering::Procedure;
use crate::http::FakeCatalogue;

/// What the catalogue answers for one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueState {
    /// The recording's profiles (active, of its agreement) and its
    /// agreement (active, with the bidders on active contracts).
    Recorded,
    /// The profiles are unknown (404).
    ProfileMissing,
    /// The profiles have this status.
    ProfileStatus(&'static str),
    /// The profiles belong to another agreement.
    ProfileOfAnotherAgreement,
    /// The agreement has this status.
    AgreementStatus(&'static str),
    /// Like [`CatalogueState::Recorded`], but the supplier whose identifier
    /// has this `id` was disqualified in the agreement: its contract is
    /// `terminated`.
    SupplierDisqualified(&'static str),
}

/// An agreement id the recordings never use: "another agreement".
const ANOTHER_AGREEMENT: &str = "0123456789abcdef0123456789abcdef";

#[derive(Debug, Clone, Default)]
pub struct RecordedCatalogue {
    pub profiles: Vec<String>,
    pub agreements: Vec<String>,
    /// The tenderers of the bids the reference accepted, each once (by
    /// identifier scheme and id).
    pub suppliers: Vec<Json>,
}

fn push_once(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|known| known == value) {
        list.push(value.to_owned());
    }
}

impl RecordedCatalogue {
    pub fn of(procedure: &Procedure) -> RecordedCatalogue {
        let mut catalogue = RecordedCatalogue::default();
        for exchange in &procedure.exchanges {
            let Some(body) = &exchange.request.body else {
                continue;
            };
            let data = &body["data"];
            for item in data["items"].as_array().into_iter().flatten() {
                if let Some(profile) = item["profile"].as_str() {
                    push_once(&mut catalogue.profiles, profile);
                }
            }
            if let Some(agreement) = data["agreement"]["id"].as_str() {
                push_once(&mut catalogue.agreements, agreement);
            }
            let accepted_bid = exchange.request.method == "POST"
                && exchange.request.path().ends_with("/bids")
                && exchange.response.status == 201;
            if accepted_bid {
                catalogue.accept_bid(data);
            }
        }
        catalogue
    }

    /// Counts the tenderers of the bid `data` among the agreement's
    /// suppliers: the reference accepted it (or a stand-in places it for a
    /// bid it accepted).
    pub fn accept_bid(&mut self, data: &Json) {
        for tenderer in data["tenderers"].as_array().into_iter().flatten() {
            let identifier = &tenderer["identifier"];
            let known = self.suppliers.iter().any(|s| {
                s["identifier"]["scheme"] == identifier["scheme"]
                    && s["identifier"]["id"] == identifier["id"]
            });
            if !known {
                self.suppliers.push(tenderer.clone());
            }
        }
    }

    /// Feeds `catalogue` the answers of `state`.
    pub fn apply(&self, catalogue: &FakeCatalogue, state: CatalogueState) {
        let agreement_id = self.agreements.first().map_or("", String::as_str);
        for profile in &self.profiles {
            let answer = match state {
                CatalogueState::ProfileMissing => None,
                CatalogueState::ProfileStatus(status) => {
                    Some(json!({"id": profile, "agreementID": agreement_id, "status": status}))
                }
                CatalogueState::ProfileOfAnotherAgreement => Some(
                    json!({"id": profile, "agreementID": ANOTHER_AGREEMENT, "status": "active"}),
                ),
                CatalogueState::Recorded
                | CatalogueState::AgreementStatus(_)
                | CatalogueState::SupplierDisqualified(_) => {
                    Some(json!({"id": profile, "agreementID": agreement_id, "status": "active"}))
                }
            };
            catalogue.feed_profile(profile, answer);
        }
        let status = match state {
            CatalogueState::AgreementStatus(status) => status,
            _ => "active",
        };
        let contracts: Vec<Json> = self
            .suppliers
            .iter()
            .map(|supplier| {
                let disqualified = matches!(
                    state,
                    CatalogueState::SupplierDisqualified(id) if supplier["identifier"]["id"] == id
                );
                let status = if disqualified { "terminated" } else { "active" };
                json!({"status": status, "suppliers": [supplier]})
            })
            .collect();
        for agreement in &self.agreements {
            catalogue.feed_agreement(
                agreement,
                Some(json!({"id": agreement, "status": status, "contracts": contracts})),
            );
        }
        catalogue.feed_agreement(
            ANOTHER_AGREEMENT,
            Some(json!({"id": ANOTHER_AGREEMENT, "status": "active", "contracts": contracts})),
        );
    }
}
