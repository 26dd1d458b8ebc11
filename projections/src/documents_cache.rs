//! The public documents most recently read, as the bytes a `GET` answers
//! with, kept by the projector: it writes each batch's changes to kept
//! documents through to the cache as it applies them, so a read of a hot
//! procedure costs no query and every backend answers at the same cost.
//!
//! The cache is only as current as this process's projector. When the read
//! store moves without it (another process projected, or a rebuild was
//! installed) the projector sees a position it did not apply and clears the
//! cache (see `Projector::step`), so a cached document is never older than
//! one projector poll.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use lru::LruCache;

use crate::model::DocumentRow;

/// Documents kept.
pub const CAPACITY: usize = 4096;

/// A public document as the read model holds it.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Arc<str>,
    pub revision: u64,
    pub body: Bytes,
}

impl From<&DocumentRow> for Document {
    fn from(row: &DocumentRow) -> Self {
        Document {
            kind: Arc::from(row.kind.as_str()),
            revision: row.revision,
            body: Bytes::from(row.body.clone()),
        }
    }
}

pub struct DocumentsCache {
    entries: Mutex<LruCache<String, Arc<Document>>>,
}

impl Default for DocumentsCache {
    fn default() -> Self {
        DocumentsCache {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl DocumentsCache {
    pub fn get(&self, id: &str) -> Option<Arc<Document>> {
        self.lock().get(id).cloned()
    }

    /// Keeps `document` unless a later revision is kept already.
    pub fn put(&self, id: &str, document: Arc<Document>) {
        let mut entries = self.lock();
        if entries
            .peek(id)
            .is_some_and(|kept| kept.revision > document.revision)
        {
            return;
        }
        entries.put(id.to_owned(), document);
    }

    /// Replaces the kept documents a batch changed. Documents not kept are
    /// left out: only reads fill the cache, so a projector that only writes
    /// (a catch-up, a rebuild) holds nothing.
    pub fn written(&self, rows: &[DocumentRow]) {
        let mut entries = self.lock();
        for row in rows {
            if let Some(kept) = entries.get_mut(&row.procedure_id) {
                *kept = Arc::new(Document::from(row));
            }
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<Document>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}
