//! Human-readable numbers (the daily `tenderID` counter) handed out from
//! blocks reserved in the store, so a new procedure does not wait for a
//! durable transaction of its own: one reservation serves [`BLOCK`]
//! numbers. Numbers stay unique across processes (each block is the
//! store's); a process that stops leaves the rest of its block unused, so
//! numbers may have gaps, as the store's sequences already allow.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::store::{EventStore, StoreError};

/// Numbers reserved at a time.
pub const BLOCK: u64 = 64;

/// The numbers of one sequence still reserved and unused: `next..end`.
#[derive(Debug, Clone, Copy)]
struct Block {
    next: u64,
    end: u64,
}

pub struct Numbers {
    store: Arc<dyn EventStore>,
    block: u64,
    /// Held across a reservation, so two callers never reserve a block
    /// each for the same empty sequence.
    blocks: Mutex<HashMap<String, Block>>,
}

impl Numbers {
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self::with_block(store, BLOCK)
    }

    /// Reserving `block` numbers at a time (at least 1).
    pub fn with_block(store: Arc<dyn EventStore>, block: u64) -> Self {
        Numbers {
            store,
            block: block.max(1),
            blocks: Mutex::new(HashMap::new()),
        }
    }

    /// The next number of sequence `name`.
    pub async fn next(&self, name: &str) -> Result<u64, StoreError> {
        let mut blocks = self.blocks.lock().await;
        if let Some(block) = blocks.get_mut(name)
            && block.next < block.end
        {
            block.next += 1;
            return Ok(block.next - 1);
        }
        let first = self.store.reserve_in_sequence(name, self.block).await?;
        // A sequence's name holds its day: yesterday's blocks are done with.
        blocks.retain(|_, block| block.next < block.end);
        blocks.insert(
            name.to_owned(),
            Block {
                next: first + 1,
                end: first + self.block,
            },
        );
        Ok(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn blocks_run_on_and_two_processes_never_share_a_number() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store: Arc<dyn EventStore> =
            Arc::new(SqliteStore::open(&dir.path().join("events.sqlite3")).expect("store"));
        let one = Numbers::with_block(Arc::clone(&store), 3);
        let two = Numbers::with_block(Arc::clone(&store), 3);
        let mut taken = Vec::new();
        for _ in 0..4 {
            taken.push(one.next("tenderID:2026-12-03").await.expect("number"));
        }
        // The first block is 1..=3; the fourth number opens 4..=6.
        assert_eq!(taken, [1, 2, 3, 4]);
        // Another process reserves after both of the first one's blocks.
        assert_eq!(two.next("tenderID:2026-12-03").await.expect("number"), 7);
        assert_eq!(one.next("tenderID:2026-12-03").await.expect("number"), 5);
        // Each sequence has its own blocks.
        assert_eq!(one.next("tenderID:2026-12-04").await.expect("number"), 1);
        // What the store hands out directly comes after every block.
        assert_eq!(
            store
                .next_in_sequence("tenderID:2026-12-03")
                .await
                .expect("number"),
            10
        );
    }

    #[tokio::test]
    async fn concurrent_callers_get_distinct_numbers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store: Arc<dyn EventStore> =
            Arc::new(SqliteStore::open(&dir.path().join("events.sqlite3")).expect("store"));
        let numbers = Arc::new(Numbers::with_block(store, 5));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let numbers = Arc::clone(&numbers);
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                for _ in 0..10 {
                    mine.push(numbers.next("s").await.expect("number"));
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("task"));
        }
        all.sort_unstable();
        assert_eq!(all, (1..=80).collect::<Vec<u64>>());
    }
}
