//! Facts from the ProZorro e-Catalogues that activation and the end of the
//! tender period depend on. The handler (for activation) and the
//! scheduler's preparation (for the end of the tender period) fetch them
//! through the catalogue port before deciding, and the events record what
//! the decision took from them, so replay never asks the catalogue again.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::procurement::Identifier;

/// A catalogue profile (`GET /profiles/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    #[serde(rename = "agreementID")]
    pub agreement_id: String,
    pub status: String,
}

/// A framework agreement (`GET /agreements/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub contracts: Vec<AgreementContract>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementContract {
    pub status: String,
    /// Organisations as the catalogue gives them; copied as-is into
    /// `shortlistedFirms`.
    #[serde(default)]
    pub suppliers: Vec<Map<String, Value>>,
}

impl Agreement {
    /// Suppliers of the agreement's `active` contracts.
    pub fn qualified_suppliers(&self) -> Vec<Map<String, Value>> {
        self.contracts
            .iter()
            .filter(|contract| contract.status == "active")
            .flat_map(|contract| contract.suppliers.iter().cloned())
            .collect()
    }

    /// Whether the organisation `identifier` names (by register and code)
    /// is still a qualified supplier: one of an `active` contract. A
    /// supplier disqualified in the agreement has its contract `terminated`
    /// (or `suspended` while banned), and one no longer listed at all is not
    /// active either.
    pub fn has_active_supplier(&self, identifier: &Identifier) -> bool {
        self.contracts
            .iter()
            .filter(|contract| contract.status == "active")
            .flat_map(|contract| &contract.suppliers)
            .filter_map(|supplier| supplier.get("identifier"))
            .any(|listed| {
                listed.get("scheme").and_then(Value::as_str) == Some(identifier.scheme.as_str())
                    && listed.get("id").and_then(Value::as_str) == Some(identifier.id.as_str())
            })
    }
}

/// Everything activation needs from the catalogue, as fetched: each item's
/// profile (`None`: not found) and the tender's agreement (`None`: not found).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogueSnapshot {
    pub profiles: Vec<(String, Option<Profile>)>,
    pub agreement: Option<Agreement>,
}
