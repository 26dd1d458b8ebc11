//! The most recently used procedures' folded states, kept by the command
//! handler so a command folds only the events appended since it last saw
//! the procedure, not its whole history. A state is a pure function of the
//! events up to its version, and versions only grow, so a cached state
//! plus the newer events is the state a full fold would give; an append
//! still carries the version it decided on, so a stale entry can never
//! make a write land on a state it did not see.

use std::any::{Any, TypeId};
use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

/// Procedures kept folded.
pub const CAPACITY: usize = 2048;

/// One procedure's state under one decider type (a procedure may be folded
/// by more than one: the engine of its live auction and its rules).
type Key = (TypeId, String);

struct Entry {
    version: u64,
    state: Box<dyn Any + Send + Sync>,
}

pub struct States {
    entries: Mutex<LruCache<Key, Entry>>,
}

impl Default for States {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl States {
    pub fn with_capacity(capacity: usize) -> Self {
        States {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// A copy of the state of procedure `id` as decider `D` folded it, with
    /// its version.
    pub fn get<D: 'static, S: Clone + 'static>(&self, id: &str) -> Option<(u64, S)> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&(TypeId::of::<D>(), id.to_owned()))?;
        let state = entry.state.downcast_ref::<S>()?;
        Some((entry.version, state.clone()))
    }

    /// Keeps `state` at `version`, unless a newer one is kept already.
    pub fn put<D: 'static, S: Send + Sync + 'static>(&self, id: &str, version: u64, state: S) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let key = (TypeId::of::<D>(), id.to_owned());
        if entries
            .peek(&key)
            .is_some_and(|kept| kept.version > version)
        {
            return;
        }
        entries.put(
            key,
            Entry {
                version,
                state: Box::new(state),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct One;
    struct Other;

    #[test]
    fn states_are_kept_per_decider_and_never_go_back() {
        let states = States::with_capacity(2);
        states.put::<One, _>("p", 3, String::from("three"));
        assert_eq!(states.get::<One, String>("p"), Some((3, "three".into())));
        assert_eq!(states.get::<Other, String>("p"), None);
        states.put::<One, _>("p", 2, String::from("two"));
        assert_eq!(states.get::<One, String>("p"), Some((3, "three".into())));
        states.put::<One, _>("p", 4, String::from("four"));
        assert_eq!(states.get::<One, String>("p"), Some((4, "four".into())));
        // The least recently used goes first.
        states.put::<One, _>("q", 1, String::from("q"));
        states.put::<One, _>("r", 1, String::from("r"));
        assert_eq!(states.get::<One, String>("p"), None);
        assert_eq!(states.get::<One, String>("r"), Some((1, "r".into())));
    }
}
