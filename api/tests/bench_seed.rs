//! `cdb bench seed`: every registered type, several statuses each, a log
//! that `cdb replay verify` accepts, and the same corpus for the same seed.

use std::sync::Arc;

use api::bench::seed::{SeedOptions, SeedReport, seed};
use commands::store::{EventStore, StoreLocation, open_store};

async fn seeded(procedures: usize) -> (SeedReport, Arc<dyn EventStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let location = StoreLocation::Sqlite(dir.path().join("cdb.sqlite3"));
    let store = open_store(&location, true).await.expect("store");
    let options = SeedOptions {
        procedures,
        seed: 7,
    };
    let report = seed(&location, store.clone(), dir.path(), &options, |_, _| {})
        .await
        .expect("seeding");
    (report, store, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_every_type_with_a_spread_of_statuses_and_a_valid_log() {
    let (report, store, _dir) = seeded(60).await;
    eprintln!("{}", report.summary());
    let registry = api::registry::Registry::builtin(Default::default());
    for kind in registry.kinds() {
        let statuses = report
            .by_kind
            .get(kind.name())
            .unwrap_or_else(|| panic!("no {} procedures: {report:?}", kind.name()));
        assert!(statuses.len() >= 3, "{}: {statuses:?}", kind.name());
    }
    for kind in ["priceQuotation", "basicSell-multiAwards"] {
        assert!(
            report.by_kind[kind].contains_key("complete"),
            "{kind}: {report:?}"
        );
    }
    let verified = replay::verify(store.as_ref(), |_| {}).await;
    assert!(verified.is_ok(), "{verified:?}");
    // Completed procedures disclosed their bids and hold an active contract.
    let events = store.read_all(0, 100_000).await.expect("the log");
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert!(types.contains(&"BidsDisclosed"), "{types:?}");
    assert!(types.iter().any(|t| t.contains("Contract")), "{types:?}");

    let (again, _, _dir2) = seeded(60).await;
    assert_eq!(again.events, report.events, "same seed, same corpus");
    assert_eq!(again.by_kind, report.by_kind);
}
