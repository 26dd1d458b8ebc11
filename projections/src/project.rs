//! Turns a page of the global log into one [`ChangeBatch`]. Every event is
//! folded into its procedure and the public document is rendered after each
//! one; a document's revision and feed position move only when its bytes
//! change, and so do each of its contracts'. That makes the read models a
//! function of the log alone, whatever the batch boundaries, so a rebuild
//! gives byte-identical rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use commands::store::{EventStore, RecordedEvent, StoreError};

use crate::model::{ChangeBatch, ContractRow, DocumentRow, FeedRow};
use crate::public_events::PublicEventRow;
use crate::read_store::{ReadStore, ReadStoreError};
use crate::revisions::RevisionRow;
use crate::view::{Kinds, ProcedureView, ViewError};

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
    kind: String,
    view: Box<dyn ProcedureView>,
    /// The procedure version folded so far.
    version: u64,
    /// The current document row, if the document exists.
    document: Option<DocumentRow>,
    /// The current rows of its contracts, by contract id.
    contracts: HashMap<String, ContractRow>,
    /// How its contracts name it (`tender_id`, `procedure_id`).
    procedure_field: &'static str,
}

impl Folded {
    /// Whether this procedure can take `event` next without reloading.
    fn follows(&self, event: &RecordedEvent) -> bool {
        self.version + 1 == event.procedure_version
    }
}

/// Folds the log into read-model changes. A procedure of a kind `kinds`
/// does not know stops the projection with an error naming the kind and
/// position: skipping it would quietly publish a log without it.
pub struct Projection {
    kinds: Kinds,
    cache: HashMap<String, Box<Folded>>,
    /// Keep only the procedures of the batch at hand (see [`Projection::batch_only`]).
    batch_only: bool,
}

impl Projection {
    /// A projection that keeps up to 20,000 procedures folded between
    /// batches (a server's: most batches touch procedures it has seen).
    pub fn new(kinds: Kinds) -> Self {
        Projection {
            kinds,
            cache: HashMap::new(),
            batch_only: false,
        }
    }

    /// A projection whose memory does not grow with the log (a rebuild's):
    /// before each batch it forgets every procedure the batch does not
    /// touch, so it holds at most one batch's procedures. A procedure seen
    /// again later is folded again from the log (its current rows from the
    /// read store), as after a [`Projection::reset`]: the rows are the same.
    pub fn batch_only(kinds: Kinds) -> Self {
        Projection {
            batch_only: true,
            ..Projection::new(kinds)
        }
    }

    /// Forgets everything folded (after a failed or refused batch).
    pub fn reset(&mut self) {
        self.cache.clear();
    }

    /// Whether [`Projection::batch`] can fold `page` from memory alone,
    /// without reading the read store: every procedure the page touches is
    /// folded and up to date, and no cache is about to be dropped. A caller
    /// that writes a batch while folding the next one must let the write
    /// finish first when this is false, or the fold would read stale rows.
    pub fn folds_from_memory(&self, page: &[RecordedEvent]) -> bool {
        if !self.batch_only && self.cache.len() > CACHE_LIMIT {
            return false;
        }
        let mut seen = HashSet::new();
        page.iter()
            .filter(|event| seen.insert(event.procedure_id.as_str()))
            .all(|event| {
                // A procedure's first event needs no earlier rows.
                event.procedure_version == 1
                    || self
                        .cache
                        .get(&event.procedure_id)
                        .is_some_and(|folded| folded.follows(event))
            })
    }

    /// The batch that applies `page` (events after `from`, in order).
    pub async fn batch(
        &mut self,
        events: &dyn EventStore,
        read: &dyn ReadStore,
        from: u64,
        page: &[RecordedEvent],
    ) -> Result<ChangeBatch, ProjectError> {
        if self.batch_only {
            let touched: HashSet<&str> = page.iter().map(|e| e.procedure_id.as_str()).collect();
            self.cache.retain(|id, _| touched.contains(id.as_str()));
        } else if self.cache.len() > CACHE_LIMIT {
            self.cache.clear();
        }
        self.load_missing(events, read, page).await?;
        let mut changed: BTreeMap<String, (DocumentRow, FeedRow)> = BTreeMap::new();
        // By (procedure, contract): a contract changed twice in one batch is
        // written once, as it ended.
        let mut contracts: BTreeMap<(String, String), ContractRow> = BTreeMap::new();
        let mut revisions = Vec::new();
        let mut public = Vec::with_capacity(page.len());
        let mut to = from;
        for event in page {
            to = event.position;
            let Some(folded) = self.cache.get_mut(&event.procedure_id) else {
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
            public.push(PublicEventRow::of(&self.kinds, event, &folded.kind));
            let Some(envelope) = folded.view.envelope() else {
                continue;
            };
            let body = envelope.to_string();
            if folded.document.as_ref().is_some_and(|d| d.body == body) {
                continue;
            }
            let document = DocumentRow {
                procedure_id: event.procedure_id.clone(),
                kind: folded.kind.clone(),
                revision: folded.document.as_ref().map_or(0, |d| d.revision) + 1,
                position,
                body,
            };
            let feed = FeedRow::from_document(&document, &envelope, folded.view.bids_disclosed());
            for contract in ContractRow::changes(
                &document,
                &envelope,
                folded.procedure_field,
                &folded.contracts,
            ) {
                folded
                    .contracts
                    .insert(contract.contract_id.clone(), contract.clone());
                contracts.insert(
                    (contract.procedure_id.clone(), contract.contract_id.clone()),
                    contract,
                );
            }
            revisions.push(RevisionRow::of(
                &document,
                &envelope,
                &event.event_type,
                event.recorded_at,
            ));
            folded.document = Some(document.clone());
            changed.insert(event.procedure_id.clone(), (document, feed));
        }
        let (documents, feed) = changed.into_values().unzip();
        Ok(ChangeBatch {
            from,
            to,
            documents,
            feed,
            contracts: contracts.into_values().collect(),
            revisions,
            events: public,
        })
    }

    /// Folds every procedure of the page that is not in the cache (or is
    /// behind it) up to just before its first event in the page, with a
    /// query for all their kinds, one for all their current documents and
    /// one for all their current contracts.
    async fn load_missing(
        &mut self,
        events: &dyn EventStore,
        read: &dyn ReadStore,
        page: &[RecordedEvent],
    ) -> Result<(), ProjectError> {
        let mut missing: Vec<&RecordedEvent> = Vec::new();
        let mut seen = HashSet::new();
        for event in page {
            if !seen.insert(event.procedure_id.as_str()) {
                continue;
            }
            if !self
                .cache
                .get(&event.procedure_id)
                .is_some_and(|folded| folded.follows(event))
            {
                missing.push(event);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = missing.iter().map(|e| e.procedure_id.clone()).collect();
        let kinds = events.procedure_kinds(&ids).await?;
        let existing: Vec<String> = missing
            .iter()
            .filter(|e| e.procedure_version > 1)
            .map(|e| e.procedure_id.clone())
            .collect();
        let (mut documents, stored_contracts) = if existing.is_empty() {
            (HashMap::new(), Vec::new())
        } else {
            (
                read.documents(&existing).await?,
                read.procedure_contracts(&existing).await?,
            )
        };
        let mut contracts: HashMap<String, HashMap<String, ContractRow>> = HashMap::new();
        for row in stored_contracts {
            contracts
                .entry(row.procedure_id.clone())
                .or_default()
                .insert(row.contract_id.clone(), row);
        }
        for first in missing {
            let id = &first.procedure_id;
            let kind = kinds
                .get(id)
                .ok_or_else(|| StoreError::Corrupt(format!("procedure {id} has no kind")))?;
            let mut view = self
                .kinds
                .new_view(kind)
                .map_err(|source| ProjectError::View {
                    position: first.position,
                    source: ViewError::from(source),
                })?;
            let mut version = 0;
            if first.procedure_version > 1 {
                let history = events.read_procedure(id).await?;
                for earlier in history
                    .iter()
                    .take_while(|e| e.procedure_version < first.procedure_version)
                {
                    view.apply(earlier).map_err(|source| ProjectError::View {
                        position: earlier.position,
                        source: source.into(),
                    })?;
                    version = earlier.procedure_version;
                }
            }
            let entry = Folded {
                kind: kind.clone(),
                view,
                version,
                document: documents.remove(id),
                contracts: contracts.remove(id).unwrap_or_default(),
                procedure_field: self.kinds.procedure_field(kind),
            };
            self.cache.insert(id.clone(), Box::new(entry));
        }
        Ok(())
    }
}
