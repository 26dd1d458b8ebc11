//! The shape every procedure type has: `decide` turns (state, command) into
//! events or a domain error, `evolve` folds one event into the state, and
//! `State::default()` is the state before the first event.

use crate::{Context, DomainEvent};

pub trait Decider: 'static {
    /// Cloned and shared between threads: the command handler keeps the
    /// states it folded.
    type State: Default + Clone + Send + Sync + 'static;
    type Command;
    type Event: DomainEvent;
    type Error: std::error::Error + Send + Sync + 'static;

    /// The procedure type as stored with the procedure (e.g. `priceQuotation`).
    const KIND: &'static str;

    fn decide(
        state: &Self::State,
        command: &Self::Command,
        context: &Context<'_>,
    ) -> Result<Vec<Self::Event>, Self::Error>;

    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Folds a procedure's history into its current state.
    fn fold<'e>(events: impl IntoIterator<Item = &'e Self::Event>) -> Self::State
    where
        Self::Event: 'e,
    {
        events
            .into_iter()
            .fold(Self::State::default(), |state, event| {
                Self::evolve(state, event)
            })
    }
}

/// A procedure type with automatic transitions (period ends and the like).
/// The scheduler asks each procedure when it is next due and, once that time
/// has come, issues [`Scheduled::due_command`]. Deciding that command must be
/// idempotent: when nothing is due any more it returns no events, so issuing
/// it twice, or from two servers at once, appends once.
pub trait Scheduled: Decider {
    /// When the next automatic transition is due; `None` when none is pending.
    fn next_check(state: &Self::State) -> Option<chrono::DateTime<chrono::Utc>>;

    /// The command the scheduler issues when `next_check` has come.
    fn due_command() -> Self::Command;
}
