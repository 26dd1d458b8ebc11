//! From the documents' history to OCDS releases and records.

use ocds::release::EventRef;
use projections::{ReadStore, ReadStoreError, RevisionChange};
use serde_json::Value as Json;

/// Why OCDS output could not be made.
#[derive(Debug, thiserror::Error)]
pub enum OcdsError {
    #[error(transparent)]
    ReadStore(#[from] ReadStoreError),
    /// A stored document OCDS cannot express: a fault of the server, never
    /// of the client.
    #[error("the document of procedure {procedure_id} at position {position}: {reason}")]
    Mapping {
        procedure_id: String,
        position: u64,
        reason: String,
    },
}

/// Whether `prefix` can be an ocid prefix: six lowercase letters or digits,
/// as the OCDS Helpdesk assigns them.
pub fn validate_prefix(prefix: &str) -> Result<String, String> {
    if prefix.len() == 6
        && prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Ok(prefix.to_owned())
    } else {
        Err(format!(
            "an ocid prefix is six lowercase letters or digits (as registered with the OCDS Helpdesk), not {prefix:?}"
        ))
    }
}

/// The release of one published version (see [`RevisionChange`]).
pub fn release(prefix: &str, change: &RevisionChange) -> Result<Json, OcdsError> {
    let revision = &change.revision;
    let fault = |reason: String| OcdsError::Mapping {
        procedure_id: revision.procedure_id.clone(),
        position: revision.position,
        reason,
    };
    let after = data_of(&revision.body).map_err(fault)?;
    let before = match change.previous.as_deref() {
        Some(body) => Some(data_of(body).map_err(fault)?),
        None => None,
    };
    let event = EventRef {
        position: revision.position,
        event_type: &revision.event_type,
        date: &revision.recorded_at,
    };
    ocds::release::release(prefix, before.as_ref(), &after, event).map_err(|e| fault(e.to_string()))
}

/// The `data` of a stored envelope.
fn data_of(body: &str) -> Result<Json, String> {
    let mut envelope: Json = serde_json::from_str(body).map_err(|e| e.to_string())?;
    match envelope.get_mut("data") {
        Some(data) => Ok(data.take()),
        None => Err("the stored document has no data".into()),
    }
}

/// The public id an ocid of `prefix` names (`ocds-<prefix>-<id>`).
pub fn public_id<'o>(prefix: &str, ocid: &'o str) -> Option<&'o str> {
    ocid.strip_prefix("ocds-")?
        .strip_prefix(prefix)?
        .strip_prefix('-')
        .filter(|id| !id.is_empty())
}

/// The releases of procedure `procedure_id`, one per published version,
/// in order (none while it is a draft).
pub async fn procedure_releases(
    read: &dyn ReadStore,
    prefix: &str,
    procedure_id: &str,
) -> Result<Vec<Json>, OcdsError> {
    let history = read.procedure_revisions(procedure_id).await?;
    RevisionChange::history(history)
        .iter()
        .map(|change| release(prefix, change))
        .collect()
}

/// The record of `ocid` (its releases, compiled and versioned release), if
/// it names a procedure of `kinds` with a published version.
pub async fn record(
    read: &dyn ReadStore,
    prefix: &str,
    kinds: &[&str],
    ocid: &str,
) -> Result<Option<Json>, OcdsError> {
    let Some(public_id) = public_id(prefix, ocid) else {
        return Ok(None);
    };
    let Some(procedure_id) = read.procedure_by_public_id(public_id).await? else {
        return Ok(None);
    };
    let Some(document) = read.document(&procedure_id).await? else {
        return Ok(None);
    };
    if !kinds.contains(&document.kind.as_str()) {
        return Ok(None);
    }
    let releases = procedure_releases(read, prefix, &procedure_id).await?;
    if releases.is_empty() {
        return Ok(None);
    }
    ocds::package::record(ocid, &releases)
        .map(Some)
        .map_err(|e| OcdsError::Mapping {
            procedure_id,
            position: document.position,
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ocid_names_its_public_id_under_the_prefix_only() {
        assert_eq!(
            public_id("abc123", "ocds-abc123-UA-2026-01-01-000001-a"),
            Some("UA-2026-01-01-000001-a")
        );
        assert_eq!(public_id("abc123", "ocds-zzz999-UA-1"), None);
        assert_eq!(public_id("abc123", "ocds-abc123-"), None);
        assert_eq!(public_id("abc123", "UA-1"), None);
    }

    #[test]
    fn a_prefix_is_six_lowercase_letters_or_digits() {
        assert!(validate_prefix("000cdb").is_ok());
        assert!(validate_prefix(ocds::release::DEFAULT_PREFIX).is_ok());
        for bad in ["", "abc", "ABC123", "abc-12", "abcdefg", "абвгде"] {
            assert!(validate_prefix(bad).is_err(), "{bad}");
        }
    }
}
