//! Facts from the ProZorro e-Catalogues that activation depends on. The
//! handler fetches them through the catalogue port before deciding, and the
//! activation event records them, so replay never asks the catalogue again.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
}

/// Everything activation needs from the catalogue, as fetched: each item's
/// profile (`None`: not found) and the tender's agreement (`None`: not found).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogueSnapshot {
    pub profiles: Vec<(String, Option<Profile>)>,
    pub agreement: Option<Agreement>,
}
