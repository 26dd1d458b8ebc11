//! Id generators behind the domain's [`IdSource`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use domain::{Id, IdSource};

/// Monotonic ULIDs from the system clock and a random source.
#[derive(Default)]
pub struct UlidIds(Mutex<ulid::Generator>);

impl IdSource for UlidIds {
    fn next_id(&self) -> Id {
        let mut generator = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // `generate` only fails when 2^80 ids were made in one millisecond;
        // a fresh ULID is then just as unique.
        Id::from_ulid(generator.generate().unwrap_or_else(|_| ulid::Ulid::new()))
    }
}

/// Predictable ids for tests: 1, 2, 3… under a fixed prefix.
#[derive(Debug)]
pub struct SequentialIds {
    prefix: u128,
    next: AtomicU64,
}

impl SequentialIds {
    pub fn new(prefix: u64) -> Self {
        SequentialIds {
            prefix: (prefix as u128) << 64,
            next: AtomicU64::new(1),
        }
    }
}

impl Default for SequentialIds {
    fn default() -> Self {
        SequentialIds::new(0)
    }
}

impl IdSource for SequentialIds {
    fn next_id(&self) -> Id {
        Id::from_u128(self.prefix | self.next.fetch_add(1, Ordering::Relaxed) as u128)
    }
}
