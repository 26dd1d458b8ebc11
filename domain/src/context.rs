//! What a decision may know about the world besides state and command: the
//! time it is taken at and a source of fresh ids. Both are injected so that a
//! test can freeze time and predict ids.

use chrono::{DateTime, Utc};

use crate::Id;

/// A source of fresh, unique ids. Implementations live outside the domain
/// (a ULID generator in production, a counter in tests).
pub trait IdSource: Send + Sync {
    fn next_id(&self) -> Id;
}

pub struct Context<'a> {
    /// The moment the decision is taken; every timestamp a decider writes
    /// into an event comes from here.
    pub now: DateTime<Utc>,
    ids: &'a dyn IdSource,
}

impl<'a> Context<'a> {
    pub fn new(now: DateTime<Utc>, ids: &'a dyn IdSource) -> Self {
        Context { now, ids }
    }

    pub fn next_id(&self) -> Id {
        self.ids.next_id()
    }
}
