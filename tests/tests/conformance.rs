//! Conformance with the reference API: the recorded exchanges of the real
//! Prozorro CDB (`tests/conformance/openprocurement/`), replayed against
//! our server on both backends in the order their tutorial pages
//! (`tests/conformance/openprocurement-docs/`) show them, each answer
//! compared structurally with the recorded one (see `e2e::conformance`).
//!
//! The exchanges that do not match yet are listed, each with its reason, in
//! `tests/conformance/exceptions.toml`. Where the recordings have a hole (a
//! page exchange the snapshot lacks, or one the reference made off the
//! page) on which later exchanges depend, the runner sends the request
//! `tests/conformance/stand-ins.toml` gives in its place. The runner fails
//! when an exchange that is not listed differs, when a listed one matches
//! (so the list only shrinks), when a stand-in stands for a recorded
//! exchange or fails, and prints `conformance <type> (<backend>): N of M
//! exchanges match, K stand-ins` for each procedure type. With
//! `CDB_CONFORMANCE_VERBOSE=1` it also prints the stand-ins and the
//! differences of the listed exchanges.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use e2e::conformance::catalogue::CatalogueState;
use e2e::conformance::compare::{Answer, compare};
use e2e::conformance::exceptions::Exceptions;
use e2e::conformance::exchange;
use e2e::conformance::mapper::{Mapper, earliest_timestamp};
use e2e::conformance::ordering::{self, hex32_in, page_includes, recording_name};
use e2e::conformance::replay::{Step, Steps, recorded_brokers, replay, unused_steps};
use e2e::conformance::stand_ins::{self, StandIn};
use e2e::http::TestServer;
use serde_json::json;

e2e::on_both_backends!(price_quotation, open_tender);

/// What the reference's documentation test did around the priceQuotation
/// exchanges, outside the API.
const PRICE_QUOTATION: &Steps = &[
    // The four refused activations were made against a mocked catalogue
    // answering each fault their error names (the reference's texts:
    // "Profiles … not found", "Profiles …: hidden not in ('active',)",
    // "Tender agreement doesn't match profile agreement", "Agreement status
    // is not active").
    (
        "tender-with-non-existed-profile.http",
        Step::Catalogue(CatalogueState::ProfileMissing),
    ),
    (
        "tender-with-non-active-profile.http",
        Step::Catalogue(CatalogueState::ProfileStatus("hidden")),
    ),
    (
        "tender-agreement-mismatch-in-profile.http",
        Step::Catalogue(CatalogueState::ProfileOfAnotherAgreement),
    ),
    (
        "tender-agreement-terminated.http",
        Step::Catalogue(CatalogueState::AgreementStatus("terminated")),
    ),
    // The bids listing is read after the tender period ended: the reference
    // test moved its clock there, with the last bid's supplier disqualified
    // in the agreement meanwhile (the page: "Припустимо, що другий
    // постачальник в угоді був дискваліфікований", so that bid is
    // `invalid`). That supplier is the stand-in "a disqualified supplier's
    // bid" places, identifier 00037258.
    (
        "active-tendering-end-bids.http",
        Step::Catalogue(CatalogueState::SupplierDisqualified("00037258")),
    ),
    ("active-tendering-end-bids.http", Step::EndTenderPeriod),
];

/// The open tender's: the reference test moved its clock past the enquiry
/// period before the first bid (bids are taken once the tender period
/// starts), and past the tender period before the auction module's call.
const OPEN_TENDER: &Steps = &[
    ("register-bidder.http", Step::StartTenderPeriod),
    ("auction-url.http", Step::EndTenderPeriod),
];

async fn price_quotation(server: TestServer) {
    conform(
        server,
        "tendering__pricequotation__tutorial.rst",
        PRICE_QUOTATION,
    )
    .await;
}

async fn open_tender(server: TestServer) {
    conform(
        server,
        "tendering__belowthreshold__tutorial.rst",
        OPEN_TENDER,
    )
    .await;
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

fn exceptions() -> Exceptions {
    let path = fixtures().join("exceptions.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Exceptions::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The stand-ins of `procedure` and the replay order with them; panics
/// naming every stand-in that stands for nothing.
fn stand_ins_of(procedure: &ordering::Procedure) -> (Vec<StandIn>, Vec<stand_ins::Item>) {
    let path = fixtures().join("stand-ins.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let stand_ins =
        stand_ins::parse(&text, procedure).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let plan = stand_ins::plan(procedure, &stand_ins)
        .unwrap_or_else(|errors| panic!("{}:\n{}", path.display(), errors.join("\n")));
    (stand_ins, plan)
}

fn verbose() -> bool {
    std::env::var("CDB_CONFORMANCE_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0")
}

async fn conform(server: TestServer, page: &str, steps: &Steps) {
    let root = fixtures();
    let procedure = ordering::load(
        &root.join("openprocurement"),
        &root.join("openprocurement-docs"),
        page,
    )
    .unwrap_or_else(|e| panic!("loading the recordings of {page}: {e}"));
    assert!(
        !procedure.exchanges.is_empty(),
        "{page}: no recordings {}*",
        procedure.prefix
    );
    let unused = unused_steps(&procedure, steps);
    assert!(unused.is_empty(), "steps for no exchange: {unused:?}");
    let listed = exceptions().of(&procedure.name);
    let backend = server.backend.name();
    let (stand_ins, plan) = stand_ins_of(&procedure);

    let report = replay(&procedure, steps, (&stand_ins, &plan), server).await;

    let mut failures = report.stand_in_failures.clone();
    for name in listed.keys() {
        if !procedure.exchanges.iter().any(|e| &e.name == name) {
            failures.push(format!(
                "{name}: listed in exceptions.toml, but {} has no such exchange",
                procedure.name
            ));
        }
    }
    let mut details = String::new();
    for outcome in &report.outcomes {
        let differences = outcome.differences.join("\n    ");
        match (outcome.matches(), listed.get(&outcome.name)) {
            (true, Some(_)) => failures.push(format!(
                "{}: matches now: remove it from tests/conformance/exceptions.toml",
                outcome.name
            )),
            (false, None) => {
                failures.push(format!("{}: differs:\n    {differences}", outcome.name))
            }
            (false, Some(reason)) => {
                details.push_str(&format!(
                    "  {} (listed: {reason}):\n    {differences}\n",
                    outcome.name
                ));
            }
            (true, None) => {}
        }
    }
    let matched = report.outcomes.iter().filter(|o| o.matches()).count();
    let mut line = format!(
        "conformance {} ({backend}): {matched} of {} exchanges match, {} stand-ins\n",
        procedure.name,
        report.outcomes.len(),
        report.stand_ins.len()
    );
    if verbose() {
        for stand_in in &stand_ins {
            line.push_str(&format!(
                "  stand-in {}: {}\n",
                stand_in.name, stand_in.reason
            ));
        }
        if !procedure.not_recorded.is_empty() {
            line.push_str(&format!(
                "  included by the page, not recorded: {}\n",
                procedure.not_recorded.join(", ")
            ));
        }
        if !procedure.placed_by_ids.is_empty() {
            line.push_str(&format!(
                "  not on the page, placed by their ids: {}\n",
                procedure.placed_by_ids.join(", ")
            ));
        }
        if !report.rebuilt_after.is_empty() {
            line.push_str(&format!(
                "  state rebuilt after: {}\n",
                report.rebuilt_after.join(", ")
            ));
        }
        line.push_str(&details);
    }
    // Straight to the process's stderr, past the test harness's capture, so
    // the counts show in every run.
    let _ = std::io::stderr().write_all(line.as_bytes());
    assert!(
        failures.is_empty(),
        "conformance {} ({backend}): {} failures:\n{}",
        procedure.name,
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The exceptions file itself

#[test]
fn every_exception_names_a_recording_and_a_reason() {
    let exceptions = exceptions();
    let recordings = fixtures().join("openprocurement");
    for procedure in exceptions.procedures() {
        for (name, reason) in exceptions.of(procedure) {
            assert!(
                recordings.join(&name).is_file(),
                "[{procedure}] {name}: no such recording"
            );
            assert!(
                reason.len() >= 10,
                "[{procedure}] {name}: say why ({reason:?})"
            );
        }
    }
}

#[test]
fn every_stand_in_fills_a_hole_with_a_reason() {
    let root = fixtures();
    for page in [
        "tendering__pricequotation__tutorial.rst",
        "tendering__belowthreshold__tutorial.rst",
    ] {
        let procedure = ordering::load(
            &root.join("openprocurement"),
            &root.join("openprocurement-docs"),
            page,
        )
        .expect("loads");
        let (stand_ins, plan) = stand_ins_of(&procedure);
        assert_eq!(plan.len(), procedure.exchanges.len() + stand_ins.len());
        for stand_in in &stand_ins {
            assert!(
                stand_in.reason.len() >= 10,
                "{}: say why ({:?})",
                stand_in.name,
                stand_in.reason
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The library's parts

fn price_quotation_procedure() -> ordering::Procedure {
    let root = fixtures();
    ordering::load(
        &root.join("openprocurement"),
        &root.join("openprocurement-docs"),
        "tendering__pricequotation__tutorial.rst",
    )
    .expect("loads")
}

#[test]
fn a_stand_in_goes_in_its_place_on_the_page() {
    let procedure = price_quotation_procedure();
    let text = r#"
        [[priceQuotation]]
        for = "add-notice-document.http"
        reason = "the page attaches the signature here"
        method = "POST"
        path = "/api/2.5/tenders/x/documents"
        body = '{"data": {"title": "sign.p7s"}}'

        [[priceQuotation]]
        after = "add-notice-document.http"
        name = "a second document"
        reason = "made off the page, after the first"
        method = "POST"
        path = "/api/2.5/tenders/x/documents"
        body_from = "upload-cancellation-doc.http"
        set = { "/data/title" = "other.pdf" }
        learn = { "0123456789abcdef0123456789abcdef" = "/data/id" }
    "#;
    let stand_ins = stand_ins::parse(text, &procedure).expect("parses");
    assert_eq!(
        stand_ins[1].request.body.as_ref().expect("a body")["data"]["title"],
        "other.pdf"
    );
    let plan = stand_ins::plan(&procedure, &stand_ins).expect("a plan");
    let position = |item: stand_ins::Item| plan.iter().position(|i| *i == item).expect("placed");
    let recorded = |suffix: &str| {
        let index = procedure
            .exchanges
            .iter()
            .position(|e| e.name.ends_with(suffix))
            .expect(suffix);
        position(stand_ins::Item::Recorded(index))
    };
    let first = position(stand_ins::Item::StandIn(0));
    assert_eq!(first, recorded("__notice-document-required.http") + 1);
    assert_eq!(position(stand_ins::Item::StandIn(1)), first + 1);
    assert_eq!(
        recorded("__tender-with-non-existed-profile.http"),
        first + 2
    );
}

#[test]
fn a_stand_in_for_a_recorded_or_unknown_exchange_is_refused() {
    let procedure = price_quotation_procedure();
    let text = r#"
        [[priceQuotation]]
        for = "tender-active.http"
        reason = "it is recorded, so no stand-in may replace it"
        method = "GET"
        path = "/api/2.5/tenders"

        [[priceQuotation]]
        for = "no-such-exchange.http"
        reason = "the page does not include it"
        method = "GET"
        path = "/api/2.5/tenders"

        [[priceQuotation]]
        after = "no-such-exchange.http"
        name = "after nothing"
        reason = "there is nothing to follow"
        method = "GET"
        path = "/api/2.5/tenders"
    "#;
    let stand_ins = stand_ins::parse(text, &procedure).expect("parses");
    let errors = stand_ins::plan(&procedure, &stand_ins).expect_err("refused");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("is recorded"), "{}", errors[0]);
    assert!(errors[1].contains("no such exchange"), "{}", errors[1]);
    assert!(errors[2].contains("neither recorded"), "{}", errors[2]);
}

#[test]
fn parses_a_request_with_a_body_and_a_response_with_a_location() {
    let text = "POST /api/2.5/tenders?opt_pretty=1 HTTP/1.0\nAuthorization: Bearer broker\n\
                Content-Type: application/json\n\n{\"data\": {\"a\": 1}}\n\n\n\
                HTTP/1.0 201 Created\nLocation: http://h/api/2.5/tenders/x\n\n{\"data\": {}}\n\n";
    let exchange = exchange::parse("x.http", text).expect("parses");
    assert_eq!(exchange.request.method, "POST");
    assert_eq!(exchange.request.path(), "/api/2.5/tenders");
    assert_eq!(exchange.request.broker(), Some("broker"));
    assert_eq!(exchange.request.body, Some(json!({"data": {"a": 1}})));
    assert_eq!(exchange.response.status, 201);
    assert_eq!(
        exchange.response.header("location"),
        Some("http://h/api/2.5/tenders/x")
    );
}

#[test]
fn parses_a_request_without_a_body() {
    let text = "GET /api/2.5/tenders HTTP/1.0\nHost: h\n\n\nHTTP/1.0 200 OK\n\n{\"data\": []}\n";
    let exchange = exchange::parse("x.http", text).expect("parses");
    assert_eq!(exchange.request.body, None);
    assert_eq!(exchange.response.body, Some(json!({"data": []})));
}

#[test]
fn a_file_without_a_response_is_refused_by_name() {
    let error = exchange::parse("bad.http", "GET / HTTP/1.0\n").expect_err("no response");
    assert_eq!(error.file, "bad.http");
}

#[test]
fn every_recording_parses() {
    for entry in std::fs::read_dir(fixtures().join("openprocurement")).expect("recordings") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let name = path.file_name().expect("name").to_string_lossy();
        exchange::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn the_page_orders_includes_each_once_relative_to_its_folder() {
    let page = "Text\n\n.. http:example:: http/a.http\n   :code:\n\n\
                .. http:example:: http/tutorial/b.http\n.. http:example:: http/a.http\n";
    assert_eq!(page_includes(page), ["http/a.http", "http/tutorial/b.http"]);
    let prefix = ordering::page_prefix("tendering__belowthreshold__tutorial.rst");
    assert_eq!(prefix, "tendering__belowthreshold__");
    assert_eq!(
        recording_name(&prefix, "http/tutorial/b.http"),
        "tendering__belowthreshold__http__tutorial__b.http"
    );
}

#[test]
fn the_price_quotation_recordings_follow_the_page() {
    let root = fixtures();
    let procedure = ordering::load(
        &root.join("openprocurement"),
        &root.join("openprocurement-docs"),
        "tendering__pricequotation__tutorial.rst",
    )
    .expect("loads");
    assert_eq!(procedure.name, "priceQuotation");
    assert_eq!(procedure.exchanges.len(), 34);
    let position = |suffix: &str| {
        procedure
            .exchanges
            .iter()
            .position(|e| e.name.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix}"))
    };
    // The empty listing mentions no id: before everything.
    assert_eq!(position("__initial-tender-listing.http"), 0);
    assert_eq!(position("__tender-post-attempt-json-data.http"), 1);
    // The contracts listing names the last award: right after its decision.
    assert_eq!(
        position("__contract-listing.http"),
        position("__award-active-2.http") + 1
    );
    assert!(
        procedure
            .not_recorded
            .contains(&"tendering__pricequotation__http__add-notice-document.http".to_owned())
    );
}

#[test]
fn finds_ids_inside_text() {
    let id = "2874d5c2acd649bbb8679e9439621113";
    let url =
        format!("http://h/api/2.5/tenders/{id}/bids?acc_token=3f07ab10456e4f519a3cf51c24d19c80");
    assert_eq!(hex32_in(&url), [id, "3f07ab10456e4f519a3cf51c24d19c80"]);
    assert!(hex32_in("UA-2024-01-01-000001-a 2874d5c2acd649bbb8679e94396211130").is_empty());
}

fn mapper() -> Mapper {
    Mapper::new(
        "http://127.0.0.1:1",
        -TimeDelta::days(103),
        recorded_brokers(),
    )
}

#[test]
fn maps_ids_learnt_from_answers_into_paths_queries_and_bodies() {
    let mut mapper = mapper();
    let recorded = "2874d5c2acd649bbb8679e9439621113";
    let token = "3f07ab10456e4f519a3cf51c24d19c80";
    let ours = "0190c8d4e1a07d3c9f2b6a5e4d3c2b1a";
    let our_token = "d3c6750ff65148df856b59e65feba396";
    mapper.learn(
        &json!({"data": {"id": recorded, "items": [{"id": "x"}]}, "access": {"token": token}}),
        &json!({"data": {"id": ours}, "access": {"token": our_token}}),
    );
    let (target, unmapped) = mapper.target(&format!(
        "/api/2.5/tenders/{recorded}/bids/d948edc4cb6e40fda39035b61fd70ac6?acc_token={token}"
    ));
    assert_eq!(
        target,
        format!(
            "/api/2.5/tenders/{ours}/bids/d948edc4cb6e40fda39035b61fd70ac6?acc_token={our_token}"
        )
    );
    assert_eq!(unmapped, ["d948edc4cb6e40fda39035b61fd70ac6"]);
    assert_eq!(
        mapper.value(&json!({"relatedItem": recorded})),
        json!({"relatedItem": ours})
    );
    assert_eq!(
        mapper.location(&format!(
            "http://lb-api-sandbox.prozorro.gov.ua/api/2.5/tenders/{recorded}"
        )),
        format!("http://127.0.0.1:1/api/2.5/tenders/{ours}")
    );
}

#[test]
fn shifts_timestamps_but_not_plain_dates() {
    let mapper = mapper();
    assert_eq!(
        mapper.value(&json!({"endDate": "2024-01-15T00:00:00+02:00", "version": "2025-10-31"})),
        json!({"endDate": "2023-10-04T00:00:00+02:00", "version": "2025-10-31"})
    );
    let earliest = earliest_timestamp([
        &json!({"a": "2024-01-01T00:00:01+02:00", "b": ["2024-01-01T00:00:00+02:00"]}),
    ]);
    assert_eq!(
        earliest.map(|at| at.to_rfc3339()),
        Some("2023-12-31T22:00:00+00:00".to_owned())
    );
}

#[test]
fn replaces_recorded_documents_with_uploads() {
    let mut mapper = mapper();
    let body = json!({"data": {"title": "sign.p7s", "url": "http://docs/get/abc?Signature=x", "hash": "md5:0", "format": "application/pkcs7-signature"}});
    let uploads = mapper.documents_to_upload(&body);
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].recorded, "http://docs/get/abc");
    assert_eq!(uploads[0].format, "application/pkcs7-signature");
    mapper.add_upload(
        "http://docs/get/abc",
        "http://127.0.0.1:1/api/2.5/documents/k",
        "md5:1",
    );
    assert_eq!(
        mapper.value(&body)["data"],
        json!({"title": "sign.p7s", "url": "http://127.0.0.1:1/api/2.5/documents/k", "hash": "md5:1", "format": "application/pkcs7-signature"})
    );
    assert!(mapper.documents_to_upload(&body).is_empty());
}

fn answer(status: u16, body: serde_json::Value) -> Answer {
    Answer {
        status,
        location: None,
        body,
    }
}

#[test]
fn compares_key_paths_types_and_enumerated_values() {
    let mapper = mapper();
    let recorded = json!({"data": {
        "status": "draft", "title": "x", "value": {"amount": 1.0},
        "date": "2024-01-01T00:00:00+02:00", "items": [{"id": "a"}], "qualified": true
    }});
    let same = json!({"data": {
        "status": "draft", "title": "other", "value": {"amount": 5}, "extra": 1,
        "date": "2023-09-20T01:00:00+03:00", "items": [{"id": "b"}], "qualified": true
    }});
    assert!(compare(200, None, Some(&recorded), &answer(200, same), &mapper).is_empty());

    let different = json!({"data": {
        "status": "active", "title": 1, "value": {},
        "date": "yesterday", "items": [], "qualified": false
    }});
    let differences = compare(200, None, Some(&recorded), &answer(200, different), &mapper);
    assert_eq!(
        differences,
        [
            "data.date: \"yesterday\" is not a timestamp (recorded \"2024-01-01T00:00:00+02:00\")",
            "data.items: 0 elements, recorded 1",
            "data.qualified: false, recorded true",
            "data.status: \"active\", recorded \"draft\"",
            "data.title: number 1, recorded string \"x\"",
            "data.value.amount: missing (recorded 1.0)",
        ]
    );
}

#[test]
fn compares_status_location_and_error_envelopes_exactly() {
    let mapper = mapper();
    let error = json!({"status": "error", "errors": [{"location": "body", "name": "data", "description": "x"}]});
    assert_eq!(
        compare(201, None, None, &answer(422, error.clone()), &mapper),
        [format!(
            "status: recorded 201, ours 422: {}",
            error["errors"]
        )]
    );
    assert!(
        compare(
            422,
            None,
            Some(&error),
            &answer(422, error.clone()),
            &mapper
        )
        .is_empty()
    );
    let other = json!({"status": "error", "errors": [{"location": "body", "name": "data", "description": "y"}]});
    assert_eq!(
        compare(422, None, Some(&error), &answer(422, other), &mapper).len(),
        1
    );
    let located = compare(
        201,
        Some("http://lb/api/2.5/tenders/x"),
        None,
        &answer(201, json!({})),
        &mapper,
    );
    assert_eq!(
        located,
        ["Location: missing (recorded http://lb/api/2.5/tenders/x)"]
    );
}
