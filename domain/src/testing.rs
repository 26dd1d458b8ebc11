//! Given / when / then specs of a decider: the history a rule is tried on is
//! a list of events, not the commands that once produced them, so a test
//! breaks only when the rule it is about changes. For any [`Decider`], in
//! this crate's tests and in tests of other crates:
//!
//! ```text
//! Spec::<PriceQuotation>::given([created()])
//!     .at(noon)
//!     .when(activate(None))
//!     .then_refused(RefusalKind::Conflict, "data");
//! ```
//!
//! Every event a spec is given and every event a decision returns is sent
//! once through the store's JSON form ([`DomainEvent::to_data`], then
//! [`DomainEvent::decode`]) and must come back equal: an event the store
//! cannot give back is a bug whatever the test is about.
//!
//! The harness is plain code without test-only dependencies, so that other
//! crates can use it from their own tests.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};

use crate::procurement::{Refusal, RefusalKind};
use crate::{Context, Decider, DomainEvent, Id, IdSource};

/// Ids 1, 2, 3, … in order, so that a spec knows the ids a decision hands
/// out and can write them into the events it expects.
#[derive(Debug)]
pub struct CountingIds(AtomicU64);

impl CountingIds {
    /// The first id handed out is `first`.
    pub fn starting_at(first: u64) -> Self {
        CountingIds(AtomicU64::new(first))
    }

    /// The number of the id handed out next.
    pub fn peek(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl IdSource for CountingIds {
    fn next_id(&self) -> Id {
        Id::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed)))
    }
}

/// The wire text of the id numbered `n` by [`CountingIds`].
pub fn id(n: u64) -> String {
    Id::from_u128(u128::from(n)).to_string()
}

/// A UTC moment, for specs that write times by hand.
///
/// # Panics
/// When the fields name no moment (a 31st of April, hour 24, …).
#[track_caller]
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .unwrap_or_else(|| panic!("{year}-{month}-{day} {hour}:{minute} is no UTC moment"))
}

/// A decider's error that is a refusal: lets [`Outcome::then_refused`]
/// check the class and the field of any decider's refusals.
pub trait Refused: std::error::Error {
    fn kind(&self) -> RefusalKind;
    /// The field or parameter at fault (`Refusal::name`).
    fn name(&self) -> &str;
}

impl Refused for Refusal {
    fn kind(&self) -> RefusalKind {
        self.kind
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// Sends `event` through the store's JSON form and back.
///
/// # Panics
/// When the stored form does not decode, or decodes to another event.
#[track_caller]
pub fn assert_round_trip<E: DomainEvent + PartialEq + Debug>(event: &E) {
    let data = event.to_data();
    let decoded = E::decode(event.event_type(), event.schema_version(), &data)
        .unwrap_or_else(|error| panic!("{} does not decode: {error}\n{data}", event.event_type()));
    assert_eq!(
        &decoded,
        event,
        "{} changes through the store: {data}",
        event.event_type()
    );
}

/// The stored names of `events`, in order: the short form of a decision
/// that failure messages show first.
pub fn event_types<E: DomainEvent>(events: &[E]) -> Vec<&'static str> {
    events.iter().map(DomainEvent::event_type).collect()
}

/// A history, the moment of the next decision and the ids it will get.
pub struct Spec<D: Decider> {
    history: Vec<D::Event>,
    state: D::State,
    now: DateTime<Utc>,
    next_id: u64,
}

impl<D: Decider> Spec<D>
where
    D::Event: Clone + PartialEq + Debug,
{
    /// The procedure as folded from `events` (none: before its creation).
    /// Decisions are taken at the Unix epoch until [`Spec::at`] says
    /// otherwise, and the first id they hand out is id 1.
    ///
    /// # Panics
    /// When an event does not survive the store's JSON round trip.
    #[track_caller]
    pub fn given(events: impl IntoIterator<Item = D::Event>) -> Self {
        let mut spec = Spec {
            history: Vec::new(),
            state: D::State::default(),
            now: DateTime::UNIX_EPOCH,
            next_id: 1,
        };
        spec.record(events);
        spec
    }

    /// More history: `events` happened after the given ones.
    #[track_caller]
    pub fn and(mut self, events: impl IntoIterator<Item = D::Event>) -> Self {
        self.record(events);
        self
    }

    /// Decisions are taken at `now`.
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// The next decision's first fresh id is id `first`.
    pub fn ids_from(mut self, first: u64) -> Self {
        self.next_id = first;
        self
    }

    /// [`Spec::at`] for a spec kept in a variable across steps.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The number of the next fresh id.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The state folded from the history.
    pub fn state(&self) -> &D::State {
        &self.state
    }

    pub fn history(&self) -> &[D::Event] {
        &self.history
    }

    /// [`Spec::and`] for a spec kept in a variable across steps.
    #[track_caller]
    pub fn record(&mut self, events: impl IntoIterator<Item = D::Event>) {
        for event in events {
            assert_round_trip(&event);
            self.state = D::evolve(std::mem::take(&mut self.state), &event);
            self.history.push(event);
        }
    }

    /// Decides `command` on the history; the spec itself is unchanged, so
    /// one history can be tried with several commands, each getting the
    /// same ids.
    pub fn when(&self, command: D::Command) -> Outcome<'_, D> {
        let ids = CountingIds::starting_at(self.next_id);
        let result = D::decide(&self.state, &command, &Context::new(self.now, &ids));
        Outcome {
            spec: self,
            result,
            next_id: ids.peek(),
        }
    }

    /// Decides `command`, which must be accepted, and adds its events to the
    /// history: for the rules that are about where several steps lead.
    ///
    /// # Panics
    /// On a refusal, or an event that does not survive the round trip.
    #[track_caller]
    pub fn step(&mut self, command: D::Command) -> Vec<D::Event> {
        let outcome = self.when(command);
        let next_id = outcome.next_id;
        let events = outcome.then_events();
        self.next_id = next_id;
        self.record(events.iter().cloned());
        events
    }
}

/// What a decision on a [`Spec`] gave; one of the `then` methods says what
/// it should have been.
#[must_use = "an outcome checks nothing until one of its `then` methods is called"]
pub struct Outcome<'s, D: Decider> {
    spec: &'s Spec<D>,
    result: Result<Vec<D::Event>, D::Error>,
    next_id: u64,
}

impl<D: Decider> Outcome<'_, D>
where
    D::Event: Clone + PartialEq + Debug,
{
    /// The decision was accepted with exactly `expected`.
    ///
    /// # Panics
    /// On a refusal, on other events, or when an event does not survive the
    /// round trip.
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = D::Event>) {
        let expected: Vec<D::Event> = expected.into_iter().collect();
        let actual = self.then_events();
        assert_eq!(
            event_types(&actual),
            event_types(&expected),
            "other events were decided"
        );
        for (index, (actual, expected)) in actual.iter().zip(&expected).enumerate() {
            assert_eq!(
                actual,
                expected,
                "event {index} ({}) differs",
                expected.event_type()
            );
        }
    }

    /// The decision was accepted and changed nothing (no events).
    #[track_caller]
    pub fn then_nothing(self) {
        self.then([]);
    }

    /// The decision was accepted; its events, for a test to look into.
    ///
    /// # Panics
    /// On a refusal, or when an event does not survive the round trip.
    #[track_caller]
    pub fn then_events(self) -> Vec<D::Event> {
        match self.result {
            Ok(events) => {
                events.iter().for_each(assert_round_trip);
                events
            }
            Err(error) => panic!("the command was refused: {error}"),
        }
    }

    /// The decision was accepted; the state it leads to, for the rules
    /// that are about the state rather than the events.
    #[track_caller]
    pub fn then_state(self) -> D::State {
        let spec = self.spec;
        let events = self.then_events();
        D::fold(spec.history.iter().chain(&events))
    }

    /// The decision was refused; the error, for a decider whose errors are
    /// no [`Refused`].
    #[track_caller]
    pub fn then_error(self) -> D::Error {
        match self.result {
            Ok(events) => panic!(
                "the command was accepted with {:?}, not refused",
                event_types(&events)
            ),
            Err(error) => error,
        }
    }

    /// The decision was refused with `kind` on the field `name`; the
    /// refusal, for a test that also checks its description.
    #[track_caller]
    pub fn then_refused(self, kind: RefusalKind, name: &str) -> D::Error
    where
        D::Error: Refused,
    {
        let error = self.then_error();
        assert_eq!(
            (error.kind(), error.name()),
            (kind, name),
            "refused otherwise: {error}"
        );
        error
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::EventDecodeError;

    /// A tally that adds positive numbers; `Lossy` drops its note on the
    /// way through the store.
    struct Tally;

    #[derive(Debug, Clone, PartialEq)]
    enum Added {
        Added { n: u32, id: String },
        Lossy { note: String },
    }

    enum Add {
        Number(u32),
        Lossy,
    }

    impl DomainEvent for Added {
        fn stream_id(&self, procedure_id: &str) -> String {
            format!("tally-{procedure_id}")
        }

        fn event_type(&self) -> &'static str {
            match self {
                Added::Added { .. } => "Added",
                Added::Lossy { .. } => "Lossy",
            }
        }

        fn to_data(&self) -> Value {
            match self {
                Added::Added { n, id } => json!({"n": n, "id": id}),
                Added::Lossy { .. } => json!({}),
            }
        }

        fn decode(event_type: &str, _: u32, data: &Value) -> Result<Self, EventDecodeError> {
            Ok(match event_type {
                "Added" => Added::Added {
                    n: data["n"]
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or(0),
                    id: data["id"].as_str().unwrap_or_default().to_owned(),
                },
                _ => Added::Lossy {
                    note: String::new(),
                },
            })
        }
    }

    impl Decider for Tally {
        type State = u32;
        type Command = Add;
        type Event = Added;
        type Error = Refusal;
        const KIND: &'static str = "tally";

        fn decide(_: &u32, command: &Add, context: &Context<'_>) -> Result<Vec<Added>, Refusal> {
            match command {
                Add::Number(0) => Err(Refusal::invalid("n", "nothing to add")),
                Add::Number(n) => Ok(vec![Added::Added {
                    n: *n,
                    id: context.next_id().to_string(),
                }]),
                Add::Lossy => Ok(vec![Added::Lossy {
                    note: "lost".into(),
                }]),
            }
        }

        fn evolve(state: u32, event: &Added) -> u32 {
            match event {
                Added::Added { n, .. } => state + n,
                Added::Lossy { .. } => state,
            }
        }
    }

    fn added(n: u32, id_number: u64) -> Added {
        Added::Added {
            n,
            id: id(id_number),
        }
    }

    #[test]
    fn decisions_are_checked_against_the_expected_events() {
        let spec = Spec::<Tally>::given([added(2, 1)]).ids_from(7);
        assert_eq!(*spec.state(), 2);
        spec.when(Add::Number(3)).then([added(3, 7)]);
        // Trying a command leaves the spec as it was: the same ids again.
        spec.when(Add::Number(4)).then([added(4, 7)]);
        assert_eq!(spec.when(Add::Number(5)).then_state(), 7);
        spec.when(Add::Number(0))
            .then_refused(RefusalKind::Invalid, "n");
    }

    #[test]
    fn steps_extend_the_history_and_use_up_ids() {
        let mut spec = Spec::<Tally>::given([]).at(utc(2024, 3, 1, 10, 0));
        assert_eq!(spec.step(Add::Number(1)), [added(1, 1)]);
        spec.step(Add::Number(2));
        assert_eq!(*spec.state(), 3);
        assert_eq!(spec.history(), [added(1, 1), added(2, 2)]);
        assert_eq!(spec.now(), utc(2024, 3, 1, 10, 0));
    }

    #[test]
    #[should_panic(expected = "event 0 (Added) differs")]
    fn other_events_fail_the_spec() {
        Spec::<Tally>::given([])
            .when(Add::Number(3))
            .then([added(4, 1)]);
    }

    #[test]
    #[should_panic(expected = "other events were decided")]
    fn missing_events_fail_the_spec() {
        Spec::<Tally>::given([]).when(Add::Number(3)).then_nothing();
    }

    #[test]
    #[should_panic(expected = "the command was refused")]
    fn a_refusal_fails_an_expectation_of_events() {
        Spec::<Tally>::given([]).when(Add::Number(0)).then([]);
    }

    #[test]
    #[should_panic(expected = "not refused")]
    fn an_acceptance_fails_an_expected_refusal() {
        Spec::<Tally>::given([])
            .when(Add::Number(1))
            .then_refused(RefusalKind::Invalid, "n");
    }

    #[test]
    #[should_panic(expected = "refused otherwise")]
    fn a_refusal_on_another_field_fails_the_spec() {
        Spec::<Tally>::given([])
            .when(Add::Number(0))
            .then_refused(RefusalKind::Invalid, "m");
    }

    #[test]
    #[should_panic(expected = "Lossy changes through the store")]
    fn a_decided_event_the_store_changes_fails_the_spec() {
        Spec::<Tally>::given([]).when(Add::Lossy).then_events();
    }

    #[test]
    #[should_panic(expected = "Lossy changes through the store")]
    fn a_given_event_the_store_changes_fails_the_spec() {
        let _ = Spec::<Tally>::given([Added::Lossy {
            note: "lost".into(),
        }]);
    }
}
