//! One conformance suite for every `EventStore` backend. Each scenario runs
//! on the embedded store and on PostgreSQL (a throw-away server, or
//! `DATABASE_URL`; skipped loudly only when no PostgreSQL exists, and a
//! failure then under `CDB_REQUIRE_POSTGRES=1`).

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use commands::store::{
    Append, AppendError, EventStore, Metadata, NewEvent, StoreLocation, open_store, verify_chain,
};
use serde_json::json;
use tokio::sync::watch;

/// A store location plus whatever keeps it alive.
struct Backend {
    location: StoreLocation,
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    fn embedded() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        Backend {
            location: StoreLocation::Sqlite(dir.path().join("cdb.sqlite3")),
            _dir: Some(dir),
        }
    }

    /// `None` after a loud skip (a failure under `CDB_REQUIRE_POSTGRES`).
    async fn postgres(test: &str) -> Option<Backend> {
        let url = e2e::backends::postgres_database(test).await?;
        Some(Backend {
            location: StoreLocation::Postgres(url),
            _dir: None,
        })
    }

    /// Opens one more independent instance of the store: its own writer and
    /// connections, like another server process on the same database.
    async fn open(&self) -> Arc<dyn EventStore> {
        open_store(&self.location, true).await.expect("open store")
    }
}

macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn embedded() {
                super::$scenario(super::Backend::embedded()).await;
                e2e::backends::ran("embedded", concat!(module_path!(), "::embedded"));
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let test = concat!(module_path!(), "::postgres");
                let Some(backend) = super::Backend::postgres(test).await else {
                    return;
                };
                super::$scenario(backend).await;
                e2e::backends::ran("postgres", test);
            }
        }
    )*};
}

on_both_backends!(
    append_then_read_back,
    expected_version_conflict_writes_nothing,
    retry_with_same_event_ids_is_idempotent,
    failed_multi_stream_append_writes_nothing,
    racing_appends_on_one_procedure_exactly_one_wins,
    read_all_pages_in_commit_order,
    concurrent_writers_reader_sees_every_event_once_in_order,
    hash_chain_links_across_appends,
    subscribers_wake_on_commit,
    events_survive_reopening,
    procedure_kind_of_known_and_unknown_procedures,
    kinds_in_log_name_each_kind_at_its_first_event,
    concurrent_sequence_numbers_are_distinct_and_dense,
    sequences_are_independent,
    sequences_survive_reopening,
);

fn event(id: &str, stream: &str, event_type: &str, data: serde_json::Value) -> NewEvent {
    NewEvent {
        event_id: id.to_owned(),
        stream_id: stream.to_owned(),
        event_type: event_type.to_owned(),
        schema_version: 1,
        data,
        metadata: Metadata {
            broker: Some("broker-a".into()),
            request_id: Some(format!("req-{id}")),
            ..Metadata::default()
        },
        recorded_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
            + chrono::TimeDelta::nanoseconds(123_456_789),
    }
}

fn append(procedure: &str, expected_version: u64, events: Vec<NewEvent>) -> Append {
    Append {
        procedure_id: procedure.to_owned(),
        procedure_kind: "test".to_owned(),
        expected_version,
        events,
    }
}

async fn all_events(store: &dyn EventStore) -> Vec<commands::store::RecordedEvent> {
    store.read_all(0, usize::MAX).await.expect("read all")
}

async fn append_then_read_back(backend: Backend) {
    let store = backend.open().await;
    assert_eq!(store.head().await.unwrap(), 0);
    let appended = store
        .append(append(
            "p1",
            0,
            vec![
                event(
                    "e1",
                    "tender-p1",
                    "TenderCreated",
                    json!({"title": "Папір", "value": {"amount": "100.50"}}),
                ),
                event(
                    "e2",
                    "bid-b1",
                    "BidSubmitted",
                    json!({"amount": "99.99", "n": 1.5}),
                ),
                event("e3", "tender-p1", "TenderActivated", json!({})),
            ],
        ))
        .await
        .expect("append");
    assert_eq!(
        (
            appended.procedure_version,
            appended.first_position,
            appended.last_position,
            appended.duplicate
        ),
        (3, 1, 3, false)
    );
    assert_eq!(store.head().await.unwrap(), 3);

    let procedure = store.read_procedure("p1").await.unwrap();
    let summary: Vec<(u64, u64, &str, u64, &str)> = procedure
        .iter()
        .map(|e| {
            (
                e.position,
                e.procedure_version,
                e.stream_id.as_str(),
                e.stream_version,
                e.event_type.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, 1, "tender-p1", 1, "TenderCreated"),
            (2, 2, "bid-b1", 1, "BidSubmitted"),
            (3, 3, "tender-p1", 2, "TenderActivated"),
        ]
    );
    let first = &procedure[0];
    assert_eq!(
        first.data,
        json!({"title": "Папір", "value": {"amount": "100.50"}})
    );
    assert_eq!(first.metadata.broker.as_deref(), Some("broker-a"));
    // Stored with microsecond precision.
    assert_eq!(first.recorded_at.timestamp_subsec_nanos(), 123_456_000);
    verify_chain(&procedure).expect("hash chain");

    let tender_stream = store.read_stream("tender-p1").await.unwrap();
    assert_eq!(
        tender_stream
            .iter()
            .map(|e| e.event_id.as_str())
            .collect::<Vec<_>>(),
        ["e1", "e3"]
    );
    assert_eq!(store.read_stream("bid-b1").await.unwrap().len(), 1);
    assert!(store.read_stream("nothing").await.unwrap().is_empty());
    assert!(store.read_procedure("nothing").await.unwrap().is_empty());
    assert_eq!(all_events(store.as_ref()).await, procedure);
    store.ping().await.expect("ping");
}

async fn expected_version_conflict_writes_nothing(backend: Backend) {
    let store = backend.open().await;
    store
        .append(append("p1", 0, vec![event("e1", "s-p1", "A", json!({}))]))
        .await
        .unwrap();
    for (expected, id) in [(0, "e2"), (2, "e3"), (7, "e4")] {
        let refused = store
            .append(append(
                "p1",
                expected,
                vec![event(id, "s-p1", "B", json!({}))],
            ))
            .await;
        match refused {
            Err(AppendError::Conflict {
                procedure_id,
                expected: e,
                actual,
            }) => {
                assert_eq!((procedure_id.as_str(), e, actual), ("p1", expected, 1));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    // Appending to a procedure that does not exist with a non-zero version.
    assert!(matches!(
        store
            .append(append("p2", 3, vec![event("e5", "s-p2", "A", json!({}))]))
            .await,
        Err(AppendError::Conflict { actual: 0, .. })
    ));
    assert_eq!(store.head().await.unwrap(), 1);
    assert_eq!(all_events(store.as_ref()).await.len(), 1);
    // The right version still works.
    let ok = store
        .append(append("p1", 1, vec![event("e2", "s-p1", "B", json!({}))]))
        .await
        .unwrap();
    assert_eq!((ok.procedure_version, ok.first_position), (2, 2));
}

async fn retry_with_same_event_ids_is_idempotent(backend: Backend) {
    let store = backend.open().await;
    let first = append(
        "p1",
        0,
        vec![
            event("e1", "s-p1", "A", json!({"x": 1})),
            event("e2", "s-p1", "B", json!({})),
        ],
    );
    let original = store.append(first.clone()).await.unwrap();
    assert!(!original.duplicate);

    // The retry arrives after the procedure moved on: still the original result.
    store
        .append(append("p1", 2, vec![event("e3", "s-p1", "C", json!({}))]))
        .await
        .unwrap();
    let retried = store.append(first.clone()).await.expect("retry");
    assert!(retried.duplicate);
    assert_eq!(
        (
            retried.procedure_version,
            retried.first_position,
            retried.last_position
        ),
        (
            original.procedure_version,
            original.first_position,
            original.last_position
        )
    );
    assert_eq!(store.head().await.unwrap(), 3);

    // Two copies of one append in flight at once: one write, two equal answers.
    let twice = append("p2", 0, vec![event("e10", "s-p2", "A", json!({}))]);
    let (a, b) = tokio::join!(store.append(twice.clone()), store.append(twice.clone()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        (a.first_position, a.procedure_version),
        (b.first_position, b.procedure_version)
    );
    assert!(
        a.duplicate ^ b.duplicate,
        "exactly one of the two wrote: {a:?} {b:?}"
    );
    assert_eq!(store.head().await.unwrap(), 4);

    // Some ids reused with new ones, or ids reused for another procedure: refused.
    let partial = store
        .append(append(
            "p1",
            3,
            vec![
                event("e1", "s-p1", "A", json!({})),
                event("e9", "s-p1", "Z", json!({})),
            ],
        ))
        .await;
    assert!(
        matches!(partial, Err(AppendError::IdempotencyMismatch(_))),
        "{partial:?}"
    );
    let elsewhere = store
        .append(append("p3", 0, vec![event("e1", "s-p3", "A", json!({}))]))
        .await;
    assert!(
        matches!(elsewhere, Err(AppendError::IdempotencyMismatch(_))),
        "{elsewhere:?}"
    );
    assert_eq!(store.head().await.unwrap(), 4);
}

async fn failed_multi_stream_append_writes_nothing(backend: Backend) {
    let store = backend.open().await;
    store
        .append(append(
            "p1",
            0,
            vec![event("e1", "tender-p1", "A", json!({}))],
        ))
        .await
        .unwrap();

    // The second event targets a stream that belongs to another procedure:
    // the whole append is refused, including the event for its own stream.
    let refused = store
        .append(append(
            "p2",
            0,
            vec![
                event("e2", "tender-p2", "A", json!({})),
                event("e3", "tender-p1", "B", json!({})),
            ],
        ))
        .await;
    assert!(
        matches!(refused, Err(AppendError::Invalid(_))),
        "{refused:?}"
    );

    // A repeated event id inside one append, and an empty append.
    let repeated = store
        .append(append(
            "p2",
            0,
            vec![
                event("e4", "tender-p2", "A", json!({})),
                event("e4", "bid-x", "B", json!({})),
            ],
        ))
        .await;
    assert!(
        matches!(repeated, Err(AppendError::Invalid(_))),
        "{repeated:?}"
    );
    assert!(matches!(
        store.append(append("p2", 0, vec![])).await,
        Err(AppendError::Invalid(_))
    ));

    // A procedure's kind is fixed at creation.
    let mut other_kind = append("p1", 1, vec![event("e5", "tender-p1", "A", json!({}))]);
    other_kind.procedure_kind = "another".into();
    assert!(matches!(
        store.append(other_kind).await,
        Err(AppendError::Invalid(_))
    ));

    assert!(store.read_procedure("p2").await.unwrap().is_empty());
    assert!(store.read_stream("tender-p2").await.unwrap().is_empty());
    assert_eq!(store.head().await.unwrap(), 1);

    // Refused appends in the same batch as good ones do not disturb them.
    let (good, bad) = tokio::join!(
        store.append(append(
            "p3",
            0,
            vec![event("e6", "tender-p3", "A", json!({}))]
        )),
        store.append(append(
            "p4",
            0,
            vec![event("e7", "tender-p1", "A", json!({}))]
        )),
    );
    assert_eq!(good.unwrap().first_position, 2);
    assert!(bad.is_err());
    assert_eq!(store.head().await.unwrap(), 2);
}

async fn racing_appends_on_one_procedure_exactly_one_wins(backend: Backend) {
    let stores = [backend.open().await, backend.open().await];
    stores[0]
        .append(append("p1", 0, vec![event("e0", "s-p1", "A", json!({}))]))
        .await
        .unwrap();
    let mut racers = Vec::new();
    for i in 0..16 {
        let store = Arc::clone(&stores[i % 2]);
        racers.push(tokio::spawn(async move {
            store
                .append(append(
                    "p1",
                    1,
                    vec![event(&format!("r{i}"), "s-p1", "B", json!({"i": i}))],
                ))
                .await
        }));
    }
    let mut won = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(appended) => {
                won += 1;
                assert_eq!(appended.procedure_version, 2);
            }
            Err(AppendError::Conflict {
                expected: 1,
                actual: 2,
                ..
            }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(stores[1].read_procedure("p1").await.unwrap().len(), 2);
}

async fn read_all_pages_in_commit_order(backend: Backend) {
    let store = backend.open().await;
    let mut expected = Vec::new();
    for i in 0..40 {
        let procedure = format!("p{}", i % 5);
        let version = (i / 5) as u64;
        let id = format!("e{i}");
        store
            .append(append(
                &procedure,
                version,
                vec![event(&id, &format!("s-{procedure}"), "A", json!({"i": i}))],
            ))
            .await
            .unwrap();
        expected.push(id);
    }
    let mut cursor = 0;
    let mut seen = Vec::new();
    loop {
        let page = store.read_all(cursor, 7).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 7);
        for e in &page {
            assert_eq!(e.position, cursor + 1, "positions are gap-free");
            cursor = e.position;
            seen.push(e.event_id.clone());
        }
    }
    assert_eq!(seen, expected);
    assert!(store.read_all(40, 10).await.unwrap().is_empty());
    assert_eq!(store.read_all(38, 10).await.unwrap().len(), 2);
}

/// Eight independent writer instances (each with its own writer task and
/// connections, as if eight server processes shared the database) append
/// while a reader follows the log with `position > cursor`, the way the
/// change feed does ([`follow_log`]); [`judge_reader`] then checks that the
/// reader got positions 1, 2, 3, … with no hole and every acknowledged event
/// exactly once.
///
/// A store that hands out positions when rows are inserted (`bigserial`)
/// fails this: a transaction holding earlier positions can commit after one
/// holding later ones, and the reader's cursor has moved past them by then.
/// Why, and how our stores avoid it (the `store_head` counter row), is
/// explained in `docs/event-format.md`, "Global order without gaps";
/// [`naive_bigserial_log_fails_the_reader_check`] shows the same detector
/// catching exactly that on a `bigserial` table.
async fn concurrent_writers_reader_sees_every_event_once_in_order(backend: Backend) {
    const WRITERS: usize = 8;
    const APPENDS_PER_WRITER: usize = 60;
    let reader_store = backend.open().await;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let store = backend.open().await;
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut versions = BTreeMap::new();
            for i in 0..APPENDS_PER_WRITER {
                // Several procedures per writer; 1–3 events per append, over two streams.
                let procedure = format!("w{w}-p{}", i % 3);
                let version = versions.entry(procedure.clone()).or_insert(0u64);
                let events: Vec<NewEvent> = (0..=(i % 3))
                    .map(|k| {
                        let stream = if k == 1 {
                            format!("bid-{procedure}")
                        } else {
                            format!("tender-{procedure}")
                        };
                        event(
                            &format!("w{w}-{i}-{k}"),
                            &stream,
                            "E",
                            json!({"w": w, "i": i, "k": k}),
                        )
                    })
                    .collect();
                let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
                let appended = store
                    .append(append(&procedure, *version, events))
                    .await
                    .expect("append");
                *version = appended.procedure_version;
                acknowledged.extend(ids);
            }
            acknowledged
        }));
    }

    let (writers_done, done) = watch::channel(false);
    let reader = tokio::spawn({
        let store = Arc::clone(&reader_store);
        follow_log(
            move |cursor| {
                let store = Arc::clone(&store);
                async move {
                    store
                        .read_all(cursor, 50)
                        .await
                        .expect("read")
                        .into_iter()
                        .map(|e| (e.position, e.event_id))
                        .collect()
                }
            },
            done,
            watch::channel(0).0,
        )
    });

    let mut acknowledged = HashSet::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer"));
    }
    writers_done.send_replace(true);
    let seen = tokio::time::timeout(Duration::from_secs(120), reader)
        .await
        .expect("reader finished")
        .expect("reader");
    let expected: usize = (0..APPENDS_PER_WRITER).map(|i| i % 3 + 1).sum::<usize>() * WRITERS;
    assert_eq!(acknowledged.len(), expected);

    let log: Vec<(u64, String)> = all_events(reader_store.as_ref())
        .await
        .into_iter()
        .map(|e| (e.position, e.event_id))
        .collect();
    let findings = judge_reader(&seen, &acknowledged, &log);
    assert!(findings.clean(), "{findings:?}");
    assert_eq!(seen.len(), expected);
    for w in 0..WRITERS {
        for p in 0..3 {
            let events = reader_store
                .read_procedure(&format!("w{w}-p{p}"))
                .await
                .unwrap();
            verify_chain(&events).expect("every procedure's chain is intact");
        }
    }
}

/// Follows a log from the start the way the change feed does: reads the
/// events after `cursor` (`(position, event id)`, in position order), moves
/// the cursor to the last position of the page, publishes it on `progress`
/// and repeats. Stops at the first empty page that was asked for after
/// `writers_done` turned true: every acknowledged commit is visible by then.
async fn follow_log<R, F>(
    mut read_after: R,
    writers_done: watch::Receiver<bool>,
    progress: watch::Sender<u64>,
) -> Vec<(u64, String)>
where
    R: FnMut(u64) -> F,
    F: Future<Output = Vec<(u64, String)>>,
{
    let mut seen = Vec::new();
    let mut cursor = 0;
    loop {
        let last_read = *writers_done.borrow();
        let page = read_after(cursor).await;
        let Some((last, _)) = page.last() else {
            if last_read {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        };
        cursor = *last;
        progress.send_replace(cursor);
        seen.extend(page);
    }
}

/// What is wrong with what a log reader saw (`seen`, from [`follow_log`]),
/// given the events the writers were told are committed (`acknowledged`)
/// and the whole log read afterwards (`log`). Nothing, for a store whose
/// commits become visible in position order.
#[derive(Debug, Default)]
struct ReaderFindings {
    /// Each step where the reader's next position was not its cursor + 1:
    /// `(cursor, next position)`. A position jumped over is an event the
    /// reader skipped, unless it never commits.
    jumps: Vec<(u64, u64)>,
    /// Acknowledged events the reader never got: skipped for good.
    missed: Vec<String>,
    /// Events the reader got more than once.
    repeated: Vec<String>,
    /// Whether the reader's sequence differs from the log.
    differs_from_log: bool,
}

impl ReaderFindings {
    fn clean(&self) -> bool {
        self.jumps.is_empty()
            && self.missed.is_empty()
            && self.repeated.is_empty()
            && !self.differs_from_log
    }
}

fn judge_reader(
    seen: &[(u64, String)],
    acknowledged: &HashSet<String>,
    log: &[(u64, String)],
) -> ReaderFindings {
    let mut findings = ReaderFindings::default();
    let mut cursor = 0;
    let mut got = HashSet::new();
    for (position, id) in seen {
        if *position != cursor + 1 {
            findings.jumps.push((cursor, *position));
        }
        cursor = *position;
        if !got.insert(id.as_str()) {
            findings.repeated.push(id.clone());
        }
    }
    findings.missed = acknowledged
        .iter()
        .filter(|id| !got.contains(id.as_str()))
        .cloned()
        .collect();
    findings.missed.sort();
    findings.differs_from_log = seen != log;
    findings
}

/// The detector of [`concurrent_writers_reader_sees_every_event_once_in_order`]
/// pointed at a deliberately naive store on the real PostgreSQL test server:
/// an events table whose positions come from `bigserial`, as sketched in
/// `docs/event-format.md`, "Global order without gaps". Writer A takes a
/// position and holds its transaction open; writer B takes the next one and
/// commits first; the reader, following with `position > cursor`, gets B's
/// event and moves past A's position; only then A commits. The detector must
/// report A's event as skipped. (If this test ever passes on the naive table
/// by finding nothing, the detector has gone blind.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn naive_bigserial_log_fails_the_reader_check() {
    let test = concat!(
        module_path!(),
        "::naive_bigserial_log_fails_the_reader_check"
    );
    let Some(url) = e2e::backends::postgres_database(test).await else {
        return;
    };
    connect(&url)
        .await
        .batch_execute(
            "CREATE TABLE naive_events (
                 position bigserial PRIMARY KEY,
                 event_id text NOT NULL UNIQUE
             )",
        )
        .await
        .expect("create the naive table");

    let (writers_done, done) = watch::channel(false);
    let (progress, mut cursor) = watch::channel(0u64);
    let reader = tokio::spawn({
        let client = Arc::new(connect(&url).await);
        follow_log(
            move |cursor| {
                let client = Arc::clone(&client);
                async move { naive_read_after(&client, cursor).await }
            },
            done,
            progress,
        )
    });

    let (mut a, mut b) = (connect(&url).await, connect(&url).await);
    let writer_a = a.transaction().await.expect("begin A");
    let position_a = naive_insert(&writer_a, "a").await;
    let writer_b = b.transaction().await.expect("begin B");
    let position_b = naive_insert(&writer_b, "b").await;
    assert!(position_a < position_b, "{position_a} {position_b}");
    writer_b.commit().await.expect("commit B");
    // A commits only once the reader has moved past B's position, so the
    // outcome does not depend on timing.
    tokio::time::timeout(
        Duration::from_secs(30),
        cursor.wait_for(|cursor| *cursor >= position_b),
    )
    .await
    .expect("the reader got B's event")
    .expect("the reader is running");
    writer_a.commit().await.expect("commit A");
    let acknowledged: HashSet<String> = ["a".to_owned(), "b".to_owned()].into();
    writers_done.send_replace(true);

    let seen = tokio::time::timeout(Duration::from_secs(30), reader)
        .await
        .expect("reader finished")
        .expect("reader");
    let log = naive_read_after(&connect(&url).await, 0).await;
    assert_eq!(
        log,
        [(position_a, "a".to_owned()), (position_b, "b".to_owned())]
    );
    let findings = judge_reader(&seen, &acknowledged, &log);
    assert!(
        !findings.clean(),
        "the detector found nothing: {findings:?}"
    );
    assert_eq!(findings.missed, ["a"], "{findings:?}");
    assert_eq!(findings.jumps, [(0, position_b)], "{findings:?}");
    assert!(findings.differs_from_log, "{findings:?}");
    e2e::backends::ran("postgres", test);
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client
}

async fn naive_insert(writer: &tokio_postgres::Transaction<'_>, id: &str) -> u64 {
    let row = writer
        .query_one(
            "INSERT INTO naive_events (event_id) VALUES ($1) RETURNING position",
            &[&id],
        )
        .await
        .expect("insert");
    u64::try_from(row.get::<_, i64>(0)).expect("bigserial positions are positive")
}

async fn naive_read_after(client: &tokio_postgres::Client, cursor: u64) -> Vec<(u64, String)> {
    let cursor = i64::try_from(cursor).expect("cursor fits a bigint");
    client
        .query(
            "SELECT position, event_id FROM naive_events WHERE position > $1 \
             ORDER BY position LIMIT 50",
            &[&cursor],
        )
        .await
        .expect("read")
        .iter()
        .map(|row| {
            let position = row.get::<_, i64>(0);
            (
                u64::try_from(position).expect("bigserial positions are positive"),
                row.get(1),
            )
        })
        .collect()
}

async fn hash_chain_links_across_appends(backend: Backend) {
    let stores = [backend.open().await, backend.open().await];
    // Interleave two procedures over two store instances and several batches.
    for i in 0..6u64 {
        let store = &stores[(i % 2) as usize];
        store
            .append(append(
                "a",
                i,
                vec![event(&format!("a{i}"), "s-a", "A", json!({"i": i}))],
            ))
            .await
            .unwrap();
        store
            .append(append(
                "b",
                2 * i,
                vec![
                    event(&format!("b{i}x"), "s-b", "B", json!({"i": i})),
                    event(&format!("b{i}y"), "t-b", "C", json!({"i": i})),
                ],
            ))
            .await
            .unwrap();
    }
    for procedure in ["a", "b"] {
        let events = stores[0].read_procedure(procedure).await.unwrap();
        verify_chain(&events).expect("intact chain");
        assert_eq!(events[0].prev_hash, commands::store::GENESIS_HASH);
        for pair in events.windows(2) {
            assert_eq!(pair[1].prev_hash, pair[0].hash);
        }
        let hashes: HashSet<&String> = events.iter().map(|e| &e.hash).collect();
        assert_eq!(hashes.len(), events.len());
    }

    // Any change to stored content is detected, and the first bad event named.
    let mut tampered = stores[1].read_procedure("b").await.unwrap();
    tampered[4].data = json!({"i": 99});
    let error = verify_chain(&tampered).expect_err("tampering detected");
    assert_eq!(error.position(), tampered[4].position);
    let mut relinked = stores[1].read_procedure("b").await.unwrap();
    relinked.remove(3);
    assert!(
        verify_chain(&relinked).is_err(),
        "a removed event is detected"
    );
}

async fn subscribers_wake_on_commit(backend: Backend) {
    let writer = backend.open().await;
    let follower = backend.open().await;
    let mut own = writer.subscribe();
    let mut other = follower.subscribe();
    assert_eq!(*own.borrow_and_update(), 0);
    let appended = writer
        .append(append("p1", 0, vec![event("e1", "s", "A", json!({}))]))
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), own.changed())
        .await
        .expect("writer's own subscribers wake")
        .unwrap();
    assert_eq!(*own.borrow(), appended.last_position);
    // Another instance (another process) learns of the commit too.
    tokio::time::timeout(Duration::from_secs(5), async {
        while *other.borrow_and_update() < appended.last_position {
            other.changed().await.unwrap();
        }
    })
    .await
    .expect("other instances' subscribers wake");
}

async fn events_survive_reopening(backend: Backend) {
    let before = {
        let store = backend.open().await;
        for i in 0..10u64 {
            store
                .append(append(
                    "p",
                    i,
                    vec![event(&format!("e{i}"), "s-p", "A", json!({"i": i}))],
                ))
                .await
                .unwrap();
        }
        all_events(store.as_ref()).await
    };
    // Give dropped writer tasks a moment to wind down.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let store = backend.open().await;
    assert_eq!(all_events(store.as_ref()).await, before);
    assert_eq!(store.head().await.unwrap(), 10);
    let next = store
        .append(append("p", 10, vec![event("e10", "s-p", "A", json!({}))]))
        .await
        .unwrap();
    assert_eq!((next.procedure_version, next.first_position), (11, 11));
    verify_chain(&store.read_procedure("p").await.unwrap()).unwrap();
}

async fn procedure_kind_of_known_and_unknown_procedures(backend: Backend) {
    let store = backend.open().await;
    assert_eq!(store.procedure_kind("p1").await.unwrap(), None);
    let mut tender = append("p1", 0, vec![event("e1", "tender-p1", "A", json!({}))]);
    tender.procedure_kind = "priceQuotation".to_owned();
    store.append(tender).await.unwrap();
    store
        .append(append("p2", 0, vec![event("e2", "s-p2", "A", json!({}))]))
        .await
        .unwrap();
    assert_eq!(
        store.procedure_kind("p1").await.unwrap().as_deref(),
        Some("priceQuotation")
    );
    assert_eq!(
        store.procedure_kind("p2").await.unwrap().as_deref(),
        Some("test")
    );
    assert_eq!(store.procedure_kind("p3").await.unwrap(), None);
    let kinds = store
        .procedure_kinds(&["p1".into(), "p2".into(), "p3".into()])
        .await
        .unwrap();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert_eq!(kinds["p1"], "priceQuotation");
    assert_eq!(kinds["p2"], "test");
    assert!(store.procedure_kinds(&[]).await.unwrap().is_empty());
    // A refused creation leaves no procedure behind.
    store
        .append(append("p4", 0, vec![event("e1", "s-p4", "A", json!({}))]))
        .await
        .expect_err("e1 belongs to p1");
    assert_eq!(store.procedure_kind("p4").await.unwrap(), None);
    // Another instance (another process) sees the same.
    let other = backend.open().await;
    assert_eq!(
        other.procedure_kind("p1").await.unwrap().as_deref(),
        Some("priceQuotation")
    );
}

/// What start-up checks against the registry: each kind once, at the
/// position of the first event of a procedure of that kind.
async fn kinds_in_log_name_each_kind_at_its_first_event(backend: Backend) {
    let store = backend.open().await;
    assert!(store.kinds_in_log().await.unwrap().is_empty());
    let of_kind = |id: &str, kind: &str, version: u64, event_id: &str| {
        let mut append = append(
            id,
            version,
            vec![event(event_id, &format!("s-{id}"), "A", json!({}))],
        );
        append.procedure_kind = kind.to_owned();
        append
    };
    store.append(of_kind("p1", "alpha", 0, "e1")).await.unwrap();
    store.append(of_kind("p1", "alpha", 1, "e2")).await.unwrap();
    store.append(of_kind("p2", "beta", 0, "e3")).await.unwrap();
    store.append(of_kind("p3", "alpha", 0, "e4")).await.unwrap();
    // A refused creation adds no kind.
    store
        .append(of_kind("p4", "gamma", 0, "e1"))
        .await
        .expect_err("e1 belongs to p1");
    assert_eq!(
        store.kinds_in_log().await.unwrap(),
        [("alpha".to_owned(), 1), ("beta".to_owned(), 3)]
    );
}

async fn concurrent_sequence_numbers_are_distinct_and_dense(backend: Backend) {
    // Two instances, like two server processes on one store.
    let stores = [backend.open().await, backend.open().await];
    let mut takers = Vec::new();
    for i in 0..8 {
        let store = Arc::clone(&stores[i % 2]);
        takers.push(tokio::spawn(async move {
            let mut taken = Vec::with_capacity(50);
            for _ in 0..50 {
                taken.push(store.next_in_sequence("tenderID:2023-09-20").await.unwrap());
            }
            taken
        }));
    }
    let mut all = Vec::new();
    for taker in takers {
        let taken = taker.await.unwrap();
        assert!(
            taken.windows(2).all(|w| w[0] < w[1]),
            "one caller's numbers only grow: {taken:?}"
        );
        all.extend(taken);
    }
    all.sort_unstable();
    assert_eq!(all, (1..=400).collect::<Vec<u64>>());
}

async fn sequences_are_independent(backend: Backend) {
    let store = backend.open().await;
    let a = "tenderID:2023-09-20";
    let b = "tenderID:2023-09-21";
    assert_eq!(store.next_in_sequence(a).await.unwrap(), 1);
    assert_eq!(store.next_in_sequence(a).await.unwrap(), 2);
    assert_eq!(store.next_in_sequence(b).await.unwrap(), 1);
    assert_eq!(store.next_in_sequence(a).await.unwrap(), 3);
    assert_eq!(store.next_in_sequence(b).await.unwrap(), 2);
    // Sequences are not events: the log is untouched.
    assert_eq!(store.head().await.unwrap(), 0);
}

async fn sequences_survive_reopening(backend: Backend) {
    {
        let store = backend.open().await;
        for expected in 1..=5 {
            assert_eq!(store.next_in_sequence("s").await.unwrap(), expected);
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let store = backend.open().await;
    assert_eq!(store.next_in_sequence("s").await.unwrap(), 6);
    assert_eq!(store.next_in_sequence("other").await.unwrap(), 1);
}
