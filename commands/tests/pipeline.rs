//! The command pipeline on a real (embedded) store with a frozen clock and
//! predictable ids: load → decide → append, refusals write nothing, and
//! version conflicts are retried on fresh state.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use commands::store::{EventStore, Metadata, StoreLocation, open_store, verify_chain};
use commands::{CommandError, CommandHandler, FrozenClock, SequentialIds};
use domain::event::{decode_tagged, encode_tagged};
use domain::{Context, Decider, DomainEvent, EventDecodeError, Id};
use serde::{Deserialize, Serialize};

/// A tiny procedure: a ledger that is opened, takes deposits up to a limit, and closes.
struct Ledger;

#[derive(Debug, Default)]
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

#[tokio::test]
async fn racing_commands_are_retried_on_fresh_state() {
    let s = setup().await;
    s.handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await
        .unwrap();
    let handler = s.handler.clone().with_max_attempts(50);
    let mut deposits = Vec::new();
    for amount in 1..=12u64 {
        let handler = handler.clone();
        deposits.push(tokio::spawn(async move {
            handler
                .execute::<Ledger>("l1", &LedgerCommand::Deposit(amount), &meta())
                .await
        }));
    }
    for deposit in deposits {
        deposit
            .await
            .unwrap()
            .expect("every deposit lands after retries");
    }
    let loaded = s.handler.load::<Ledger>("l1").await.unwrap();
    assert_eq!(
        (loaded.version, loaded.state.balance),
        (13, (1..=12).sum::<u64>())
    );
    verify_chain(&s.store.read_procedure("l1").await.unwrap()).unwrap();
}

#[tokio::test]
async fn without_retries_a_lost_race_is_a_conflict_and_writes_nothing() {
    let s = setup().await;
    s.handler
        .execute::<Ledger>("l1", &LedgerCommand::Open, &meta())
        .await
        .unwrap();
    let handler = s.handler.clone().with_max_attempts(1);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let handler = handler.clone();
        tasks.push(tokio::spawn(async move {
            handler
                .execute::<Ledger>("l1", &LedgerCommand::Deposit(1), &meta())
                .await
        }));
    }
    let mut landed = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => landed += 1,
            Err(CommandError::Conflict { attempts: 1, .. }) => conflicts += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(landed + conflicts, 12);
    assert!(landed >= 1);
    let loaded = s.handler.load::<Ledger>("l1").await.unwrap();
    assert_eq!(
        loaded.state.balance, landed,
        "only landed deposits are stored"
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
