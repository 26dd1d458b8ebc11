//! Two server processes sharing one PostgreSQL database each run a
//! scheduler: when a transition comes due, both fire it, and it is appended
//! exactly once. (A throw-away server, or `DATABASE_URL`; skipped loudly only
//! when no PostgreSQL exists, and a failure then under
//! `CDB_REQUIRE_POSTGRES=1`.)

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use commands::store::postgres::{PostgresStore, migrate};
use commands::store::{EventStore, Metadata};
use commands::{Clock, CommandHandler, FrozenClock, Scheduler, SequentialIds};
use domain::{Context, Decider, DomainEvent, EventDecodeError, Scheduled};
use serde_json::json;

/// A procedure that is started with a deadline and expires automatically.
struct Timer;

#[derive(Debug, Default, Clone)]
struct TimerState {
    due_at: Option<DateTime<Utc>>,
    expired: bool,
}

enum TimerCommand {
    Start { due_at: DateTime<Utc> },
    Expire,
}

#[derive(Debug, Clone, PartialEq)]
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
        match self {
            TimerEvent::Started { due_at } => json!({ "due_at": due_at }),
            TimerEvent::Expired { at } => json!({ "at": at }),
        }
    }

    fn decode(
        event_type: &str,
        schema_version: u32,
        data: &serde_json::Value,
    ) -> Result<Self, EventDecodeError> {
        let time = |field: &str| {
            serde_json::from_value::<DateTime<Utc>>(data[field].clone()).map_err(|source| {
                EventDecodeError::Malformed {
                    event_type: event_type.to_owned(),
                    source,
                }
            })
        };
        match event_type {
            "Started" => Ok(TimerEvent::Started {
                due_at: time("due_at")?,
            }),
            "Expired" => Ok(TimerEvent::Expired { at: time("at")? }),
            other => Err(EventDecodeError::UnknownType {
                event_type: other.to_owned(),
                schema_version,
            }),
        }
    }
}

#[derive(Debug)]
struct AlreadyStarted;

impl std::fmt::Display for AlreadyStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the timer is already started")
    }
}

impl std::error::Error for AlreadyStarted {}

impl Decider for Timer {
    type State = TimerState;
    type Command = TimerCommand;
    type Event = TimerEvent;
    type Error = AlreadyStarted;
    const KIND: &'static str = "timer";

    fn decide(
        state: &TimerState,
        command: &TimerCommand,
        context: &Context<'_>,
    ) -> Result<Vec<TimerEvent>, AlreadyStarted> {
        match command {
            TimerCommand::Start { .. } if state.due_at.is_some() => Err(AlreadyStarted),
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

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
}

/// One "server process": its own store instance (pool, writer), ids and scheduler.
fn process(
    store: PostgresStore,
    clock: &Arc<FrozenClock>,
    ids: u64,
) -> (CommandHandler, Scheduler) {
    let store: Arc<dyn EventStore> = Arc::new(store);
    let handler = CommandHandler::new(store, clock.clone(), Arc::new(SequentialIds::new(ids)));
    let mut scheduler = Scheduler::new(handler.clone()).with_tick(Duration::from_millis(50));
    scheduler.register::<Timer>();
    (handler, scheduler)
}

async fn event_types(handler: &CommandHandler, id: &str) -> Vec<String> {
    handler
        .store()
        .read_procedure(id)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_sharing_one_database_append_once() {
    let test = concat!(
        module_path!(),
        "::two_processes_sharing_one_database_append_once"
    );
    let Some(url) = e2e::backends::postgres_database(test).await else {
        return;
    };
    migrate(&url).await.unwrap();
    let clock = Arc::new(FrozenClock::new(at(9)));
    let (first, first_scheduler) =
        process(PostgresStore::connect(&url, 4).await.unwrap(), &clock, 1);
    let (second, second_scheduler) =
        process(PostgresStore::connect(&url, 4).await.unwrap(), &clock, 2);

    let timers: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
    for (i, id) in timers.iter().enumerate() {
        let handler = if i % 2 == 0 { &first } else { &second };
        handler
            .execute::<Timer>(
                id,
                &TimerCommand::Start { due_at: at(10) },
                &Metadata::default(),
            )
            .await
            .unwrap();
    }
    // Both see every timer pending before either fires.
    assert_eq!(first_scheduler.scheduled().await.unwrap().len(), 20);
    assert_eq!(second_scheduler.scheduled().await.unwrap().len(), 20);
    assert_eq!(first_scheduler.run_due().await.unwrap(), 0);

    clock.set(at(10));
    let first_scheduler = Arc::new(first_scheduler);
    let second_scheduler = Arc::new(second_scheduler);
    let racers: Vec<_> = [&first_scheduler, &second_scheduler, &first_scheduler]
        .into_iter()
        .map(|scheduler| {
            let scheduler = Arc::clone(scheduler);
            tokio::spawn(async move { scheduler.run_due().await.unwrap() })
        })
        .collect();
    let mut fired = 0;
    for racer in racers {
        fired += racer.await.unwrap();
    }
    assert_eq!(fired, 20, "each timer expired by exactly one scheduler");
    for id in &timers {
        assert_eq!(
            event_types(&first, id).await,
            ["Started", "Expired"],
            "{id}"
        );
    }
    // Running again anywhere appends nothing.
    assert_eq!(first_scheduler.run_due().await.unwrap(), 0);
    assert_eq!(second_scheduler.run_due().await.unwrap(), 0);
    assert_eq!(first.store().head().await.unwrap(), 40);
    e2e::backends::ran("postgres", test);
}

/// Two background scheduler loops (`Scheduler::run`) on one database: a
/// timer created through one process is fired by the other, which can only
/// know of it from the database, and is appended once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_background_schedulers_sharing_one_database_append_once() {
    let test = concat!(
        module_path!(),
        "::two_background_schedulers_sharing_one_database_append_once"
    );
    let Some(url) = e2e::backends::postgres_database(test).await else {
        return;
    };
    migrate(&url).await.unwrap();
    // Each process has its own clock. The first one's stays frozen before
    // the due time, so its scheduler (running all along) can never fire the
    // timer: only the second process can, and only after learning of the
    // timer from the database. The second one's clock reads 10:07, which
    // the `Expired` event records, so the event also names who decided it.
    let first_clock = Arc::new(FrozenClock::new(at(9)));
    let second_clock = Arc::new(FrozenClock::new(at(10) + chrono::TimeDelta::minutes(7)));
    let mut handlers = Vec::new();
    let mut running = Vec::new();
    let (stop, _) = tokio::sync::broadcast::channel::<()>(1);
    for (ids, clock) in [(1, &first_clock), (2, &second_clock)] {
        let store = PostgresStore::connect(&url, 4).await.unwrap();
        let (handler, scheduler) = process(store, clock, ids);
        let mut stopped = stop.subscribe();
        running.push(tokio::spawn(scheduler.run(async move {
            let _ = stopped.recv().await;
        })));
        handlers.push(handler);
    }
    // Created on the first process while both run: the second learns of it
    // from the database (NOTIFY, or its poll), and fires it at once.
    handlers[0]
        .execute::<Timer>(
            "t",
            &TimerCommand::Start { due_at: at(10) },
            &Metadata::default(),
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while event_types(&handlers[0], "t").await.len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the timer did not expire: the second process never learned of it from the database"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let events = handlers[0].store().read_procedure("t").await.unwrap();
    assert_eq!(
        events[1].data,
        json!({ "at": second_clock.now() }),
        "expired on the second process's clock"
    );

    // Now the first process's time comes too: it learns that the timer has
    // expired meanwhile and appends nothing, nor does the second again.
    first_clock.set(at(10));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(event_types(&handlers[1], "t").await, ["Started", "Expired"]);

    stop.send(()).unwrap();
    for task in running {
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the loop stops on shutdown")
            .unwrap();
    }
    e2e::backends::ran("postgres", test);
}
