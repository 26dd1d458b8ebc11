//! The history read model: every version of each procedure's public
//! document, with the event that made it and that event's time. The
//! documents read model keeps only the latest version; OCDS releases (one
//! per event that changes the public document) are made from two
//! consecutive versions, so they need the earlier ones too.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::model::{DocumentRow, is_draft};

/// The name under which the history is digested.
pub const REVISIONS: &str = "revisions";

/// One version of a procedure's public document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub procedure_id: String,
    pub kind: String,
    /// The document's revision (1 when created).
    pub revision: u64,
    /// The position of the event that made this version: unique, since an
    /// event belongs to one procedure and changes its document once.
    pub position: u64,
    /// That event's type (`TenderCreated`, `AwardActivated`, …): public, as
    /// in the public event log.
    pub event_type: String,
    /// That event's time, Kyiv local time (RFC 3339), as the API shows times.
    pub recorded_at: String,
    /// Whether this version was public in the feeds (its status is not a
    /// draft, see [`is_draft`]).
    pub published: bool,
    /// The compact JSON envelope, as the document was served.
    pub body: String,
}

impl RevisionRow {
    /// The history row of `document` (rendered as `envelope`), made by an
    /// event of type `event_type` recorded at `recorded_at`.
    pub fn of(
        document: &DocumentRow,
        envelope: &Json,
        event_type: &str,
        recorded_at: DateTime<Utc>,
    ) -> Self {
        let status = envelope
            .get("data")
            .and_then(|data| data.get("status"))
            .and_then(Json::as_str)
            .unwrap_or_default();
        RevisionRow {
            procedure_id: document.procedure_id.clone(),
            kind: document.kind.clone(),
            revision: document.revision,
            position: document.position,
            event_type: event_type.to_owned(),
            recorded_at: domain::time::format_kyiv(recorded_at),
            published: !is_draft(status),
            body: document.body.clone(),
        }
    }
}

/// A published version with the version just before it, when that one was
/// published too: what one OCDS release is made from (no earlier version:
/// the release that first publishes the procedure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionChange {
    pub revision: RevisionRow,
    /// The earlier version's body.
    pub previous: Option<String>,
}

impl RevisionChange {
    /// The changes of one procedure's history (`rows` in revision order):
    /// one per published version.
    pub fn history(rows: Vec<RevisionRow>) -> Vec<RevisionChange> {
        let mut changes = Vec::new();
        let mut previous: Option<RevisionRow> = None;
        for row in rows {
            if row.published {
                changes.push(RevisionChange {
                    previous: previous
                        .as_ref()
                        .filter(|earlier| earlier.published && earlier.revision + 1 == row.revision)
                        .map(|earlier| earlier.body.clone()),
                    revision: row.clone(),
                });
            }
            previous = Some(row);
        }
        changes
    }
}

/// Which part of the history to read, in log order: published versions
/// only, of procedures of `kinds`.
#[derive(Debug, Clone)]
pub struct RevisionQuery {
    pub kinds: Vec<String>,
    /// Ascending: versions after this position; descending: before it.
    pub offset: Option<u64>,
    pub limit: usize,
    pub descending: bool,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn row(revision: u64, status: &str) -> RevisionRow {
        let envelope = json!({"data": {"id": "p1", "status": status, "n": revision}});
        let document = DocumentRow {
            procedure_id: "p1".into(),
            kind: "priceQuotation".into(),
            revision,
            position: revision * 10,
            body: envelope.to_string(),
        };
        let at = Utc
            .with_ymd_and_hms(2026, 7, 1, 9, 0, 0)
            .single()
            .expect("a time");
        RevisionRow::of(&document, &envelope, "Changed", at)
    }

    #[test]
    fn a_version_is_published_unless_it_is_a_draft_and_shows_kyiv_time() {
        let draft = row(1, "draft.publishing");
        assert!(!draft.published);
        assert!(row(2, "active.tendering").published);
        assert_eq!(draft.recorded_at, "2026-07-01T12:00:00+03:00");
        assert_eq!((draft.revision, draft.position), (1, 10));
    }

    #[test]
    fn the_history_pairs_each_published_version_with_the_published_one_before() {
        let changes = RevisionChange::history(vec![
            row(1, "draft"),
            row(2, "active.tendering"),
            row(3, "active.qualification"),
        ]);
        assert_eq!(changes.len(), 2, "the draft makes no release");
        assert_eq!(changes[0].revision.revision, 2);
        assert_eq!(changes[0].previous, None, "a draft is no earlier release");
        assert_eq!(
            changes[1].previous.as_deref(),
            Some(changes[0].revision.body.as_str())
        );
    }
}
