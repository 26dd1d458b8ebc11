//! The scheduler on the embedded store with a frozen clock: nothing fires
//! before its time, a due procedure fires exactly once, a restart rebuilds
//! the schedule from the log, racing schedulers append once, refusals do not
//! make it spin, the background loop follows the clock, and a due command
//! prepared with outside facts waits for them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use commands::store::sqlite::SqliteStore;
use commands::store::{EventStore, Metadata};
use commands::{CommandHandler, FrozenClock, PrepareDue, PrepareError, Scheduler, SequentialIds};
use domain::event::{decode_tagged, encode_tagged};
use domain::{Context, Decider, DomainEvent, EventDecodeError, Scheduled};
use serde::{Deserialize, Serialize};

/// A procedure that is started with a deadline and expires automatically.
struct Timer;

#[derive(Debug, Default, Clone)]
struct TimerState {
    due_at: Option<DateTime<Utc>>,
    expired: bool,
}

#[derive(Debug)]
enum TimerCommand {
    Start { due_at: DateTime<Utc> },
    Expire,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum TimerEvent {
    Started { due_at: DateTime<Utc> },
    Expired { at: DateTime<Utc> },
}

impl DomainEvent for TimerEvent {
    fn stream_id(&self, procedure_id: &str) -> String {
        format!("timer-{procedure_id}")
    }

    fn event_type(&self) -> &'static str {
        match self {
            TimerEvent::Started { .. } => "Started",
            TimerEvent::Expired { .. } => "Expired",
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
enum TimerError {
    #[error("the timer is already started")]
    AlreadyStarted,
}

impl Decider for Timer {
    type State = TimerState;
    type Command = TimerCommand;
    type Event = TimerEvent;
    type Error = TimerError;
    const KIND: &'static str = "timer";

    fn decide(
        state: &TimerState,
        command: &TimerCommand,
        context: &Context<'_>,
    ) -> Result<Vec<TimerEvent>, TimerError> {
        match command {
            TimerCommand::Start { .. } if state.due_at.is_some() => Err(TimerError::AlreadyStarted),
            TimerCommand::Start { due_at } => Ok(vec![TimerEvent::Started { due_at: *due_at }]),
            // Idempotent: only when started, not yet expired and due.
            TimerCommand::Expire => match state.due_at {
                Some(due_at) if !state.expired && context.now >= due_at => {
                    Ok(vec![TimerEvent::Expired { at: context.now }])
                }
                _ => Ok(vec![]),
            },
        }
    }

    fn evolve(mut state: TimerState, event: &TimerEvent) -> TimerState {
        match event {
            TimerEvent::Started { due_at } => state.due_at = Some(*due_at),
            TimerEvent::Expired { .. } => state.expired = true,
        }
        state
    }
}

impl Scheduled for Timer {
    fn next_check(state: &TimerState) -> Option<DateTime<Utc>> {
        state.due_at.filter(|_| !state.expired)
    }

    fn due_command() -> TimerCommand {
        TimerCommand::Expire
    }
}

/// How often `Grumpy` was asked to decide its due command.
static GRUMPY_REFUSALS: AtomicUsize = AtomicUsize::new(0);

/// A procedure whose due command the rules always refuse.
struct Grumpy;

#[derive(Debug)]
enum GrumpyCommand {
    Poke,
    Check,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum GrumpyEvent {
    Poked,
}

impl DomainEvent for GrumpyEvent {
    fn stream_id(&self, procedure_id: &str) -> String {
        format!("grumpy-{procedure_id}")
    }

    fn event_type(&self) -> &'static str {
        "Poked"
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

#[derive(Debug, thiserror::Error)]
#[error("not now")]
struct NotNow;

impl Decider for Grumpy {
    type State = u32;
    type Command = GrumpyCommand;
    type Event = GrumpyEvent;
    type Error = NotNow;
    const KIND: &'static str = "grumpy";

    fn decide(
        _state: &u32,
        command: &GrumpyCommand,
        _context: &Context<'_>,
    ) -> Result<Vec<GrumpyEvent>, NotNow> {
        match command {
            GrumpyCommand::Poke => Ok(vec![GrumpyEvent::Poked]),
            GrumpyCommand::Check => {
                GRUMPY_REFUSALS.fetch_add(1, Ordering::SeqCst);
                Err(NotNow)
            }
        }
    }

    fn evolve(pokes: u32, _event: &GrumpyEvent) -> u32 {
        pokes + 1
    }
}

impl Scheduled for Grumpy {
    fn next_check(pokes: &u32) -> Option<DateTime<Utc>> {
        (*pokes > 0).then(start)
    }

    fn due_command() -> GrumpyCommand {
        GrumpyCommand::Check
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
}

fn broker() -> Metadata {
    Metadata {
        broker: Some("broker".into()),
        ..Metadata::default()
    }
}

struct Setup {
    dir: tempfile::TempDir,
    store: Arc<dyn EventStore>,
    clock: Arc<FrozenClock>,
    handler: CommandHandler,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(&dir.path().join("cdb.sqlite3")).unwrap());
    let clock = Arc::new(FrozenClock::new(start()));
    let handler = handler(&store, &clock, 1);
    Setup {
        dir,
        store,
        clock,
        handler,
    }
}

fn handler(store: &Arc<dyn EventStore>, clock: &Arc<FrozenClock>, ids: u64) -> CommandHandler {
    CommandHandler::new(
        Arc::clone(store),
        clock.clone(),
        Arc::new(SequentialIds::new(ids)),
    )
}

fn scheduler(handler: &CommandHandler) -> Scheduler {
    let mut scheduler = Scheduler::new(handler.clone());
    scheduler.register::<Timer>();
    scheduler
}

async fn start_timer(handler: &CommandHandler, id: &str, due_at: DateTime<Utc>) {
    handler
        .execute::<Timer>(id, &TimerCommand::Start { due_at }, &broker())
        .await
        .unwrap();
}

/// The types of the events stored for one procedure.
async fn events(store: &Arc<dyn EventStore>, id: &str) -> Vec<String> {
    store
        .read_procedure(id)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .collect()
}

#[tokio::test]
async fn fires_once_when_due_and_not_before() {
    let s = setup();
    start_timer(&s.handler, "t1", at(10)).await;
    let scheduler = scheduler(&s.handler);

    assert_eq!(scheduler.run_due().await.unwrap(), 0, "not due at 09:00");
    assert_eq!(
        scheduler.scheduled().await.unwrap(),
        vec![(at(10), "t1".into())]
    );
    s.clock.set(at(10) - TimeDelta::seconds(1));
    assert_eq!(
        scheduler.run_due().await.unwrap(),
        0,
        "not due a second before"
    );
    assert_eq!(events(&s.store, "t1").await, ["Started"]);

    s.clock.set(at(10));
    assert_eq!(scheduler.run_due().await.unwrap(), 1);
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
    assert_eq!(
        scheduler.run_due().await.unwrap(),
        0,
        "a second pass appends nothing"
    );
    s.clock.advance(TimeDelta::hours(5));
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
    assert!(scheduler.scheduled().await.unwrap().is_empty());

    let stored = s.store.read_procedure("t1").await.unwrap();
    let expired = &stored[1];
    assert_eq!(expired.data, serde_json::json!({"at": at(10)}));
    assert_eq!(expired.metadata.broker.as_deref(), Some("chronograph"));
    assert_eq!(expired.metadata.role.as_deref(), Some("system"));
    assert_eq!(expired.recorded_at, at(10));
}

#[tokio::test]
async fn a_second_scheduler_does_not_fire_again() {
    let s = setup();
    start_timer(&s.handler, "t1", at(10)).await;
    s.clock.set(at(11));
    let first = scheduler(&s.handler);
    let second = scheduler(&s.handler);
    // Both build their index (t1 due) before either fires.
    assert_eq!(first.scheduled().await.unwrap().len(), 1);
    assert_eq!(second.scheduled().await.unwrap().len(), 1);
    assert_eq!(first.run_due().await.unwrap(), 1);
    assert_eq!(second.run_due().await.unwrap(), 0);
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
}

#[tokio::test]
async fn a_restart_rebuilds_the_schedule_from_the_log() {
    let s = setup();
    start_timer(&s.handler, "early", at(10)).await;
    start_timer(&s.handler, "late", at(12)).await;
    s.clock.set(at(11));
    {
        let before = scheduler(&s.handler);
        assert_eq!(before.run_due().await.unwrap(), 1);
    }

    // A new process over the same database file.
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(&s.dir.path().join("cdb.sqlite3")).unwrap());
    let after = scheduler(&handler(&store, &s.clock, 2));
    assert_eq!(
        after.scheduled().await.unwrap(),
        vec![(at(12), "late".into())],
        "the expired timer is done, the other is still pending"
    );
    assert_eq!(after.run_due().await.unwrap(), 0);
    s.clock.set(at(12));
    assert_eq!(after.run_due().await.unwrap(), 1);
    assert_eq!(events(&store, "early").await, ["Started", "Expired"]);
    assert_eq!(events(&store, "late").await, ["Started", "Expired"]);
}

#[tokio::test]
async fn follows_procedures_created_after_it_started() {
    let s = setup();
    let scheduler = scheduler(&s.handler);
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    start_timer(&s.handler, "t1", at(10)).await;
    start_timer(&s.handler, "t2", at(10)).await;
    start_timer(&s.handler, "t3", at(13)).await;
    s.clock.set(at(12));
    assert_eq!(scheduler.run_due().await.unwrap(), 2);
    assert_eq!(
        scheduler.scheduled().await.unwrap(),
        vec![(at(13), "t3".into())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_schedulers_on_two_store_instances_append_once() {
    let s = setup();
    for i in 0..10 {
        start_timer(&s.handler, &format!("t{i}"), at(10)).await;
    }
    // Another process on the same file, with its own writer and ids.
    let other: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(&s.dir.path().join("cdb.sqlite3")).unwrap());
    let schedulers = [
        Arc::new(scheduler(&s.handler)),
        Arc::new(scheduler(&handler(&other, &s.clock, 2))),
        Arc::new(scheduler(&s.handler)),
    ];
    for scheduler in &schedulers {
        assert_eq!(scheduler.scheduled().await.unwrap().len(), 10);
    }
    s.clock.set(at(10));
    let racers: Vec<_> = schedulers
        .iter()
        .map(|scheduler| {
            let scheduler = Arc::clone(scheduler);
            tokio::spawn(async move { scheduler.run_due().await.unwrap() })
        })
        .collect();
    let mut fired = 0;
    for racer in racers {
        fired += racer.await.unwrap();
    }
    assert_eq!(fired, 10, "each timer expired by exactly one scheduler");
    for i in 0..10 {
        assert_eq!(
            events(&s.store, &format!("t{i}")).await,
            ["Started", "Expired"]
        );
    }
}

#[tokio::test]
async fn a_refused_due_command_is_dropped_until_the_procedure_changes() {
    let s = setup();
    let mut scheduler = Scheduler::new(s.handler.clone());
    scheduler.register::<Timer>().register::<Grumpy>();
    s.handler
        .execute::<Grumpy>("g1", &GrumpyCommand::Poke, &broker())
        .await
        .unwrap();
    start_timer(&s.handler, "t1", at(10)).await;
    s.clock.set(at(10));
    let refusals = GRUMPY_REFUSALS.load(Ordering::SeqCst);

    assert_eq!(
        scheduler.run_due().await.unwrap(),
        1,
        "the timer still fires"
    );
    assert_eq!(GRUMPY_REFUSALS.load(Ordering::SeqCst), refusals + 1);
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(
        GRUMPY_REFUSALS.load(Ordering::SeqCst),
        refusals + 1,
        "not tried again while nothing changed"
    );
    assert!(scheduler.scheduled().await.unwrap().is_empty());

    s.handler
        .execute::<Grumpy>("g1", &GrumpyCommand::Poke, &broker())
        .await
        .unwrap();
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(
        GRUMPY_REFUSALS.load(Ordering::SeqCst),
        refusals + 2,
        "tried once more after the procedure changed"
    );
    assert_eq!(events(&s.store, "g1").await, ["Poked", "Poked"]);
}

#[tokio::test]
async fn procedures_of_unregistered_kinds_are_ignored() {
    let s = setup();
    s.handler
        .execute::<Grumpy>("g1", &GrumpyCommand::Poke, &broker())
        .await
        .unwrap();
    start_timer(&s.handler, "t1", at(10)).await;
    let scheduler = scheduler(&s.handler);
    s.clock.set(at(10));
    assert_eq!(
        scheduler.scheduled().await.unwrap(),
        vec![(at(10), "t1".into())]
    );
    assert_eq!(scheduler.run_due().await.unwrap(), 1);
    assert_eq!(events(&s.store, "g1").await, ["Poked"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_fires_after_the_clock_advances() {
    let s = setup();
    start_timer(&s.handler, "t1", at(10)).await;
    let scheduler = scheduler(&s.handler).with_tick(Duration::from_millis(50));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(scheduler.run(async {
        let _ = stopped.await;
    }));

    // Created while running: picked up from the commit notification.
    start_timer(&s.handler, "t2", at(11)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(events(&s.store, "t1").await, ["Started"], "not due yet");

    s.clock.set(at(10));
    wait_for(&s.store, "t1", 2).await;
    assert_eq!(events(&s.store, "t2").await, ["Started"]);
    s.clock.set(at(11));
    wait_for(&s.store, "t2", 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
    assert_eq!(events(&s.store, "t2").await, ["Started", "Expired"]);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the loop stops on shutdown")
        .unwrap();
}

/// Prepares `Timer`'s due command from facts outside the log, which may be
/// out of reach.
#[derive(Default)]
struct Facts {
    reachable: AtomicBool,
    asked: AtomicUsize,
}

#[async_trait::async_trait]
impl PrepareDue<Timer> for Facts {
    async fn prepare(&self, state: &TimerState) -> Result<TimerCommand, PrepareError> {
        assert!(!state.expired, "prepared only while due");
        self.asked.fetch_add(1, Ordering::SeqCst);
        if self.reachable.load(Ordering::SeqCst) {
            Ok(TimerCommand::Expire)
        } else {
            Err(PrepareError::new("the facts are out of reach"))
        }
    }
}

#[tokio::test]
async fn a_prepared_due_command_waits_for_its_facts_and_fires_once() {
    let s = setup();
    start_timer(&s.handler, "t1", at(10)).await;
    let facts = Arc::new(Facts::default());
    let tick = Duration::from_millis(20);
    let prepared = |handler: &CommandHandler| {
        let mut scheduler = Scheduler::new(handler.clone()).with_tick(tick);
        scheduler.register_prepared::<Timer>(facts.clone());
        scheduler
    };
    let scheduler = prepared(&s.handler);
    let second = prepared(&s.handler);
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(
        facts.asked.load(Ordering::SeqCst),
        0,
        "not asked before due"
    );

    s.clock.set(at(10));
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(facts.asked.load(Ordering::SeqCst), 1);
    assert_eq!(
        events(&s.store, "t1").await,
        ["Started"],
        "nothing appended"
    );
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(
        facts.asked.load(Ordering::SeqCst),
        1,
        "not asked again before a tick"
    );
    tokio::time::sleep(tick * 2).await;
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(
        facts.asked.load(Ordering::SeqCst),
        2,
        "retried after a tick"
    );
    assert_eq!(
        scheduler.scheduled().await.unwrap(),
        vec![(at(10), "t1".into())],
        "still due"
    );

    assert_eq!(second.scheduled().await.unwrap().len(), 1);
    facts.reachable.store(true, Ordering::SeqCst);
    tokio::time::sleep(tick * 2).await;
    assert_eq!(scheduler.run_due().await.unwrap(), 1);
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
    // Another server had it due too: it finds it done and asks nothing.
    assert_eq!(second.run_due().await.unwrap(), 0);
    assert_eq!(scheduler.run_due().await.unwrap(), 0);
    assert_eq!(facts.asked.load(Ordering::SeqCst), 3);
    assert_eq!(events(&s.store, "t1").await, ["Started", "Expired"]);
}

/// Waits (a few ticks at most) until the procedure has `count` events.
async fn wait_for(store: &Arc<dyn EventStore>, id: &str, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while events(store, id).await.len() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{id} did not reach {count} events in time"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
