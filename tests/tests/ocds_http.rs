//! OCDS through the real HTTP server on both store backends: a
//! priceQuotation tender carried to a signed contract, one that ends
//! unsuccessful, a draft, a multi-award sale sold in two parts and
//! completed, and a Dutch sale through its auction. Every release package,
//! release, record package, compiled and versioned release the server
//! answers validates against the vendored OCDS 1.1 schemas and codelists;
//! the releases are the log's changes in commit order (paged both ways and
//! live); each record holds its ocid's releases and their merge; a rebuild
//! of the read models and `cdb export ocds` give the same releases.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use e2e::http::{BROKER_KEY, OCDS_PREFIX, OTHER_KEY, StatusCode, TestServer, shteker};
use e2e::pq::{activated, create, end_tendering, submit_bid};
use e2e::sale::Scenario;
use e2e::sse::read_events;
use ocds::validate::Schemas;
use serde_json::{Value as Json, json};

e2e::on_both_backends!(every_ocds_document_validates_and_follows_the_log);

const RELEASES: &str = "/api/2.5/ocds/releases";
const RECORDS: &str = "/api/2.5/ocds/records";

fn assert_valid(errors: Vec<String>, what: &str) {
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

/// Every release from `first` on, following `links.next` until a page is
/// empty, each page validated as a release package.
async fn follow(server: &TestServer, schemas: &Schemas, first: &str) -> Vec<Json> {
    let mut releases = Vec::new();
    let mut path = first.to_owned();
    for pages in 1.. {
        let (status, _, package) = server.get(&path, None, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {package}");
        let page = package["releases"].as_array().cloned().unwrap_or_default();
        if page.is_empty() {
            // Where the releases end for now: no package (OCDS wants one
            // release at least), the link to poll from again.
            let next = package["links"]["next"].as_str().unwrap_or_default();
            assert_eq!(
                next.strip_prefix(&server.base),
                Some(path.as_str()),
                "the end links to itself: {package}"
            );
            return releases;
        }
        assert_valid(schemas.release_package(&package), &format!("GET {path}"));
        releases.extend(page);
        let next = package["links"]["next"]
            .as_str()
            .unwrap_or_else(|| panic!("links.next in {package}"));
        path = next
            .strip_prefix(&server.base)
            .unwrap_or_else(|| panic!("{next} is not on {}", server.base))
            .to_owned();
        assert!(pages < 1000, "the releases do not end");
    }
    unreachable!()
}

fn ids(releases: &[Json]) -> Vec<String> {
    releases
        .iter()
        .map(|release| release["id"].as_str().expect("release id").to_owned())
        .collect()
}

/// The log position a release id ends with.
fn position(release: &Json) -> u64 {
    let id = release["id"].as_str().expect("release id");
    id.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("release id {id} does not end with a position"))
}

fn ocid_of(document: &Json) -> String {
    let data = &document["data"];
    let id = data["tenderID"]
        .as_str()
        .or_else(|| data["auctionId"].as_str())
        .unwrap_or_else(|| panic!("no tenderID or auctionId in {document}"));
    format!("ocds-{OCDS_PREFIX}-{id}")
}

async fn document(server: &TestServer, path: &str) -> Json {
    let (status, _, body) = server.get(path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The procedures of the scenarios, by ocid, with the tags their releases
/// must include somewhere; and the draft's ocid.
async fn scenarios(server: &TestServer) -> (BTreeMap<String, Vec<&'static str>>, String) {
    let mut expected = BTreeMap::new();
    // A sale sold in two parts and completed.
    let s = Scenario::qualification(server, (1000, 200, 100), &[(200, 120), (300, 110)]).await;
    for u in 1..=2 {
        s.qualify(u).await;
    }
    for u in 1..=2 {
        s.sign(u).await;
    }
    let (status, body) = s.complete().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    expected.insert(
        ocid_of(&document(server, &s.sale.path).await),
        vec!["tender", "award", "contract", "contractUpdate"],
    );

    // priceQuotation: one tender to a signed contract, one without bids.
    let tender = activated(server).await;
    let lonely = activated(server).await;
    let draft = create(server).await;
    submit_bid(server, &tender, OTHER_KEY, &shteker(), 200).await;
    end_tendering(server).await;
    let awarded = document(server, &tender.path).await;
    let award = awarded["data"]["awards"][0]["id"]
        .as_str()
        .expect("award")
        .to_owned();
    let (status, body) = e2e::pq::decide_award(
        server,
        &tender,
        &award,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let contract = document(server, &tender.path).await["data"]["contracts"][0]["id"]
        .as_str()
        .expect("contract")
        .to_owned();
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/contracts/{contract}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    expected.insert(
        ocid_of(&document(server, &tender.path).await),
        vec!["tender", "award", "contract", "contractUpdate"],
    );
    expected.insert(
        ocid_of(&document(server, &lonely.path).await),
        vec!["tender", "tenderUpdate"],
    );
    let draft_ocid = ocid_of(&document(server, &draft.path).await);

    // A Dutch sale through its auction, nobody buying.
    let dutch = e2e::dutch::publish(server).await;
    e2e::dutch::bid(server, &dutch, "72000001").await;
    e2e::dutch::bid(server, &dutch, "72000002").await;
    e2e::dutch::start_auction(server, &dutch).await;
    e2e::dutch::end_auction(server, &dutch).await;
    expected.insert(
        ocid_of(&document(server, &dutch.path).await),
        vec!["tender", "tenderUpdate"],
    );
    server.settle().await;
    (expected, draft_ocid)
}

async fn every_ocds_document_validates_and_follows_the_log(server: TestServer) {
    let schemas = Schemas::default();
    let (expected, draft) = scenarios(&server).await;

    // Forward, three a page: every release once, in commit order, each
    // at the position of an event of its procedure.
    let releases = follow(&server, &schemas, &format!("{RELEASES}?limit=3")).await;
    let positions: Vec<u64> = releases.iter().map(position).collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "commit order: {positions:?}"
    );
    let log = server.store.read_all(0, 100_000).await.expect("the log");
    for release in &releases {
        let at = position(release);
        let event = log
            .iter()
            .find(|event| event.position == at)
            .unwrap_or_else(|| panic!("no event at {at}"));
        let (_, _, public) = server
            .get(&format!("{RELEASES}?limit=1&offset={}", at - 1), None, None)
            .await;
        assert_eq!(public["releases"][0], *release, "an offset resumes exactly");
        assert!(
            domain::time::parse_timestamp(release["date"].as_str().expect("date")).is_ok(),
            "{release}"
        );
        let date = domain::time::parse_timestamp(release["date"].as_str().unwrap_or_default())
            .expect("date");
        assert_eq!(date, event.recorded_at, "the date is the event's");
    }
    let by_ocid: BTreeMap<String, Vec<Json>> =
        releases.iter().fold(BTreeMap::new(), |mut map, release| {
            map.entry(release["ocid"].as_str().expect("ocid").to_owned())
                .or_insert_with(Vec::new)
                .push(release.clone());
            map
        });
    assert_eq!(
        by_ocid.keys().collect::<BTreeSet<_>>(),
        expected.keys().collect::<BTreeSet<_>>(),
        "a release stream for every published procedure, none for the draft"
    );
    for (ocid, tags) in &expected {
        let own = &by_ocid[ocid];
        assert_eq!(
            own[0]["tag"],
            json!(["tender"]),
            "{ocid} starts with its tender"
        );
        let seen: BTreeSet<&str> = own
            .iter()
            .flat_map(|r| r["tag"].as_array().into_iter().flatten())
            .filter_map(Json::as_str)
            .collect();
        for tag in tags {
            assert!(seen.contains(tag), "{ocid}: no {tag} release in {seen:?}");
        }
    }

    // Backward from the top, two a page: the same, newest first.
    let mut backward = follow(
        &server,
        &schemas,
        &format!("{RELEASES}?descending=1&limit=2"),
    )
    .await;
    backward.reverse();
    assert_eq!(ids(&backward), ids(&releases));
    let (_, _, second) = server
        .get(
            &format!("{RELEASES}?limit=2&offset={}", positions[1]),
            None,
            None,
        )
        .await;
    let prev = second["links"]["prev"].as_str().expect("links.prev");
    assert!(prev.contains("descending=1"), "{prev}");

    // Each record: its ocid's releases, their merge, valid.
    for (ocid, own) in &by_ocid {
        let (status, _, package) = server.get(&format!("{RECORDS}/{ocid}"), None, None).await;
        assert_eq!(status, StatusCode::OK, "{package}");
        assert_valid(
            schemas.record_package(&package),
            &format!("the record of {ocid}"),
        );
        let record = &package["records"][0];
        assert_eq!(record["ocid"], json!(ocid));
        assert_eq!(record["releases"], json!(own));
        assert_eq!(
            record["compiledRelease"],
            ocds::merge::compile(own).expect("merges")
        );
        assert_eq!(
            record["versionedRelease"],
            ocds::merge::versioned(own).expect("merges")
        );
    }
    let other_prefix = expected
        .keys()
        .next()
        .expect("an ocid")
        .replacen(OCDS_PREFIX, "zzz999", 1);
    for unknown in [
        draft.as_str(),
        "ocds-test01-UA-0000",
        "nothing",
        &other_prefix,
    ] {
        let (status, _, body) = server
            .get(&format!("{RECORDS}/{unknown}"), None, None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}: {body}");
        assert_eq!(
            body["errors"],
            json!([{"location": "url", "name": "ocid", "description": "Not Found"}])
        );
    }

    // Live: the same releases as server-sent events, each id the offset
    // to resume from.
    let url = format!("{}{RELEASES}?mode=stream", server.base);
    let streamed = read_events(&url, None, releases.len(), Duration::from_secs(20)).await;
    assert_eq!(
        streamed.iter().map(|e| e.data.clone()).collect::<Vec<_>>(),
        releases
    );
    for (event, at) in streamed.iter().zip(&positions) {
        assert_eq!(event.id, at.to_string());
    }
    let resumed = read_events(&url, Some(&streamed[2].id), 2, Duration::from_secs(20)).await;
    assert_eq!(resumed[0].data, releases[3]);

    // A rebuild of the read models gives the same releases, ids and all.
    let report = server.assert_replays().await;
    assert_eq!(report.live[4].read_model, "revisions");
    assert_eq!(
        follow(&server, &schemas, &format!("{RELEASES}?limit=100")).await,
        releases
    );

    // The export writes the same releases and one record per ocid.
    let out = tempfile::tempdir().expect("out");
    let store = match &server.location {
        commands::store::StoreLocation::Sqlite(path) => format!("sqlite:{}", path.display()),
        commands::store::StoreLocation::Postgres(url) => url.clone(),
    };
    api::ocds::export::run(api::cli::OcdsExportArgs {
        store: api::cli::StoreArgs {
            store,
            data_dir: out.path().to_owned(),
        },
        out: out.path().join("ocds"),
        ocds_prefix: OCDS_PREFIX.to_owned(),
    })
    .await
    .expect("export");
    let lines = |name: &str| -> Vec<Json> {
        std::fs::read_to_string(out.path().join("ocds").join(name))
            .expect("exported")
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    };
    assert_eq!(lines("releases.jsonl"), releases);
    let records = lines("records.jsonl");
    assert_eq!(
        records
            .iter()
            .map(|r| r["ocid"].as_str().expect("ocid").to_owned())
            .collect::<BTreeSet<_>>(),
        by_ocid.keys().cloned().collect::<BTreeSet<_>>()
    );
    for record in &records {
        assert_valid(schemas.record(record), "an exported record");
        assert_eq!(
            record["releases"],
            json!(by_ocid[record["ocid"].as_str().unwrap_or_default()])
        );
    }
}
