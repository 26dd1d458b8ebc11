//! The exchanges known not to match yet, each with the reason.
//!
//! `tests/conformance/exceptions.toml` has one table per procedure type,
//! naming each exchange by its file name:
//!
//! ```toml
//! [priceQuotation]
//! "tendering__pricequotation__http__register-bidder.http" = "why it differs"
//! ```
//!
//! The runner holds the list to the truth both ways: an exchange that
//! differs must be listed, and a listed one must still differ, so the list
//! only ever shrinks as features land.

use std::collections::BTreeMap;

/// Procedure type → exchange file name → reason.
#[derive(Debug, Clone, Default)]
pub struct Exceptions(BTreeMap<String, BTreeMap<String, String>>);

impl Exceptions {
    pub fn parse(text: &str) -> Result<Exceptions, String> {
        let table: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
        let mut exceptions = BTreeMap::new();
        for (procedure, entries) in table {
            let entries = entries
                .as_table()
                .ok_or_else(|| format!("[{procedure}] must be a table of file = reason"))?;
            let mut reasons = BTreeMap::new();
            for (file, reason) in entries {
                let reason = reason
                    .as_str()
                    .filter(|reason| !reason.trim().is_empty())
                    .ok_or_else(|| {
                        format!("[{procedure}] {file:?}: the reason must be a non-empty string")
                    })?;
                reasons.insert(file.clone(), reason.to_owned());
            }
            exceptions.insert(procedure, reasons);
        }
        Ok(Exceptions(exceptions))
    }

    /// The listed exchanges of a procedure type and their reasons.
    pub fn of(&self, procedure: &str) -> BTreeMap<String, String> {
        self.0.get(procedure).cloned().unwrap_or_default()
    }

    /// The procedure types with a table.
    pub fn procedures(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}
