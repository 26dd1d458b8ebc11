//! Which procedures the log's new commits touched, for the live channels:
//! one follower per server reads each new commit once and tells every
//! stream whose procedure it touched, so a stream reloads its procedure
//! only when that procedure changed, not on every commit anywhere (with
//! hundreds of auctions running, the difference is the server's capacity).
//!
//! The follower starts with the first stream and ends with the store. A
//! stream that falls behind the channel (it lagged) is told "maybe", and
//! reloads.

use std::sync::{Arc, OnceLock, Weak};

use commands::store::EventStore;
use tokio::sync::broadcast;

/// Commits not yet read by a slow stream before it is told it lagged.
const CAPACITY: usize = 4096;
/// Events read from the log at once.
const PAGE: usize = 1000;

#[derive(Default)]
pub struct ProcedureChanges {
    sender: OnceLock<broadcast::Sender<Arc<str>>>,
}

impl ProcedureChanges {
    /// The ids of procedures touched from now on; starts the follower on
    /// first use.
    pub fn subscribe(&self, store: &Arc<dyn EventStore>) -> broadcast::Receiver<Arc<str>> {
        self.sender
            .get_or_init(|| {
                let (sender, _) = broadcast::channel(CAPACITY);
                tokio::spawn(follow(Arc::downgrade(store), sender.clone()));
                sender
            })
            .subscribe()
    }
}

async fn follow(store: Weak<dyn EventStore>, sender: broadcast::Sender<Arc<str>>) {
    let Some(live) = store.upgrade() else { return };
    let mut commits = live.subscribe();
    commits.borrow_and_update();
    // From the head: what was committed before any stream began is in the
    // view each stream renders first.
    let mut position = loop {
        match live.head().await {
            Ok(head) => break head,
            Err(error) => {
                tracing::warn!(%error, "live auction channels: cannot read the log's head; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    };
    drop(live);
    loop {
        // Holding only the receiver while waiting lets the store go.
        if commits.changed().await.is_err() {
            return;
        }
        let Some(store) = store.upgrade() else { return };
        loop {
            let page = match store.read_all(position, PAGE).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::warn!(%error, "live auction channels: cannot read the log");
                    break;
                }
            };
            let Some(last) = page.last() else { break };
            position = last.position;
            let mut touched: Vec<&str> = page.iter().map(|e| e.procedure_id.as_str()).collect();
            touched.dedup();
            for id in touched {
                // No stream listening is not an error.
                let _ = sender.send(Arc::from(id));
            }
            if page.len() < PAGE {
                break;
            }
        }
    }
}
