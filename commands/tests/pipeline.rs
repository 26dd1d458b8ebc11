//! The command pipeline on a real (embedded) store with a frozen clock and
//! predictable ids: load → decide → append, refusals write nothing, and
//! version conflicts are retried on fresh state.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use commands::store::{
    Append, AppendError, Appended, EventStore, Metadata, RecordedEvent, StoreError, StoreLocation,
    open_store, verify_chain,
};
use commands::{CommandError, CommandHandler, Executed, FrozenClock, SequentialIds};
use domain::event::{decode_tagged, encode_tagged};
use domain::{Context, Decider, DomainEvent, EventDecodeError, Id};
use serde::{Deserialize, Serialize};
use tokio::sync::{Barrier, watch};

/// A tiny procedure: a ledger that is opened, takes deposits up to a limit, and closes.
struct Ledger;

#[derive(Debug, Default, Clone)]
struct LedgerState {
    id: Option<Id>,
    balance: u64,
    closed: bool,
    opened_at: Option<chrono::DateTime<Utc>>,
}

#[derive(Debug)]
enum LedgerCommand {
    Open,
    Deposit(u64),
    Close,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum LedgerEvent {
    Opened { id: Id, at: chrono::DateTime<Utc> },
    Deposited { amount: u64 },
    Closed,
}

impl DomainEvent for LedgerEvent {
    fn stream_id(&self, procedure_id: &str) -> String {
        match self {
            LedgerEvent::Deposited { .. } => format!("deposit-{procedure_id}"),
            _ => format!("ledger-{procedure_id}"),
        }
    }

    fn event_type(&self) -> &'static str {
        match self {
            LedgerEvent::Opened { .. } => "Opened",
            LedgerEvent::Deposited { .. } => "Deposited",
            LedgerEvent::Closed => "Closed",
        }
    }

    fn to_data(&self) -> serde_json::Value {
        encode_tagged(self)
    }

    fn decode(
        event_type: &str,
        _schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        decode_tagged(event_type, data)
    }
}

#[derive(Debug, PartialEq, thiserror::Error)]
enum LedgerError {
    #[error("the ledger is not open")]
    NotOpen,
    #[error("the ledger is already open")]
    AlreadyOpen,
    #[error("a deposit must be positive")]
    ZeroDeposit,
}

impl Decider for Ledger {
    type State = LedgerState;
    type Command = LedgerCommand;
    type Event = LedgerEvent;
    type Error = LedgerError;
    const KIND: &'static str = "ledger";

    fn decide(
        state: &LedgerState,
        command: &LedgerCommand,
        context: &Context<'_>,
    ) -> Result<Vec<LedgerEvent>, LedgerError> {
        match command {
            LedgerCommand::Open if state.id.is_some() => Err(LedgerError::AlreadyOpen),
            LedgerCommand::Open => Ok(vec![LedgerEvent::Opened {
                id: context.next_id(),
                at: context.now,
            }]),
            _ if state.id.is_none() || state.closed => Err(LedgerError::NotOpen),
            LedgerCommand::Deposit(0) => Err(LedgerError::ZeroDeposit),
            LedgerCommand::Deposit(amount) => Ok(vec![LedgerEvent::Deposited { amount: *amount }]),
            LedgerCommand::Close => Ok(vec![LedgerEvent::Closed]),
        }
    }

    fn evolve(mut state: LedgerState, event: &LedgerEvent) -> LedgerState {
        match event {
            LedgerEvent::Opened { id, at } => {
                state.id = Some(*id);
                state.opened_at = Some(*at);
            }
            LedgerEvent::Deposited { amount } => state.balance += amount,
            LedgerEvent::Closed => state.closed = true,
        }
        state
    }
}

struct Setup {
    handler: CommandHandler,
    store: Arc<dyn EventStore>,
    clock: Arc<FrozenClock>,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&StoreLocation::Sqlite(dir.path().join("cdb.sqlite3")), true)
        .await
        .unwrap();
    let clock = Arc::new(FrozenClock::new(
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap(),
    ));
    let handler = CommandHandler::new(
        Arc::clone(&store),
        clock.clone(),
        Arc::new(SequentialIds::new(7)),
    );
    Setup {
        handler,
        store,
        clock,
        _dir: dir,
    }
}

fn meta() -> Metadata {
    Metadata {
        broker: Some("broker".into()),
        ..Metadata::default()
    }
}

#[tokio::test]
async fn decides_appends_and_returns_the_new_state() {
    let s = setup().await;
    let opened = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await
        .unwrap();
    assert_eq!(opened.version, 1);
    // The id and time came from the injected generator and frozen clock.
    let first_id = Id::from_u128((7u128 << 64) | 1);
    assert_eq!(
        opened.events,
        vec![LedgerEvent::Opened {
            id: first_id,
            at: s.clock.now_for_test()
        }]
    );
    assert_eq!(opened.state.id, Some(first_id));

    s.clock.advance(chrono::TimeDelta::minutes(5));
    let deposited = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Deposit(40), &meta())
        .await
        .unwrap();
    assert_eq!((deposited.version, deposited.state.balance), (2, 40));

    let stored = s.store.read_procedure("l1").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].stream_id, "deposit-l1");
    assert_eq!(
        stored[1].recorded_at,
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 35, 0).unwrap()
    );
    assert_eq!(stored[1].metadata.broker.as_deref(), Some("broker"));
    assert_eq!(
        stored[0].event_id.len(),
        32,
        "event ids are 32 hex characters"
    );
    verify_chain(&stored).unwrap();

    let loaded = s.handler.load::<Ledger>("l1").await.unwrap();
    assert_eq!((loaded.version, loaded.state.balance), (2, 40));
}

#[tokio::test]
async fn a_refused_command_writes_nothing() {
    let s = setup().await;
    let refused = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Deposit(5), &meta())
        .await;
    assert!(matches!(
        refused,
        Err(CommandError::Domain(LedgerError::NotOpen))
    ));
    s.handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await
        .unwrap();
    let refused = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Deposit(0), &meta())
        .await;
    assert!(matches!(
        refused,
        Err(CommandError::Domain(LedgerError::ZeroDeposit))
    ));
    let refused = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await;
    assert!(matches!(
        refused,
        Err(CommandError::Domain(LedgerError::AlreadyOpen))
    ));
    s.handler
        .execute::<Ledger>("l1", &LedgerCommand::Close, &meta())
        .await
        .unwrap();
    let refused = s
        .handler
        .execute::<Ledger>("l1", &LedgerCommand::Deposit(5), &meta())
        .await;
    assert!(matches!(
        refused,
        Err(CommandError::Domain(LedgerError::NotOpen))
    ));
    assert_eq!(s.store.head().await.unwrap(), 2);
}

/// Wraps the real store and records, per deposit amount (each racing command
/// deposits a different amount, so the amount names the command), how many
/// appends the pipeline tried and how many of them the store refused as a
/// version conflict. Each attempt is one decision followed by one append
/// (a deposit always decides to write), so appends = attempts.
///
/// The first `gated` reads of the procedure wait for one another after
/// reading: every racing command has then read the same version before any of
/// them appends, so the race is certain, not left to the scheduler.
struct CountingStore {
    inner: Arc<dyn EventStore>,
    gated: AtomicUsize,
    gate: Barrier,
    attempts: Mutex<BTreeMap<u64, u32>>,
    conflicts: Mutex<BTreeMap<u64, u32>>,
}

impl CountingStore {
    fn new(inner: Arc<dyn EventStore>, racers: usize) -> Self {
        CountingStore {
            inner,
            gated: AtomicUsize::new(racers),
            gate: Barrier::new(racers),
            attempts: Mutex::new(BTreeMap::new()),
            conflicts: Mutex::new(BTreeMap::new()),
        }
    }

    fn attempts(&self) -> BTreeMap<u64, u32> {
        self.attempts.lock().unwrap().clone()
    }

    fn conflicts(&self) -> BTreeMap<u64, u32> {
        self.conflicts.lock().unwrap().clone()
    }
}

fn deposit_amount(append: &Append) -> Option<u64> {
    let [event] = append.events.as_slice() else {
        return None;
    };
    (event.event_type == "Deposited")
        .then(|| event.data.get("amount").and_then(serde_json::Value::as_u64))
        .flatten()
}

#[async_trait]
impl EventStore for CountingStore {
    async fn append(&self, append: Append) -> Result<Appended, AppendError> {
        let amount = deposit_amount(&append);
        if let Some(amount) = amount {
            *self.attempts.lock().unwrap().entry(amount).or_default() += 1;
        }
        let result = self.inner.append(append).await;
        if let (Some(amount), Err(AppendError::Conflict { .. })) = (amount, &result) {
            *self.conflicts.lock().unwrap().entry(amount).or_default() += 1;
        }
        result
    }

    async fn read_procedure(&self, procedure_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        let events = self.inner.read_procedure(procedure_id).await?;
        let gated = self
            .gated
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if gated {
            self.gate.wait().await;
        }
        Ok(events)
    }

    async fn read_stream(&self, stream_id: &str) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.read_stream(stream_id).await
    }

    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.inner.read_all(after, limit).await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        self.inner.head().await
    }

    async fn procedure_kind(&self, procedure_id: &str) -> Result<Option<String>, StoreError> {
        self.inner.procedure_kind(procedure_id).await
    }

    async fn procedure_kinds(
        &self,
        procedure_ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        self.inner.procedure_kinds(procedure_ids).await
    }

    async fn kinds_in_log(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.inner.kinds_in_log().await
    }

    async fn reserve_in_sequence(&self, name: &str, count: u64) -> Result<u64, StoreError> {
        self.inner.reserve_in_sequence(name, count).await
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.subscribe()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
}

const RACERS: u64 = 12;

/// An open ledger `l1`, then a handler over a counting store whose first
/// `RACERS` reads of the procedure wait for one another.
async fn racing_setup(max_attempts: u32) -> (Setup, Arc<CountingStore>, CommandHandler) {
    let s = setup().await;
    s.handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await
        .unwrap();
    let counting = Arc::new(CountingStore::new(Arc::clone(&s.store), RACERS as usize));
    let handler = CommandHandler::new(
        counting.clone(),
        s.clock.clone(),
        Arc::new(SequentialIds::new(8)),
    )
    .with_max_attempts(max_attempts);
    (s, counting, handler)
}

async fn race(
    handler: &CommandHandler,
) -> Vec<(u64, Result<Executed<Ledger>, CommandError<LedgerError>>)> {
    let mut tasks = Vec::new();
    for amount in 1..=RACERS {
        let handler = handler.clone();
        tasks.push(tokio::spawn(async move {
            let result = handler
                .execute::<Ledger>("l1", &LedgerCommand::Deposit(amount), &meta())
                .await;
            (amount, result)
        }));
    }
    // A command that never reads would leave the others waiting at the gate.
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    })
    .await
    .expect("the racing commands finish")
}

#[tokio::test]
async fn racing_commands_are_retried_on_fresh_state() {
    let max_attempts = 50;
    let (s, counting, handler) = racing_setup(max_attempts).await;
    for (amount, result) in race(&handler).await {
        let executed = result.unwrap_or_else(|error| {
            panic!("deposit {amount} should land after retries, got {error:?}")
        });
        assert!(
            executed.appended.is_some(),
            "deposit {amount} wrote nothing"
        );
    }

    let attempts = counting.attempts();
    let conflicts = counting.conflicts();
    // All twelve read version 1 before any appended: exactly one won the
    // first round, so at least eleven conflicts happened in all.
    let total_conflicts: u32 = conflicts.values().sum();
    assert!(
        total_conflicts >= RACERS as u32 - 1,
        "the race did not happen: {conflicts:?}"
    );
    for amount in 1..=RACERS {
        let tried = attempts.get(&amount).copied().unwrap_or(0);
        let lost = conflicts.get(&amount).copied().unwrap_or(0);
        assert_eq!(
            tried,
            lost + 1,
            "deposit {amount}: every attempt but the last lost a race"
        );
        assert!(tried <= max_attempts, "deposit {amount}: {tried} attempts");
    }
    assert!(
        conflicts.values().any(|&lost| lost >= 1),
        "no command was retried"
    );

    let loaded = s.handler.load::<Ledger>("l1").await.unwrap();
    assert_eq!(
        (loaded.version, loaded.state.balance),
        (RACERS + 1, (1..=RACERS).sum::<u64>())
    );
    verify_chain(&s.store.read_procedure("l1").await.unwrap()).unwrap();
}

#[tokio::test]
async fn without_retries_a_lost_race_is_a_conflict_and_writes_nothing() {
    let (s, counting, handler) = racing_setup(1).await;
    let mut landed = Vec::new();
    let mut refused = Vec::new();
    for (amount, result) in race(&handler).await {
        match result {
            Ok(_) => landed.push(amount),
            Err(CommandError::Conflict {
                attempts: 1,
                procedure_id,
            }) if procedure_id == "l1" => refused.push(amount),
            Err(other) => panic!("deposit {amount}: unexpected {other:?}"),
        }
    }
    // Everyone read version 1 before anyone appended: one wins, the other
    // eleven conflict and, with one attempt allowed, are not retried.
    assert_eq!(landed.len(), 1, "landed: {landed:?}");
    assert_eq!(refused.len(), RACERS as usize - 1, "refused: {refused:?}");

    let attempts = counting.attempts();
    let conflicts = counting.conflicts();
    for amount in 1..=RACERS {
        assert_eq!(
            attempts.get(&amount).copied(),
            Some(1),
            "deposit {amount} must be tried exactly once: {attempts:?}"
        );
    }
    let mut conflicted: Vec<u64> = conflicts.keys().copied().collect();
    conflicted.sort_unstable();
    assert_eq!(
        conflicted, refused,
        "the conflicts are the refused commands"
    );
    assert!(conflicts.values().all(|&lost| lost == 1), "{conflicts:?}");

    let loaded = s.handler.load::<Ledger>("l1").await.unwrap();
    assert_eq!(
        (loaded.version, loaded.state.balance),
        (2, landed[0]),
        "only the landed deposit is stored"
    );
}

trait NowForTest {
    fn now_for_test(&self) -> chrono::DateTime<Utc>;
}

impl NowForTest for FrozenClock {
    fn now_for_test(&self) -> chrono::DateTime<Utc> {
        commands::Clock::now(self)
    }
}
