//! The auditor's tools (`replay` crate, behind `cdb replay …`) on both store
//! backends, over procedures written through the real HTTP API: tampering
//! with one stored event is caught and named; a rebuild equals the live read
//! models (and repairs them when they were altered); `show --at` gives back
//! the bytes `GET` served at that moment; history diffs; export bundles.

use std::sync::Arc;

use chrono::TimeDelta;
use commands::store::{ChainError, StoreLocation};
use e2e::http::{BROKER_KEY, StatusCode, TestServer, pixeli};
use e2e::pq::{activated, create, submit_bid};
use projections::ReadStore;
use projections::read_store::sqlite::SqliteReadStore;
use replay::{At, Problem};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    tampering_with_one_event_is_named,
    rebuild_equals_the_live_read_models,
    show_at_gives_back_what_was_served,
    export_bundles_verify_offline,
);

/// Overwrites the stored data of the event at `position`, behind the
/// store's back (as an attacker with database access would).
async fn tamper(server: &TestServer, position: u64, data: &Json) {
    match &server.location {
        StoreLocation::Sqlite(path) => {
            let connection = rusqlite::Connection::open(path).expect("open the SQLite file");
            connection
                .execute_batch("DROP TRIGGER events_no_update")
                .expect("drop the append-only trigger");
            let changed = connection
                .execute(
                    "UPDATE events SET data = ?1 WHERE position = ?2",
                    rusqlite::params![data.to_string(), position as i64],
                )
                .expect("update");
            assert_eq!(changed, 1);
        }
        StoreLocation::Postgres(url) => {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            tokio::spawn(connection);
            client
                .batch_execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .await
                .expect("disable the append-only trigger");
            let changed = client
                .execute(
                    "UPDATE events SET data = $1 WHERE position = $2",
                    &[data, &(position as i64)],
                )
                .await
                .expect("update");
            assert_eq!(changed, 1);
        }
    }
}

async fn tampering_with_one_event_is_named(server: TestServer) {
    let first = create(&server).await;
    let tender = activated(&server).await;
    submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 250).await;
    create(&server).await;
    let report = replay::verify(server.store.as_ref(), |_| {})
        .await
        .expect("an untouched log verifies");
    let head = server.head().await;
    assert_eq!((report.events, report.procedures), (head, 3));

    // The activation: a middle event of its procedure, with later events of
    // the same procedure and of others after it.
    let events = server.store.read_procedure(&tender.id).await.expect("read");
    let victim = events
        .iter()
        .find(|e| e.event_type == "TenderActivated")
        .expect("an activation event")
        .clone();
    assert!(victim.position < head - 1, "not the last event");
    let mut data = victim.data.clone();
    data["at"] = json!("2023-09-21T01:00:00+03:00");
    assert_ne!(data, victim.data, "the edit changes something");
    tamper(&server, victim.position, &data).await;

    let error = replay::verify(server.store.as_ref(), |_| {})
        .await
        .expect_err("a tampered log fails");
    let bad = error
        .bad_event()
        .unwrap_or_else(|| panic!("names an event: {error}"));
    assert_eq!(bad.position, victim.position);
    assert_eq!(bad.event_id, victim.event_id);
    assert_eq!(bad.procedure_id, tender.id);
    assert_eq!(bad.event_type, "TenderActivated");
    assert!(
        matches!(bad.problem, Problem::Chain(ChainError::HashMismatch { .. })),
        "{error}"
    );
    let text = error.to_string();
    for part in [
        victim.event_id.as_str(),
        &format!("position {}", victim.position),
        &tender.id,
        "TenderActivated",
    ] {
        assert!(text.contains(part), "{text} should mention {part}");
    }
    // The other procedures still verify on their own, the tampered one not.
    let intact = server.store.read_procedure(&first.id).await.expect("read");
    assert!(commands::store::verify_chain(&intact).is_ok());
    let tampered = server.store.read_procedure(&tender.id).await.expect("read");
    assert!(commands::store::verify_chain(&tampered).is_err());
}

async fn rebuild_equals_the_live_read_models(server: TestServer) {
    let tender = activated(&server).await;
    submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 250).await;
    create(&server).await;
    server.settle().await;
    let scratch = tempfile::tempdir().expect("scratch");
    let mut calls = 0;
    let report = replay::rebuild(
        server.store.clone(),
        server.projector.read_store().clone(),
        server.registry.published(),
        scratch.path(),
        |_, _| calls += 1,
    )
    .await
    .expect("rebuild");
    assert!(report.identical(), "{report:?}");
    assert_eq!(report.position, server.head().await);
    assert!(calls > 0, "progress reported");
    assert_eq!(report.live[0].rows, 2, "two documents");
    assert_eq!(report.live[1].rows, 2, "two feed rows");
    assert_eq!(
        (report.live_was_at, report.caught_up_to),
        (report.position, report.position)
    );
    let live_digests = server
        .projector
        .read_store()
        .snapshot()
        .await
        .expect("snapshot")
        .digests();
    assert_eq!(
        live_digests, report.rebuilt,
        "installed content is what was compared"
    );

    // Read models that are behind the log (here: empty, as when no server
    // projected) are first brought up to the head, then compared there.
    let behind_dir = tempfile::tempdir().expect("dir");
    let behind: Arc<dyn ReadStore> =
        Arc::new(SqliteReadStore::open(&behind_dir.path().join("live.sqlite3")).expect("open"));
    let scratch = tempfile::tempdir().expect("scratch");
    let report = replay::rebuild(
        server.store.clone(),
        behind.clone(),
        server.registry.published(),
        scratch.path(),
        |_, _| {},
    )
    .await
    .expect("rebuild");
    assert_eq!(report.live_was_at, 0);
    assert_eq!(report.caught_up_to, server.head().await);
    assert!(report.identical(), "{report:?}");
    assert_eq!(
        behind.snapshot().await.expect("snapshot").digests(),
        live_digests
    );

    // Alter a live document: the rebuild notices, reports it and repairs it.
    let before = server.get_bytes(&tender.path).await.2;
    let read = server.projector.read_store();
    let mut snapshot = read.snapshot().await.expect("snapshot");
    snapshot.documents[0].body = "{\"data\":{\"status\":\"complete\"}}".into();
    let position = snapshot.documents_position;
    read.replace(snapshot, position).await.expect("alter");
    let scratch = tempfile::tempdir().expect("scratch");
    let report = replay::rebuild(
        server.store.clone(),
        read.clone(),
        server.registry.published(),
        scratch.path(),
        |_, _| {},
    )
    .await
    .expect("rebuild");
    assert!(!report.identical(), "the altered document is noticed");
    assert_ne!(report.live[0].sha256, report.rebuilt[0].sha256);
    assert_eq!(
        report.live[1], report.rebuilt[1],
        "the feed was not altered"
    );
    assert_eq!(server.get_bytes(&tender.path).await.2, before, "repaired");
}

async fn show_at_gives_back_what_was_served(server: TestServer) {
    let tender = create(&server).await;
    let (status, _, served_draft) = server.get_bytes(&tender.path).await;
    assert_eq!(status, StatusCode::OK);
    let draft_position = server.head().await;
    let draft_time = server.now();

    server.advance(TimeDelta::minutes(5));
    let (status, _, _) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"title": "Нова назва"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    server.advance(TimeDelta::minutes(5));
    let (status, body) = e2e::pq::activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let served_now = server.get_bytes(&tender.path).await.2;
    assert_ne!(served_now, served_draft);

    let store = server.store.as_ref();
    let kinds = server.registry.published();
    let at_position = replay::show(store, kinds, &tender.id, Some(At::Position(draft_position)))
        .await
        .expect("show at a position");
    assert_eq!(at_position.as_bytes(), served_draft.as_slice());
    let at_time = replay::show(
        store,
        kinds,
        &tender.id,
        Some(At::Time(draft_time + TimeDelta::minutes(4))),
    )
    .await
    .expect("show at a time");
    assert_eq!(at_time.as_bytes(), served_draft.as_slice());
    let now = replay::show(store, kinds, &tender.id, None)
        .await
        .expect("show now");
    assert_eq!(now.as_bytes(), served_now.as_slice());
    assert!(matches!(
        replay::show(store, kinds, &tender.id, Some(At::Position(0))).await,
        Err(replay::ShowError::NotYet(_))
    ));
    assert!(matches!(
        replay::show(store, kinds, "0123456789abcdef0123456789abcdef", None).await,
        Err(replay::ShowError::NotFound(_))
    ));

    let history = replay::history(store, kinds, &tender.id)
        .await
        .expect("history");
    let types: Vec<&str> = history.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "TenderCreated",
            "DocumentAdded",
            "TenderEdited",
            "TenderActivated"
        ]
    );
    let has = |index: usize, op: &str, path: &str| {
        let ops = serde_json::to_value(&history[index].patch).expect("a patch is JSON");
        ops.as_array()
            .is_some_and(|ops| ops.iter().any(|o| o["op"] == op && o["path"] == path))
    };
    assert!(has(1, "add", "/data/documents"), "{:?}", history[1].patch);
    assert!(has(2, "replace", "/data/title"), "{:?}", history[2].patch);
    assert!(has(3, "replace", "/data/status"), "{:?}", history[3].patch);
    assert_eq!(
        history.iter().map(|e| e.position).collect::<Vec<_>>(),
        server
            .store
            .read_procedure(&tender.id)
            .await
            .expect("read")
            .iter()
            .map(|e| e.position)
            .collect::<Vec<_>>()
    );
    // Applying every patch in turn gives the current document, and each
    // intermediate document is what `show --at` gives for that position.
    let mut document = Json::Null;
    for entry in &history {
        let text = serde_json::to_string(&entry.patch).expect("serialise");
        let patch: json_patch::Patch = serde_json::from_str(&text).expect("an RFC 6902 patch");
        json_patch::patch(&mut document, &patch).expect("the patch applies");
        let shown = replay::show(store, kinds, &tender.id, Some(At::Position(entry.position)))
            .await
            .expect("show");
        assert_eq!(
            document.to_string(),
            shown,
            "after position {}",
            entry.position
        );
    }
    assert_eq!(document.to_string().as_bytes(), served_now.as_slice());
}

async fn export_bundles_verify_offline(server: TestServer) {
    let tender = activated(&server).await;
    create(&server).await;
    let bundle = replay::export(server.store.as_ref(), &tender.id)
        .await
        .expect("export");
    // Created, signed, activated.
    assert_eq!(bundle.events.len(), 3);
    assert_eq!(bundle.kind, "priceQuotation");
    let text = serde_json::to_string(&bundle).expect("serialise");
    let read_back: replay::Bundle = serde_json::from_str(&text).expect("parse");
    assert_eq!(replay::verify_bundle(&read_back).expect("verifies"), 3);

    let mut forged = read_back.clone();
    forged.events[2].data["at"] = json!("2023-09-21T01:00:00+03:00");
    let error = replay::verify_bundle(&forged).expect_err("forgery is caught");
    let bad = error
        .bad_event()
        .unwrap_or_else(|| panic!("names an event: {error}"));
    assert_eq!(
        (bad.position, bad.event_id.as_str()),
        (
            forged.events[2].position,
            forged.events[2].event_id.as_str()
        )
    );
    assert!(
        error.to_string().contains(&forged.events[2].event_id),
        "names the event: {error}"
    );
    let mut truncated = read_back.clone();
    truncated.events.pop();
    assert!(
        replay::verify_bundle(&truncated).is_err(),
        "a cut bundle fails"
    );
}
