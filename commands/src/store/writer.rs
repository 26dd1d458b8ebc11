//! The single writer each store runs: appends queue on a channel, the writer
//! drains whatever is waiting into one batch, commits it in one transaction
//! (group commit) and answers every caller.

use tokio::sync::{mpsc, oneshot};

use super::{Append, AppendError, Appended, StoreError};

/// Most appends committed in one transaction.
pub const MAX_BATCH: usize = 512;

pub type Reply = oneshot::Sender<Result<Appended, AppendError>>;

pub struct WriteRequest {
    pub append: Append,
    pub reply: Reply,
}

/// Sends an append to the writer and waits for its answer.
pub async fn submit(
    queue: &mpsc::Sender<WriteRequest>,
    append: Append,
) -> Result<Appended, AppendError> {
    let (reply, answer) = oneshot::channel();
    queue
        .send(WriteRequest { append, reply })
        .await
        .map_err(|_| StoreError::Closed)?;
    answer.await.map_err(|_| StoreError::Closed)?
}

/// Moves everything already queued behind `first` into the batch.
pub fn drain(first: WriteRequest, queue: &mut mpsc::Receiver<WriteRequest>) -> Vec<WriteRequest> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(request) => batch.push(request),
            Err(_) => break,
        }
    }
    batch
}

/// Answers every caller of a batch and records metrics.
pub fn answer(
    batch: Vec<WriteRequest>,
    results: Vec<Result<Appended, AppendError>>,
    backend: &'static str,
) {
    metrics::histogram!("cdb_store_batch_appends", "backend" => backend).record(batch.len() as f64);
    for (request, result) in batch.into_iter().zip(results) {
        let outcome = match &result {
            Ok(appended) if appended.duplicate => "duplicate",
            Ok(_) => {
                metrics::counter!("cdb_store_events_appended_total", "backend" => backend)
                    .increment(request.append.events.len() as u64);
                "written"
            }
            Err(AppendError::Conflict { .. }) => "conflict",
            Err(AppendError::IdempotencyMismatch(_) | AppendError::Invalid(_)) => "invalid",
            Err(AppendError::Store(_)) => "error",
        };
        metrics::counter!("cdb_store_appends_total", "backend" => backend, "outcome" => outcome)
            .increment(1);
        // The caller may have gone away (request cancelled); the append stands.
        let _ = request.reply.send(result);
    }
}
