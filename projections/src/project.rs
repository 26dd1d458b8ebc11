//! Turns a page of the global log into one [`ChangeBatch`]. Every event is
//! folded into its procedure and the public document is rendered after each
//! one; a document's revision and feed position move only when its bytes
//! change. That makes the read models a function of the log alone, whatever
//! the batch boundaries, so a rebuild gives byte-identical rows.

use std::collections::{BTreeMap, HashMap};

use commands::store::{EventStore, RecordedEvent, StoreError};

use crate::model::{ChangeBatch, DocumentRow, FeedRow};
use crate::read_store::{ReadStore, ReadStoreError};
use crate::view::{ProcedureView, ViewError, new_view};

/// Procedures kept folded in memory between batches; beyond this the cache
/// is dropped and procedures are folded again from the log when next touched.
const CACHE_LIMIT: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    ReadStore(#[from] ReadStoreError),
    #[error("event at position {position}: {source}")]
    View {
        position: u64,
        #[source]
        source: ViewError,
    },
}

struct Folded {
    view: Box<dyn ProcedureView>,
    /// The procedure version folded so far.
    version: u64,
    /// The current document row, if the document exists.
    document: Option<DocumentRow>,
}

enum Entry {
    Folded(Box<Folded>),
    /// A procedure of a kind this build does not publish (e.g. store smoke tests).
    Unpublished,
}

#[derive(Default)]
pub struct Projection {
    cache: HashMap<String, Entry>,
}

impl Projection {
    /// Forgets everything folded (after a failed or refused batch).
    pub fn reset(&mut self) {
        self.cache.clear();
    }

    /// The batch that applies `page` (events after `from`, in order).
    pub async fn batch(
        &mut self,
        events: &dyn EventStore,
        read: &dyn ReadStore,
        from: u64,
        page: &[RecordedEvent],
    ) -> Result<ChangeBatch, ProjectError> {
        if self.cache.len() > CACHE_LIMIT {
            self.cache.clear();
        }
        let mut changed: BTreeMap<String, (DocumentRow, FeedRow)> = BTreeMap::new();
        let mut to = from;
        for event in page {
            to = event.position;
            let fresh = matches!(
                self.cache.get(&event.procedure_id),
                Some(Entry::Folded(folded)) if folded.version + 1 == event.procedure_version
            ) || matches!(
                self.cache.get(&event.procedure_id),
                Some(Entry::Unpublished)
            );
            if !fresh {
                let entry = load(events, read, event).await?;
                self.cache.insert(event.procedure_id.clone(), entry);
            }
            let Some(Entry::Folded(folded)) = self.cache.get_mut(&event.procedure_id) else {
                continue;
            };
            let position = event.position;
            folded
                .view
                .apply(event)
                .map_err(|source| ProjectError::View {
                    position,
                    source: source.into(),
                })?;
            folded.version = event.procedure_version;
            let Some(envelope) = folded.view.envelope() else {
                continue;
            };
            let body = envelope.to_string();
            if folded.document.as_ref().is_some_and(|d| d.body == body) {
                continue;
            }
            let kind = match &folded.document {
                Some(document) => document.kind.clone(),
                None => kind_of(events, &event.procedure_id).await?,
            };
            let document = DocumentRow {
                procedure_id: event.procedure_id.clone(),
                kind,
                revision: folded.document.as_ref().map_or(0, |d| d.revision) + 1,
                position,
                body,
            };
            let feed = FeedRow::from_document(&document, &envelope, folded.view.bids_disclosed());
            folded.document = Some(document.clone());
            changed.insert(event.procedure_id.clone(), (document, feed));
        }
        let (documents, feed) = changed.into_values().unzip();
        Ok(ChangeBatch {
            from,
            to,
            documents,
            feed,
        })
    }
}

async fn kind_of(events: &dyn EventStore, procedure_id: &str) -> Result<String, StoreError> {
    events
        .procedure_kind(procedure_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("procedure {procedure_id} has no kind")))
}

/// Folds the procedure up to just before `event` from the log, and takes
/// its current document from the read store.
async fn load(
    events: &dyn EventStore,
    read: &dyn ReadStore,
    event: &RecordedEvent,
) -> Result<Entry, ProjectError> {
    let kind = kind_of(events, &event.procedure_id).await?;
    let Ok(mut view) = new_view(&kind) else {
        tracing::debug!(procedure = %event.procedure_id, %kind, "not a published procedure type");
        return Ok(Entry::Unpublished);
    };
    let mut version = 0;
    if event.procedure_version > 1 {
        let history = events.read_procedure(&event.procedure_id).await?;
        for earlier in history
            .iter()
            .take_while(|e| e.procedure_version < event.procedure_version)
        {
            view.apply(earlier).map_err(|source| ProjectError::View {
                position: earlier.position,
                source: source.into(),
            })?;
            version = earlier.procedure_version;
        }
    }
    let document = read.document(&event.procedure_id).await?;
    Ok(Entry::Folded(Box::new(Folded {
        view,
        version,
        document,
    })))
}
