//! Runs the projection inside the server: catches up from the stored
//! position on start, then follows the log as it grows. Publishes the
//! position it has applied so writers can wait for their own changes to be
//! readable.

use std::sync::Arc;
use std::time::Duration;

use commands::store::{EventStore, RecordedEvent, StoreError};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use crate::documents_cache::{Document, DocumentsCache};
use crate::project::{ProjectError, Projection};
use crate::read_store::{ReadStore, ReadStoreError};
use crate::view::Kinds;

/// Events per projection transaction.
pub const BATCH: usize = 500;

/// How long to wait for a commit notification before looking anyway
/// (commits by other processes may not notify this one).
const POLL: Duration = Duration::from_millis(250);

pub struct Projector {
    events: Arc<dyn EventStore>,
    read: Arc<dyn ReadStore>,
    projection: Mutex<Projection>,
    applied: watch::Sender<u64>,
    /// Events per transaction ([`BATCH`] unless set with [`Projector::with_batch`]).
    batch: usize,
    /// The documents read models hold, as this projector last wrote them.
    documents: DocumentsCache,
    /// The page after the one being applied, being read meanwhile (when
    /// the last page was full, i.e. the projector is behind): reading and
    /// decoding the log then runs alongside folding and writing.
    ahead: Mutex<Option<ReadAhead>>,
}

/// A batch being written: up to position `to`, with these documents.
struct Writing {
    to: u64,
    documents: Vec<crate::model::DocumentRow>,
    task: JoinHandle<Result<(), ReadStoreError>>,
}

/// A page of the log being read: the events after position `after`.
struct ReadAhead {
    after: u64,
    page: JoinHandle<Result<Vec<RecordedEvent>, StoreError>>,
}

impl Projector {
    pub async fn new(
        events: Arc<dyn EventStore>,
        read: Arc<dyn ReadStore>,
        kinds: Kinds,
    ) -> Result<Self, ReadStoreError> {
        Self::with_projection(events, read, Projection::new(kinds)).await
    }

    /// A projector folding with `projection` (e.g. [`Projection::batch_only`]).
    pub async fn with_projection(
        events: Arc<dyn EventStore>,
        read: Arc<dyn ReadStore>,
        projection: Projection,
    ) -> Result<Self, ReadStoreError> {
        let position = applied_position(read.as_ref()).await?;
        Ok(Projector {
            events,
            read,
            projection: Mutex::new(projection),
            applied: watch::channel(position).0,
            batch: BATCH,
            documents: DocumentsCache::default(),
            ahead: Mutex::new(None),
        })
    }

    /// The same projector applying `events` events per transaction (at
    /// least 1): smaller batches hold less in memory at once.
    pub fn with_batch(mut self, events: usize) -> Self {
        self.batch = events.max(1);
        self
    }

    pub fn read_store(&self) -> &Arc<dyn ReadStore> {
        &self.read
    }

    pub fn event_store(&self) -> &Arc<dyn EventStore> {
        &self.events
    }

    /// The log position every read model has applied.
    pub fn applied(&self) -> watch::Receiver<u64> {
        self.applied.subscribe()
    }

    /// Waits until the read models include `position`; false on timeout.
    pub async fn wait_for(&self, position: u64, timeout: Duration) -> bool {
        if *self.applied.borrow() >= position {
            return true;
        }
        let mut applied = self.applied.subscribe();
        tokio::time::timeout(timeout, applied.wait_for(|p| *p >= position))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The public document of procedure `id` as the documents read model
    /// holds it (from the cache when this projector wrote or read it last).
    pub async fn document(&self, id: &str) -> Result<Option<Arc<Document>>, ReadStoreError> {
        if let Some(document) = self.documents.get(id) {
            return Ok(Some(document));
        }
        let Some(row) = self.read.document(id).await? else {
            return Ok(None);
        };
        let document = Arc::new(Document::from(&row));
        self.documents.put(id, Arc::clone(&document));
        Ok(Some(document))
    }

    /// Applies one batch; returns how many events it covered (0: caught up).
    pub async fn step(&self) -> Result<usize, ProjectError> {
        let mut projection = self.projection.lock().await;
        let from = applied_position(self.read.as_ref()).await?;
        if from != *self.applied.borrow() {
            // The read models moved without this projector (another
            // process, a rebuild): what it cached may be behind them.
            self.documents.clear();
        }
        self.publish(from);
        let page = self.read_page(from).await?;
        if page.is_empty() {
            return Ok(0);
        }
        let batch = match projection
            .batch(self.events.as_ref(), self.read.as_ref(), from, &page)
            .await
        {
            Ok(batch) => batch,
            Err(error) => {
                projection.reset();
                return Err(error);
            }
        };
        let to = batch.to;
        let written = batch.documents.clone();
        match self.read.apply(batch).await {
            Ok(()) => {
                self.documents.written(&written);
                self.publish(to);
                Ok(page.len())
            }
            Err(ReadStoreError::Moved { .. }) => {
                // Another projector (or a rebuild) got there first: start
                // again from what is stored.
                projection.reset();
                self.documents.clear();
                Ok(page.len())
            }
            Err(error) => {
                projection.reset();
                Err(error.into())
            }
        }
    }

    /// The events after `from`: the page read ahead if it is that one,
    /// otherwise read now. When the page is full, the next one is read
    /// ahead.
    async fn read_page(&self, from: u64) -> Result<Vec<RecordedEvent>, StoreError> {
        let mut ahead = self.ahead.lock().await;
        let page = match ahead.take() {
            Some(read) if read.after == from => read
                .page
                .await
                .map_err(|e| StoreError::Unavailable(format!("reading the log failed: {e}")))??,
            // Read for another position (another projector moved the read
            // models on): dropped unread.
            _ => self.events.read_all(from, self.batch).await?,
        };
        if let Some(last) = page.last()
            && page.len() >= self.batch
        {
            let events = Arc::clone(&self.events);
            let (after, limit) = (last.position, self.batch);
            *ahead = Some(ReadAhead {
                after,
                page: tokio::spawn(async move { events.read_all(after, limit).await }),
            });
        }
        Ok(page)
    }

    /// Applies batches until the read models reach the log's head. Each
    /// batch is written while the next one is folded (folding and writing
    /// each take a core); the batches and so the rows are the same as
    /// [`Projector::step`]'s, only their writes overlap the next fold.
    pub async fn catch_up(&self) -> Result<u64, ProjectError> {
        let mut projection = self.projection.lock().await;
        let mut from = self.stored_position().await?;
        let mut writing: Option<Writing> = None;
        loop {
            let page = match self.read_page(from).await {
                Ok(page) => page,
                Err(error) => {
                    self.settle(writing.take()).await;
                    projection.reset();
                    return Err(error.into());
                }
            };
            if page.is_empty() {
                break;
            }
            // A fold that reads rows from the read store must see the
            // batch before it written.
            if !projection.folds_from_memory(&page)
                && let Some(pending) = writing.take()
                && !self
                    .finish(pending)
                    .await
                    .inspect_err(|_| projection.reset())?
            {
                projection.reset();
                from = self.stored_position().await?;
                continue;
            }
            let batch = match projection
                .batch(self.events.as_ref(), self.read.as_ref(), from, &page)
                .await
            {
                Ok(batch) => batch,
                Err(error) => {
                    self.settle(writing.take()).await;
                    projection.reset();
                    return Err(error);
                }
            };
            if let Some(pending) = writing.take()
                && !self
                    .finish(pending)
                    .await
                    .inspect_err(|_| projection.reset())?
            {
                projection.reset();
                // The batch just folded followed rows that were not
                // written: dropped, and folded again from what is stored.
                from = self.stored_position().await?;
                continue;
            }
            from = batch.to;
            let read = Arc::clone(&self.read);
            writing = Some(Writing {
                to: batch.to,
                documents: batch.documents.clone(),
                task: tokio::spawn(async move { read.apply(batch).await }),
            });
        }
        if let Some(pending) = writing.take() {
            // Moved: another projector wrote the rest; nothing folded is kept.
            if !self
                .finish(pending)
                .await
                .inspect_err(|_| projection.reset())?
            {
                projection.reset();
            }
        }
        Ok(*self.applied.borrow())
    }

    /// The position the read models hold, published; what this projector
    /// cached is dropped if they moved without it.
    async fn stored_position(&self) -> Result<u64, ProjectError> {
        let from = applied_position(self.read.as_ref()).await?;
        if from != *self.applied.borrow() {
            self.documents.clear();
        }
        self.publish(from);
        Ok(from)
    }

    /// Waits for a batch's write. True when it was written; false when
    /// another projector (or a rebuild) moved the read models first, in
    /// which case the caller must forget everything folded.
    async fn finish(&self, writing: Writing) -> Result<bool, ReadStoreError> {
        let written = writing.task.await.map_err(|e| {
            ReadStoreError::Unavailable(format!("writing the read models failed: {e}"))
        });
        match written {
            Ok(Ok(())) => {
                self.documents.written(&writing.documents);
                self.publish(writing.to);
                Ok(true)
            }
            Ok(Err(ReadStoreError::Moved { .. })) => {
                self.documents.clear();
                Ok(false)
            }
            Ok(Err(error)) | Err(error) => Err(error),
        }
    }

    /// Lets a pending write end before an error is returned, so the
    /// published position is what is stored.
    async fn settle(&self, writing: Option<Writing>) {
        let Some(writing) = writing else { return };
        if let Err(error) = self.finish(writing).await {
            tracing::error!(%error, "writing a projection batch failed");
        }
    }

    /// Follows the log until `shutdown` resolves. Errors are logged and
    /// retried with a growing pause; `/health` shows the lag meanwhile.
    pub async fn run(self: Arc<Self>, shutdown: impl std::future::Future<Output = ()>) {
        let mut commits = self.events.subscribe();
        let mut backoff = Duration::from_millis(100);
        tokio::pin!(shutdown);
        loop {
            match self.step().await {
                Ok(0) => {
                    backoff = Duration::from_millis(100);
                    tokio::select! {
                        _ = &mut shutdown => return,
                        _ = commits.changed() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                }
                Ok(_) => backoff = Duration::from_millis(100),
                Err(error) => {
                    tracing::error!(%error, "projection failed; retrying");
                    tokio::select! {
                        _ = &mut shutdown => return,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
    }

    fn publish(&self, position: u64) {
        self.applied.send_if_modified(|applied| {
            let moved = position != *applied;
            *applied = position;
            moved
        });
    }
}

/// The smallest position of the read models (they move together).
pub async fn applied_position(read: &dyn ReadStore) -> Result<u64, ReadStoreError> {
    Ok(read
        .positions()
        .await?
        .iter()
        .map(|(_, p)| *p)
        .min()
        .unwrap_or(0))
}
