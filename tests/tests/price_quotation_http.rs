//! The priceQuotation procedure end to end, through the real HTTP server
//! (`api::server::router`) on both store backends, against a fake
//! ProZorro e-Catalogues HTTP server (see `e2e::http`).
//!
//! Fixtures are the spec's (`shared/spec/price-quotation.md` §9), compared as
//! parsed JSON: key sets, types and values exactly; generated ids and tokens
//! by format (32 lowercase hex), `tenderID` by its pattern and timestamps as
//! ISO 8601 with the Kyiv offset. Every scenario runs on the embedded store
//! and on PostgreSQL (a throw-away server, or `DATABASE_URL`; skipped loudly
//! only when no PostgreSQL exists, and a failure then under
//! `CDB_REQUIRE_POSTGRES=1`).

use std::collections::BTreeSet;

use chrono::TimeDelta;
use e2e::http::{
    AGREEMENT, BROKER_KEY, CatalogueMode, OTHER_KEY, OTHER_PROFILE, PROFILE, START, StatusCode,
    TestServer, UNKNOWN_KEY, pixeli, shteker, tenderer, third_firm,
};
use e2e::pq::{
    ACTIVATE, CREATE_REQUEST, TENDERS, Tender, activate, activated, bid_request, create,
    create_unsigned, decide_award, end_tendering, fixture_request, get_tender, is_hex32, read,
    sign, submit_bid,
};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    create_answers_the_fixture,
    tender_ids_count_up_per_tender,
    pq_1_profile_not_found,
    pq_2_agreement_not_found,
    pq_3_profile_of_another_agreement,
    pq_4_agreement_terminated,
    pq_5_no_qualified_suppliers,
    pq_6_catalogue_connection_closed,
    pq_7_activation_matches_the_fixture,
    pq_8_catalogue_recovers,
    pq_9_fix_the_profile_then_activate,
    pq_10_no_draft_publishing,
    decisions_need_the_notice_signature,
    happy_path_to_complete,
    no_bids_is_unsuccessful,
    rejected_awards_move_down_then_unsuccessful,
    a_bidder_disqualified_in_the_agreement_is_invalid_at_the_end,
    the_end_waits_for_the_catalogue,
    cancellation_with_a_document_cancels,
    documents_are_described_anew_and_versioned,
    a_sealed_bids_documents_change_only_for_its_owner,
    every_write_endpoint_checks_who_calls,
    ownership_transfer,
    bad_input_is_a_client_error,
    restart_replays_and_catches_up,
);

const UNREACHABLE: &str =
    "Error while getting data from ProZorro e-Catalogues: Connection closed. Try again later";

// ---------------------------------------------------------------------------
// Formats and comparisons

/// `^UA-2023-09-20-\d{6}-a$`
fn is_tender_id(text: &str) -> bool {
    text.strip_prefix("UA-2023-09-20-")
        .and_then(|rest| rest.strip_suffix("-a"))
        .is_some_and(|n| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// ISO 8601 with the Kyiv summer offset, e.g. `2023-09-20T01:00:00+03:00`.
fn is_kyiv_time(text: &str) -> bool {
    text.len() >= 25
        && text.as_bytes()[10] == b'T'
        && text.ends_with("+03:00")
        && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

fn is_md5_hash(text: &str) -> bool {
    text.strip_prefix("md5:").is_some_and(is_hex32)
}

/// `actual` has exactly the structure and values of the fixture `expected`:
/// the same keys everywhere, the same array lengths, equal values (so
/// `22000.0` must stay a float and `5` an integer), except that a generated
/// id (32 hex) matches any generated id and a `tenderID` any `tenderID`.
/// Timestamps must be Kyiv ISO 8601 and equal: the clock is frozen at the
/// fixture's time.
fn assert_like(actual: &Json, expected: &Json, path: &str) {
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) => {
            let expected_keys: BTreeSet<&String> = e.keys().collect();
            let actual_keys: BTreeSet<&String> = a.keys().collect();
            assert_eq!(
                actual_keys, expected_keys,
                "the keys of {path} (actual, then expected)"
            );
            for (key, value) in e {
                assert_like(&a[key], value, &format!("{path}.{key}"));
            }
        }
        (Json::Array(e), Json::Array(a)) => {
            assert_eq!(a.len(), e.len(), "the length of {path}: {actual}");
            for (i, (a, e)) in a.iter().zip(e).enumerate() {
                assert_like(a, e, &format!("{path}[{i}]"));
            }
        }
        (Json::String(e), Json::String(a)) if is_hex32(e) => {
            assert!(
                is_hex32(a),
                "{path}: {a:?} is not 32 lowercase hex characters"
            );
        }
        (Json::String(e), Json::String(a)) if is_tender_id(e) => {
            assert!(
                is_tender_id(a),
                "{path}: {a:?} is not a tenderID of 2023-09-20"
            );
        }
        (Json::String(e), Json::String(a)) if is_kyiv_time(e) => {
            assert!(is_kyiv_time(a), "{path}: {a:?} is not a Kyiv ISO 8601 time");
            assert_eq!(a, e, "{path}");
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// The exact error envelope with its single error.
fn assert_error(
    (status, body): (StatusCode, &Json),
    expected: StatusCode,
    location: &str,
    name: &str,
    description: &str,
) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(
        body,
        &json!({"status": "error", "errors": [{"location": location, "name": name, "description": description}]}),
        "the error envelope"
    );
}

/// The error envelope with one error at `location`/`name`, any description.
fn assert_error_at(
    (status, body): (StatusCode, &Json),
    expected: StatusCode,
    location: &str,
    name: &str,
) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["location"], location, "{body}");
    assert_eq!(errors[0]["name"], name, "{body}");
    // A string, an object, or (as the reference writes some model checks)
    // a list of strings.
    let description = &errors[0]["description"];
    assert!(
        description.is_string()
            || description.is_object()
            || description
                .as_array()
                .is_some_and(|list| list.iter().all(Json::is_string)),
        "{body}"
    );
    assert_eq!(
        errors[0].as_object().map(|o| o.len()),
        Some(3),
        "location, name, description: {body}"
    );
}

fn keys(value: &Json) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Steps

/// What must not change when a request is refused: the tender as GET shows
/// it, the given extra reads, and the store's head.
async fn snapshot(
    server: &TestServer,
    tender: &Tender,
    watch: &[String],
) -> (Json, Vec<Json>, u64) {
    let mut extra = Vec::new();
    for path in watch {
        extra.push(server.get(path, None, None).await.2);
    }
    (get_tender(server, tender).await, extra, server.head().await)
}

/// Uploads a body and returns the metadata to attach it by, plus
/// `documentType`.
async fn document(server: &TestServer, title: &str, document_type: &str) -> Json {
    let mut metadata = server
        .upload(
            title,
            "application/pdf",
            format!("%PDF-1.4 {title}").as_bytes(),
        )
        .await;
    metadata["documentType"] = json!(document_type);
    json!({ "data": metadata })
}

/// The keys a document may have (the reference API's, per the conformance
/// fixtures) and those it must have.
fn assert_document_shape(document: &Json) {
    let allowed = set(&[
        "id",
        "title",
        "url",
        "hash",
        "format",
        "documentType",
        "description",
        "language",
        "confidentiality",
        "documentOf",
        "relatedItem",
        "author",
        "datePublished",
        "dateModified",
    ]);
    let required = set(&[
        "id",
        "title",
        "url",
        "hash",
        "format",
        "datePublished",
        "dateModified",
    ]);
    let actual = keys(document);
    assert!(
        actual.is_subset(&allowed),
        "unexpected document keys: {document}"
    );
    assert!(
        required.is_subset(&actual),
        "missing document keys: {document}"
    );
    assert!(
        is_hex32(document["id"].as_str().unwrap_or_default()),
        "{document}"
    );
    assert!(
        is_md5_hash(document["hash"].as_str().unwrap_or_default()),
        "{document}"
    );
    assert!(
        is_kyiv_time(document["datePublished"].as_str().unwrap_or_default()),
        "{document}"
    );
}

// ---------------------------------------------------------------------------
// Creation

async fn create_answers_the_fixture(server: TestServer) {
    // The request exactly as the spec shows it (bytes, not re-serialised).
    let (status, headers, body) = server
        .send_raw(
            e2e::http::Method::POST,
            &format!("{TENDERS}?opt_pretty=1"),
            Some(BROKER_KEY),
            Some("application/json"),
            Some(CREATE_REQUEST.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{headers:?}"
    );
    let id = body["data"]["id"].as_str().expect("data.id");
    assert!(is_hex32(id), "{id}");
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    assert_eq!(
        location,
        format!("http://{}/api/2.5/tenders/{id}", server.authority())
    );

    let expected = as_the_reference_answers_now(CREATED_BODY, START);
    assert_like(&body, &expected, "$");

    // What the server set, exactly.
    let data = &body["data"];
    assert_eq!(data["tenderID"], "UA-2023-09-20-000001-a");
    assert_eq!(data["owner"], "broker");
    assert_eq!(data["status"], "draft");
    for field in ["date", "dateCreated", "dateModified"] {
        assert_eq!(data[field], START, "{field}");
    }
    assert_eq!(data["tenderPeriod"]["startDate"], START);
    assert_eq!(data["agreement"]["id"], AGREEMENT);
    assert_eq!(data["items"][0]["profile"], PROFILE);
    let token = body["access"]["token"].as_str().expect("access.token");
    let transfer = body["access"]["transfer"]
        .as_str()
        .expect("access.transfer");
    assert!(is_hex32(token) && is_hex32(transfer), "{}", body["access"]);
    assert_ne!(token, transfer);
    let mut generated = BTreeSet::new();
    generated.insert(id.to_owned());
    generated.insert(data["items"][0]["id"].as_str().expect("item id").to_owned());
    for criterion in data["criteria"].as_array().expect("criteria") {
        generated.insert(criterion["id"].as_str().expect("id").to_owned());
        let group = &criterion["requirementGroups"][0];
        generated.insert(group["id"].as_str().expect("id").to_owned());
        generated.insert(
            group["requirements"][0]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    assert_eq!(generated.len(), 11, "every generated id is distinct");

    // The server runs on the backend under test.
    let health = read(&server, "/health").await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(
        health["store"]["backend"],
        server.backend.name(),
        "{health}"
    );

    // GET shows the same tender, without `access`.
    let read = read(&server, &format!("{TENDERS}/{id}")).await;
    assert_eq!(
        read,
        json!({"data": body["data"], "config": body["config"]})
    );
}

/// A spec fixture (`shared/spec/price-quotation.md` §9, from an older page
/// of the reference documentation) as the reference API answers today, per
/// its recorded exchanges (`tests/conformance/openprocurement/`): VAT is
/// excluded when not said, `config.hasMultiSourcing` is `false`, every
/// requirement is `active` and dated, and the tender carries the dictionary
/// of contract change rationales.
fn as_the_reference_answers_now(fixture: &str, published: &str) -> Json {
    let mut expected: Json = serde_json::from_str(fixture).expect("fixture");
    let data = &mut expected["data"];
    data["value"]["valueAddedTaxIncluded"] = json!(false);
    for item in data["items"].as_array_mut().expect("items") {
        if let Some(value) = item["unit"].get_mut("value") {
            value["valueAddedTaxIncluded"] = json!(false);
        }
    }
    for criterion in data["criteria"].as_array_mut().expect("criteria") {
        for group in criterion["requirementGroups"]
            .as_array_mut()
            .expect("groups")
        {
            for requirement in group["requirements"].as_array_mut().expect("requirements") {
                requirement["status"] = json!("active");
                requirement["datePublished"] = json!(published);
            }
        }
    }
    let dictionary =
        include_str!("../../domain/data/price_quotation/contract_change_rationale_types.json");
    data["contractChangeRationaleTypes"] = serde_json::from_str(dictionary).expect("dictionary");
    expected["config"]["hasMultiSourcing"] = json!(false);
    expected
}

async fn tender_ids_count_up_per_tender(server: TestServer) {
    let mut ids = BTreeSet::new();
    for n in 1..=3 {
        let tender = create(&server).await;
        assert_eq!(
            tender.created["data"]["tenderID"],
            format!("UA-2023-09-20-{n:06}-a")
        );
        assert!(ids.insert(tender.id.clone()), "a new id for every tender");
    }
    // The last second of the Kyiv day…
    server.set_time(
        chrono::DateTime::parse_from_rfc3339("2023-09-20T23:59:59+03:00")
            .expect("time")
            .to_utc(),
    );
    let tender = create(&server).await;
    assert_eq!(tender.created["data"]["tenderID"], "UA-2023-09-20-000004-a");
    // …and the first of the next (still 2023-09-20 in UTC): a new count.
    server.set_time(
        chrono::DateTime::parse_from_rfc3339("2023-09-21T00:00:00+03:00")
            .expect("time")
            .to_utc(),
    );
    let tender = create(&server).await;
    assert_eq!(tender.created["data"]["tenderID"], "UA-2023-09-21-000001-a");
    assert_eq!(
        tender.created["data"]["dateCreated"],
        "2023-09-21T00:00:00+03:00"
    );
}

// ---------------------------------------------------------------------------
// Activation: spec §6

/// Activation under `mode` is refused with exactly this error, and nothing
/// changes.
async fn activation_refused(
    server: &TestServer,
    mode: CatalogueMode,
    expected: StatusCode,
    name: &str,
    description: &str,
) -> Tender {
    let tender = create(server).await;
    server.set_catalogue(mode);
    let before = snapshot(server, &tender, &[]).await;
    let (answered, dropped) = (server.catalogue.answered(), server.catalogue.dropped());
    let (status, headers, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(serde_json::from_str(ACTIVATE).expect("JSON")),
        )
        .await;
    assert_error((status, &body), expected, "body", name, description);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "errors are JSON"
    );
    if mode == CatalogueMode::Drop {
        assert!(
            server.catalogue.dropped() > dropped,
            "the catalogue was called"
        );
    } else {
        assert!(
            server.catalogue.answered() > answered,
            "the catalogue was asked"
        );
    }
    let after = snapshot(server, &tender, &[]).await;
    assert_eq!(
        after, before,
        "the tender is unchanged and nothing was recorded"
    );
    assert_eq!(after.0["data"]["status"], "draft");
    assert!(after.0["data"].get("shortlistedFirms").is_none());
    assert!(after.0["data"].get("next_check").is_none());
    tender
}

async fn pq_1_profile_not_found(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::ProfileMissing,
        StatusCode::NOT_FOUND,
        "data",
        "Profiles 655360-30230000-889652-40000777 not found in catalouges.",
    )
    .await;
}

async fn pq_2_agreement_not_found(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::AgreementMissing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreement",
        "Agreement not found by agreement_id 2e14a78a2074952d5a2d256c3c004dda",
    )
    .await;
}

async fn pq_3_profile_of_another_agreement(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::ProfileOfAnotherAgreement,
        StatusCode::UNPROCESSABLE_ENTITY,
        "data",
        "Tender agreement doesn't match profile agreement",
    )
    .await;
}

async fn pq_4_agreement_terminated(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::AgreementTerminated,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreement",
        "Agreement status is not active",
    )
    .await;
}

async fn pq_5_no_qualified_suppliers(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::NoQualifiedSuppliers,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agreement",
        "Agreement 2e14a78a2074952d5a2d256c3c004dda doesn't have qualified suppliers",
    )
    .await;
}

async fn pq_6_catalogue_connection_closed(server: TestServer) {
    activation_refused(
        &server,
        CatalogueMode::Drop,
        StatusCode::CONFLICT,
        "data",
        UNREACHABLE,
    )
    .await;
}

async fn pq_7_activation_matches_the_fixture(server: TestServer) {
    let tender = create(&server).await;
    let (status, patched) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(patched, got, "the PATCH answers the tender as GET shows it");

    // The spec's body predates the notice signature the reference now
    // asks for (its recording tender-active.http lists it): the one
    // document, the signature the fixture tender was created with.
    let mut got = got;
    let documents = got["data"]
        .as_object_mut()
        .and_then(|data| data.remove("documents"))
        .unwrap_or_default();
    assert_eq!(documents.as_array().map(Vec::len), Some(1), "{documents}");
    assert_eq!(documents[0]["documentType"], "notice");
    assert_eq!(documents[0]["format"], "application/pkcs7-signature");
    let expected = as_the_reference_answers_now(ACTIVE_BODY, START);
    assert_like(&got, &expected, "$");
    let data = &got["data"];
    assert_eq!(data["id"], tender.id.as_str());
    assert_eq!(data["status"], "active.tendering");
    assert_eq!(data["shortlistedFirms"], json!([pixeli(), shteker()]));
    assert_eq!(data["noticePublicationDate"], START);
    assert_eq!(data["contractTemplateName"], "00000000-0.0001.01");
    assert_eq!(data["next_check"], data["tenderPeriod"]["endDate"]);
    assert_eq!(data["next_check"], "2023-10-04T01:00:00+03:00");
    // The rest of the draft is kept as it was, ids included.
    let draft = &tender.created["data"];
    for field in [
        "tenderID",
        "items",
        "criteria",
        "procuringEntity",
        "value",
        "tenderPeriod",
        "dateCreated",
    ] {
        assert_eq!(data[field], draft[field], "{field}");
    }
    assert!(got.get("access").is_none());
}

const SIGNATURE_REQUIRED: &str =
    "Document with type 'notice' and format pkcs7-signature is required";

/// The reference's recordings notice-document-required.http and
/// award-notice-document-required.http: no announcement, and no award
/// decision, without the buyer's notice signature on it.
async fn decisions_need_the_notice_signature(server: TestServer) {
    let tender = create_unsigned(&server, fixture_request()).await;
    let before = snapshot(&server, &tender, &[]).await;
    let (status, body) = activate(&server, &tender).await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "documents",
        SIGNATURE_REQUIRED,
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);
    // A notice that is no signature file does not do.
    let (status, _, body) = server
        .post(
            &tender.owned("/documents"),
            Some(BROKER_KEY),
            Some(document(&server, "notice.pdf", "notice").await),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let signature = sign(&server, &tender, "").await;
    assert_eq!(signature["documentType"], "notice");
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    assert_eq!(end_tendering(&server).await, 1);
    let got = get_tender(&server, &tender).await;
    let award_id = got["data"]["awards"][0]["id"].as_str().expect("an award");
    let award = tender.owned(&format!("/awards/{award_id}"));
    let before = snapshot(&server, &tender, &[]).await;
    for decision in [
        json!({"status": "active", "qualified": true}),
        json!({"status": "unsuccessful", "qualified": false}),
    ] {
        let (status, _, body) = server
            .patch(&award, Some(BROKER_KEY), Some(json!({ "data": decision })))
            .await;
        assert_error(
            (status, &body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "documents",
            SIGNATURE_REQUIRED,
        );
    }
    assert_eq!(snapshot(&server, &tender, &[]).await, before);
    let (status, body) = decide_award(
        &server,
        &tender,
        award_id,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["documents"][0]["documentType"], "notice");
}

async fn pq_8_catalogue_recovers(server: TestServer) {
    let tender = activation_refused(
        &server,
        CatalogueMode::Drop,
        StatusCode::CONFLICT,
        "data",
        UNREACHABLE,
    )
    .await;
    server.set_catalogue(CatalogueMode::Normal);
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.tendering");
    assert_eq!(
        got["data"]["shortlistedFirms"],
        json!([pixeli(), shteker()])
    );
}

async fn pq_9_fix_the_profile_then_activate(server: TestServer) {
    let tender = activation_refused(
        &server,
        CatalogueMode::ProfileMissing,
        StatusCode::NOT_FOUND,
        "data",
        "Profiles 655360-30230000-889652-40000777 not found in catalouges.",
    )
    .await;
    let mut items = get_tender(&server, &tender).await["data"]["items"].clone();
    items[0]["profile"] = json!(OTHER_PROFILE);
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"items": items}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "draft");
    assert_eq!(body["data"]["items"][0]["profile"], OTHER_PROFILE);
    assert_eq!(
        body["data"]["items"][0]["id"],
        tender.created["data"]["items"][0]["id"]
    );
    // The catalogue still does not know the first profile; the fixed tender
    // no longer needs it.
    assert_eq!(server.catalogue.mode(), CatalogueMode::ProfileMissing);
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.tendering");
    assert_eq!(got["data"]["items"][0]["profile"], OTHER_PROFILE);
    assert_eq!(
        got["data"]["shortlistedFirms"],
        json!([pixeli(), shteker()])
    );
}

async fn pq_10_no_draft_publishing(server: TestServer) {
    let tender = create(&server).await;
    for target in ["draft.publishing", "draft.unsuccessful"] {
        let before = snapshot(&server, &tender, &[]).await;
        let (status, _, body) = server
            .patch(
                &tender.owned(""),
                Some(BROKER_KEY),
                Some(json!({"data": {"status": target}})),
            )
            .await;
        assert_error_at(
            (status, &body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "status",
        );
        assert_eq!(
            snapshot(&server, &tender, &[]).await,
            before,
            "{target}: unchanged"
        );
        assert_eq!(before.0["data"]["status"], "draft");
    }
    // The tender can still be activated, and never passes through them.
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_tender(&server, &tender).await["data"]["status"],
        "active.tendering"
    );
}

// ---------------------------------------------------------------------------
// After activation

async fn happy_path_to_complete(server: TestServer) {
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    let tender = activated(&server).await;
    let firms = get_tender(&server, &tender).await["data"]["shortlistedFirms"].clone();
    assert_eq!(
        firms,
        json!([pixeli(), shteker(), third_firm()]),
        "only suppliers of active contracts"
    );

    let first = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    let lowest = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let third = submit_bid(&server, &tender, BROKER_KEY, &third_firm(), 250).await;

    // Sealed while tendering.
    let during = get_tender(&server, &tender).await;
    assert!(
        during["data"].get("bids").is_none(),
        "no bids shown: {}",
        during["data"]
    );
    let text = during.to_string();
    for bid in [&first, &lowest, &third] {
        assert!(!text.contains(&bid.id), "bid {} is not shown", bid.id);
    }
    for amount in ["300.0", "200.0", "250.0"] {
        assert!(
            !text.contains(&format!("\"amount\":{amount}")),
            "no bid value {amount} shown"
        );
    }
    let (status, _, body) = server
        .get(&format!("{}/bids", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, body) = server.get(&lowest.path, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, body) = server.get(&lowest.owned(""), None, None).await;
    assert_eq!(status, StatusCode::OK, "the owner sees its bid: {body}");
    assert_eq!(body["data"]["value"]["amount"], json!(200.0));

    // Nothing is due before the end of the tender period.
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, during);

    // The period is over: no more bids, even before the scheduler runs.
    server.advance(TimeDelta::days(14) + TimeDelta::minutes(1));
    let before = snapshot(&server, &tender, &[]).await;
    let (status, _, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(BROKER_KEY),
            Some(bid_request(&tender, &pixeli(), 100)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    assert_eq!(
        server.run_scheduler().await,
        1,
        "the end of tendering fired once"
    );
    let qualification = get_tender(&server, &tender).await;
    let data = &qualification["data"];
    assert_eq!(data["status"], "active.qualification");
    assert!(data.get("next_check").is_none(), "{data}");
    let bids = data["bids"].as_array().expect("bids are open");
    assert_eq!(bids.len(), 3);
    assert!(bids.iter().all(|b| b["status"] == "active"), "{bids:?}");
    let (status, _, listed) = server
        .get(&format!("{}/bids", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(3));
    let awards = data["awards"].as_array().expect("awards");
    assert_eq!(awards.len(), 1);
    let award = &awards[0];
    assert_eq!(award["status"], "pending");
    assert_eq!(
        award["bid_id"],
        lowest.id.as_str(),
        "the lowest price is awarded"
    );
    assert_eq!(award["value"]["amount"], json!(200.0));
    assert_eq!(award["suppliers"], json!([tenderer(&shteker())]));
    let award_id = award["id"].as_str().expect("award id").to_owned();
    assert!(is_hex32(&award_id));
    assert_eq!(
        read(&server, &format!("{}/awards", tender.path)).await["data"],
        json!(awards)
    );

    // Running the scheduler again changes nothing.
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, qualification);

    let (status, body) = decide_award(
        &server,
        &tender,
        &award_id,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The award as in the conformance fixture award-active.http.
    let award = &body["data"];
    assert_eq!(award["status"], "active");
    assert_eq!(award["qualified"], true);
    let fixture_keys = set(&[
        "id",
        "status",
        "date",
        "value",
        "suppliers",
        "bid_id",
        "documents",
        "period",
        "qualified",
    ]);
    let required = set(&[
        "id",
        "status",
        "date",
        "value",
        "suppliers",
        "bid_id",
        "period",
        "qualified",
    ]);
    assert!(keys(award).is_subset(&fixture_keys), "award keys: {award}");
    assert!(required.is_subset(&keys(award)), "award keys: {award}");
    assert!(
        is_kyiv_time(award["period"]["startDate"].as_str().unwrap_or_default()),
        "{award}"
    );

    let awarded = get_tender(&server, &tender).await;
    let data = &awarded["data"];
    assert_eq!(data["status"], "active.awarded");
    let contracts = data["contracts"].as_array().expect("contracts");
    assert_eq!(contracts.len(), 1);
    let contract = &contracts[0];
    // As in the conformance fixture contract-listing.http.
    let listed = set(&[
        "id",
        "status",
        "awardID",
        "date",
        "contractID",
        "title",
        "value",
    ]);
    assert!(
        listed.is_subset(&keys(contract)),
        "contract keys: {contract}"
    );
    assert_eq!(contract["status"], "pending");
    assert_eq!(contract["awardID"], award_id.as_str());
    assert_eq!(
        contract["contractID"],
        format!("{}-a1", data["tenderID"].as_str().unwrap_or_default())
    );
    assert_eq!(contract["title"], data["title"]);
    assert_eq!(
        contract["value"],
        json!({"amount": 200.0, "currency": "UAH", "valueAddedTaxIncluded": false, "amountNet": 200.0})
    );
    assert_eq!(
        read(&server, &format!("{}/contracts", tender.path)).await["data"],
        json!(contracts)
    );
    let contract_id = contract["id"].as_str().expect("contract id").to_owned();
    assert!(is_hex32(&contract_id));

    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/contracts/{contract_id}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "active");
    assert!(
        is_kyiv_time(body["data"]["dateSigned"].as_str().unwrap_or_default()),
        "{body}"
    );

    let complete = get_tender(&server, &tender).await;
    assert_eq!(complete["data"]["status"], "complete");
    assert!(complete["data"].get("next_check").is_none());
    assert_eq!(server.run_scheduler().await, 0);
    server.advance(TimeDelta::days(30));
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, complete);
}

async fn no_bids_is_unsuccessful(server: TestServer) {
    let tender = activated(&server).await;
    assert_eq!(end_tendering(&server).await, 1);
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "unsuccessful");
    assert!(
        got["data"].get("awards").is_none_or(|a| a == &json!([])),
        "{got}"
    );
    assert!(got["data"].get("next_check").is_none());
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, got);
}

// ---------------------------------------------------------------------------
// The bidders checked in the agreement again at the end of tendering

/// [`AGREEMENT`] as in [`CatalogueMode::ThreeSuppliers`], but with the third
/// firm disqualified: its contract `terminated`.
fn agreement_with_the_third_firm_disqualified() -> Json {
    let contract = |status: &str, firm: Json| json!({"status": status, "suppliers": [firm]});
    json!({
        "id": AGREEMENT,
        "status": "active",
        "contracts": [
            contract("active", pixeli()),
            contract("active", shteker()),
            contract("terminated", third_firm())
        ]
    })
}

async fn a_bidder_disqualified_in_the_agreement_is_invalid_at_the_end(server: TestServer) {
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    let tender = activated(&server).await;
    let highest = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    let lowest = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    // The cheapest, from the supplier disqualified before the end.
    let disqualified = submit_bid(&server, &tender, BROKER_KEY, &third_firm(), 150).await;
    server.catalogue.feed_agreement(
        AGREEMENT,
        Some(agreement_with_the_third_firm_disqualified()),
    );

    let asked = server.catalogue.answered();
    assert_eq!(end_tendering(&server).await, 1);
    assert!(
        server.catalogue.answered() > asked,
        "the end asked the catalogue"
    );
    let got = get_tender(&server, &tender).await;
    let data = &got["data"];
    assert_eq!(data["status"], "active.qualification");
    assert_eq!(
        data["awards"][0]["bid_id"],
        lowest.id.as_str(),
        "the lowest valid price, not the invalid bid's"
    );
    let listed = read(&server, &format!("{}/bids", tender.path)).await;
    assert_eq!(listed["data"], data["bids"], "{listed}");
    let bids = listed["data"].as_array().expect("bids");
    assert_eq!(bids.len(), 3, "{listed}");
    assert_eq!(bids[0]["id"], highest.id.as_str());
    assert_eq!(bids[0]["status"], "active");
    assert_eq!(bids[1]["id"], lowest.id.as_str());
    assert_eq!(bids[1]["status"], "active");
    assert_eq!(
        bids[2],
        json!({"id": disqualified.id, "status": "invalid"}),
        "listed by its id and status only"
    );
    assert!(
        !got.to_string().contains("150.0"),
        "the invalid bid's price is not shown: {got}"
    );
    let (status, _, body) = server.get(&disqualified.path, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let own = read(&server, &disqualified.owned("")).await;
    assert_eq!(own["data"]["status"], "invalid");
    assert_eq!(own["data"]["value"]["amount"], json!(150.0));

    // It takes no part further down the ranking either.
    let award_id = data["awards"][0]["id"].as_str().expect("award").to_owned();
    let (status, body) = decide_award(
        &server,
        &tender,
        &award_id,
        json!({"status": "unsuccessful", "qualified": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["awards"][1]["bid_id"], highest.id.as_str());
    let award_id = got["data"]["awards"][1]["id"]
        .as_str()
        .expect("award")
        .to_owned();
    let (status, body) = decide_award(
        &server,
        &tender,
        &award_id,
        json!({"status": "unsuccessful", "qualified": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "unsuccessful");
    assert_eq!(got["data"]["awards"].as_array().map(Vec::len), Some(2));
}

/// While the agreement cannot be had (the catalogue is down, or answers
/// that it does not know the agreement) the tender period does not end: the
/// tender stays in `active.tendering` with its bids sealed, and the
/// scheduler tries again until the catalogue answers.
async fn the_end_waits_for_the_catalogue(server: TestServer) {
    let tender = activated(&server).await;
    let first = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    let second = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let sealed = get_tender(&server, &tender).await;

    server.set_catalogue(CatalogueMode::Drop);
    assert_eq!(end_tendering(&server).await, 0, "the catalogue is down");
    let dropped = server.catalogue.dropped();
    assert!(dropped > 0, "the scheduler tried the catalogue");
    let during = get_tender(&server, &tender).await;
    assert_eq!(during["data"]["status"], "active.tendering");
    assert_eq!(
        during["data"]["next_check"], sealed["data"]["next_check"],
        "still due"
    );
    assert!(during["data"].get("bids").is_none(), "{during}");
    let (status, _, body) = server
        .get(&format!("{}/bids", tender.path), None, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, body) = server.get(&second.path, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Retried after a tick, and it still waits for an unknown agreement.
    server.set_catalogue(CatalogueMode::AgreementMissing);
    let asked = server.catalogue.answered();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while server.catalogue.answered() == asked {
        assert!(std::time::Instant::now() < deadline, "not retried");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(server.run_scheduler().await, 0);
    }
    assert_eq!(
        get_tender(&server, &tender).await["data"]["status"],
        "active.tendering"
    );

    // The catalogue is back: the next try ends the period.
    server.set_catalogue(CatalogueMode::Normal);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if server.run_scheduler().await == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the period did not end"
        );
    }
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.qualification");
    assert_eq!(got["data"]["awards"][0]["bid_id"], second.id.as_str());
    let bids = got["data"]["bids"].as_array().expect("bids");
    assert_eq!(bids.len(), 2);
    assert!(bids.iter().all(|bid| bid["status"] == "active"), "{bids:?}");
    assert_eq!(bids[0]["id"], first.id.as_str());
    assert_eq!(server.run_scheduler().await, 0, "once");
}

async fn rejected_awards_move_down_then_unsuccessful(server: TestServer) {
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    let tender = activated(&server).await;
    let highest = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    let lowest = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let middle = submit_bid(&server, &tender, BROKER_KEY, &third_firm(), 250).await;
    assert_eq!(end_tendering(&server).await, 1);

    let ranking = [&lowest, &middle, &highest];
    for (round, bid) in ranking.iter().enumerate() {
        let got = get_tender(&server, &tender).await;
        assert_eq!(
            got["data"]["status"], "active.qualification",
            "round {round}"
        );
        let awards = got["data"]["awards"].as_array().expect("awards").clone();
        assert_eq!(awards.len(), round + 1, "one more award per rejection");
        for (earlier, award) in awards.iter().enumerate() {
            assert_eq!(award["bid_id"], ranking[earlier].id.as_str());
            let expected = if earlier == round {
                "pending"
            } else {
                "unsuccessful"
            };
            assert_eq!(
                award["status"], expected,
                "award {earlier} in round {round}"
            );
        }
        let award_id = awards[round]["id"].as_str().expect("id").to_owned();
        assert_eq!(awards[round]["bid_id"], bid.id.as_str());
        let (status, body) = decide_award(
            &server,
            &tender,
            &award_id,
            json!({"status": "unsuccessful", "qualified": false}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"]["status"], "unsuccessful");
        // A decided award cannot be decided again.
        let before = snapshot(&server, &tender, &[]).await;
        let (status, _, body) = server
            .patch(
                &tender.owned(&format!("/awards/{award_id}")),
                Some(BROKER_KEY),
                Some(json!({"data": {"status": "active", "qualified": true}})),
            )
            .await;
        assert_error_at((status, &body), StatusCode::FORBIDDEN, "body", "data");
        assert_eq!(snapshot(&server, &tender, &[]).await, before);
    }
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "unsuccessful");
    let awards = got["data"]["awards"].as_array().expect("awards");
    assert_eq!(awards.len(), 3);
    assert!(
        awards.iter().all(|a| a["status"] == "unsuccessful"),
        "{awards:?}"
    );
    let bids = got["data"]["bids"].as_array().expect("bids");
    assert!(
        bids.iter().all(|b| b["status"] == "unsuccessful"),
        "{bids:?}"
    );
    assert!(
        got["data"].get("contracts").is_none_or(|c| c == &json!([])),
        "{got}"
    );
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, got);
}

/// The reference's recordings patch-cancellation.http and
/// update-cancellation-doc.http, and tender-documents-3(-all).http for the
/// listings.
async fn documents_are_described_anew_and_versioned(server: TestServer) {
    let tender = create(&server).await;
    let (status, _, body) = server
        .post(
            &tender.owned("/documents"),
            Some(BROKER_KEY),
            Some(document(&server, "AwardCriteria.pdf", "evaluationCriteria").await),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let first = body["data"].clone();
    let id = first["id"].as_str().expect("document id").to_owned();
    let one = format!("/documents/{id}");

    server.advance(TimeDelta::minutes(1));
    let (status, _, body) = server
        .patch(
            &tender.owned(&one),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "Changed description"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let edited = &body["data"];
    assert_eq!(edited["id"], id.as_str());
    assert_eq!(edited["description"], "Changed description");
    assert_eq!(edited["url"], first["url"], "an edit keeps the body");
    assert_eq!(edited["datePublished"], first["datePublished"]);
    assert_ne!(edited["dateModified"], first["dateModified"]);
    let listed = read(&server, &format!("{}/documents?all=1", tender.path)).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2), "{listed}");

    server.advance(TimeDelta::minutes(1));
    let version = server
        .upload(
            "AwardCriteria-2.pdf",
            "application/pdf",
            b"%PDF-1.4 the criteria, second edition",
        )
        .await;
    let version = json!({"data": {
        "title": version["title"], "url": version["url"],
        "hash": version["hash"], "format": version["format"]
    }});
    let (status, _, body) = server
        .put(&tender.owned(&one), Some(BROKER_KEY), Some(version.clone()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["data"].clone();
    assert_eq!(second["id"], id.as_str(), "the same document");
    assert_eq!(second["url"], version["data"]["url"]);
    assert_ne!(second["url"], first["url"]);
    assert_eq!(second["description"], "Changed description", "carried over");
    assert_eq!(second["documentType"], "evaluationCriteria", "carried over");
    assert_eq!(second["datePublished"], first["datePublished"]);
    assert_document_shape(&second);

    // The list shows the current version; `?all=1` every version; one
    // document's read, its current version and the ones before it.
    let current = read(&server, &format!("{}/documents", tender.path)).await;
    let current = current["data"].as_array().expect("list").clone();
    let ours: Vec<&Json> = current.iter().filter(|d| d["id"] == id.as_str()).collect();
    assert_eq!(ours, [&second]);
    let all = read(&server, &format!("{}/documents?all=1", tender.path)).await;
    let versions: Vec<&Json> = all["data"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|d| d["id"] == id.as_str())
        .collect();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["url"], first["url"]);
    assert_eq!(versions[1], &second);
    let read_one = read(&server, &format!("{}{one}", tender.path)).await;
    assert_eq!(read_one["data"]["url"], second["url"]);
    assert_eq!(
        read_one["data"]["previousVersions"][0]["url"], first["url"],
        "{read_one}"
    );
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["dateModified"], second["dateModified"]);

    // The rules of adding a document apply: the owner's token, a body in
    // storage, a known document.
    let before = snapshot(&server, &tender, &[]).await;
    let (status, _, body) = server
        .patch(
            &format!("{}{one}?acc_token={}", tender.path, "0".repeat(32)),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "x"}})),
        )
        .await;
    assert_error_at((status, &body), StatusCode::FORBIDDEN, "url", "permission");
    let mut foreign = version.clone();
    foreign["data"]["hash"] = json!(format!("md5:{}", "0".repeat(32)));
    let (status, _, body) = server
        .put(&tender.owned(&one), Some(BROKER_KEY), Some(foreign))
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "hash",
    );
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/documents/{}", "f".repeat(32))),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "x"}})),
        )
        .await;
    assert_error_at((status, &body), StatusCode::NOT_FOUND, "url", "document_id");
    let (status, _, body) = server
        .patch(
            &tender.owned(&one),
            Some(BROKER_KEY),
            Some(json!({"data": {"url": "http://elsewhere/x"}})),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "url",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // A cancellation's documents, as in the reference's tutorial.
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = server
        .post(
            &tender.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "cancellation reason", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = format!(
        "/cancellations/{}",
        body["data"]["id"].as_str().expect("id")
    );
    let (status, _, body) = server
        .post(
            &tender.owned(&format!("{cancellation}/documents")),
            Some(BROKER_KEY),
            Some(document(&server, "Notice.pdf", "cancellationDetails").await),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let notice = format!(
        "{cancellation}/documents/{}",
        body["data"]["id"].as_str().expect("id")
    );
    let (status, _, body) = server
        .patch(
            &tender.owned(&notice),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "Changed description"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = server
        .put(&tender.owned(&notice), Some(BROKER_KEY), Some(version))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = server
        .patch(
            &tender.owned(&cancellation),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let documents = body["data"]["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 2, "both versions: {body}");
    assert!(
        documents
            .iter()
            .all(|d| d["description"] == "Changed description")
    );
    // The tender is cancelled: its documents are final.
    let (status, _, body) = server
        .patch(
            &tender.owned(&notice),
            Some(BROKER_KEY),
            Some(json!({"data": {"description": "later"}})),
        )
        .await;
    assert_error_at((status, &body), StatusCode::FORBIDDEN, "body", "data");
}

/// A bid's documents change like its other parts: by its owner, during
/// the tender period, and sealed from everyone else meanwhile.
async fn a_sealed_bids_documents_change_only_for_its_owner(server: TestServer) {
    let tender = activated(&server).await;
    let bid = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let (status, _, body) = server
        .post(
            &bid.owned("/documents"),
            Some(OTHER_KEY),
            Some(document(&server, "proposal.pdf", "commercialProposal").await),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let one = format!("/documents/{}", body["data"]["id"].as_str().expect("id"));
    let (status, _, body) = server
        .patch(
            &bid.owned(&one),
            Some(OTHER_KEY),
            Some(json!({"data": {"description": "price 200 and no less"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["description"], "price 200 and no less");
    let (status, _, body) = server.get(&bid.owned(&one), Some(OTHER_KEY), None).await;
    assert_eq!(status, StatusCode::OK, "the owner reads it: {body}");

    // Anybody else: refused before learning whether the document exists.
    for document in [one.clone(), format!("/documents/{}", "f".repeat(32))] {
        let path = format!("{}{document}?acc_token={}", bid.path, tender.token);
        let (status, _, body) = server
            .patch(
                &path,
                Some(BROKER_KEY),
                Some(json!({"data": {"description": "x"}})),
            )
            .await;
        assert_error_at((status, &body), StatusCode::FORBIDDEN, "url", "permission");
    }
    for key in [None, Some(BROKER_KEY)] {
        let (status, _, body) = server.get(&format!("{}{one}", bid.path), key, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "sealed: {body}");
        assert!(!body.to_string().contains("no less"), "{body}");
    }
    let (status, _, events) = server.get("/api/2.5/events", None, None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    assert!(events.to_string().contains("DocumentEdited"), "{events}");
    assert!(!events.to_string().contains("no less"), "{events}");
}

async fn cancellation_with_a_document_cancels(server: TestServer) {
    let tender = activated(&server).await;
    submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let (status, headers, body) = server
        .post(
            &tender.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "Потреба відпала", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = &body["data"];
    let id = cancellation["id"]
        .as_str()
        .expect("cancellation id")
        .to_owned();
    assert!(is_hex32(&id));
    let path = format!("{}/cancellations/{id}", tender.path);
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{}{path}", server.base).as_str())
    );
    assert_eq!(
        keys(cancellation),
        set(&[
            "id",
            "status",
            "date",
            "reasonType",
            "reason",
            "cancellationOf"
        ])
    );
    assert_eq!(cancellation["status"], "draft");
    assert_eq!(cancellation["reasonType"], "noDemand");
    assert_eq!(cancellation["cancellationOf"], "tender");
    assert_eq!(cancellation["date"], START);

    // While a draft, its reason type can be corrected (the reference's
    // update-cancellation-reasonType.http), to one of the four only.
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/cancellations/{id}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"reasonType": "noLocalisation"}})),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "reasonType",
    );
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/cancellations/{id}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"reasonType": "expensesCut"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["reasonType"], "expensesCut");
    assert_eq!(body["data"]["reason"], "Потреба відпала");

    // Not without the decision document.
    let before = snapshot(&server, &tender, &[]).await;
    let activate_it = json!({"data": {"status": "active"}});
    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/cancellations/{id}")),
            Some(BROKER_KEY),
            Some(activate_it.clone()),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "documents",
        "Cancellation can't be activated without a document (cancellationDetails)",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // Upload the body, then attach it.
    let content = b"%PDF-1.4 decision on cancellation".to_vec();
    let uploaded = server
        .upload("decision.pdf", "application/pdf", &content)
        .await;
    assert_eq!(
        keys(&uploaded),
        set(&["url", "hash", "format", "title"]),
        "{uploaded}"
    );
    assert_eq!(uploaded["format"], "application/pdf");
    assert_eq!(uploaded["title"], "decision.pdf");
    assert!(
        is_md5_hash(uploaded["hash"].as_str().unwrap_or_default()),
        "{uploaded}"
    );
    let url = uploaded["url"].as_str().expect("url").to_owned();
    assert!(
        url.starts_with(&format!("{}/api/2.5/documents/", server.base)),
        "{url}"
    );
    // Until a public document refers to it, only the uploader reads it back.
    let (status, _, downloaded) = server.get_bytes_as(&url, Some(BROKER_KEY)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(downloaded, content);
    for key in [None, Some(OTHER_KEY)] {
        let (status, _, _) = server.get_bytes_as(&url, key).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "as {key:?}");
    }

    let mut attach = uploaded.clone();
    attach["documentType"] = json!("cancellationDetails");
    let (status, headers, body) = server
        .post(
            &tender.owned(&format!("/cancellations/{id}/documents")),
            Some(BROKER_KEY),
            Some(json!({"data": attach})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let document = &body["data"];
    assert_document_shape(document);
    assert_eq!(document["documentType"], "cancellationDetails");
    assert_eq!(document["url"], url.as_str());
    assert_eq!(document["hash"], uploaded["hash"]);
    let document_id = document["id"].as_str().unwrap_or_default();
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{}{path}/documents/{document_id}", server.base).as_str())
    );
    assert_eq!(
        read(&server, &format!("{path}/documents")).await["data"],
        json!([document])
    );
    // Attached to the public tender, the body is public.
    let (status, _, downloaded) = server.get_bytes(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(downloaded, content);

    let (status, _, body) = server
        .patch(
            &tender.owned(&format!("/cancellations/{id}")),
            Some(BROKER_KEY),
            Some(activate_it),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "active");
    assert_eq!(body["data"]["documents"], json!([document]));

    let cancelled = get_tender(&server, &tender).await;
    assert_eq!(cancelled["data"]["status"], "cancelled");
    assert!(cancelled["data"].get("next_check").is_none());
    assert_eq!(cancelled["data"]["cancellations"][0]["status"], "active");
    // Nothing automatic happens to a cancelled tender.
    assert_eq!(end_tendering(&server).await, 0);
    assert_eq!(get_tender(&server, &tender).await, cancelled);
}

// ---------------------------------------------------------------------------
// Authorisation

/// A write that must be refused to everyone but its owner.
struct Probe<'a> {
    method: e2e::http::Method,
    /// The path without the query.
    path: String,
    /// The object's right `acc_token`; `None` when the endpoint takes none.
    token: Option<&'a str>,
    body: Option<Json>,
    /// The broker owning the object, and another one.
    owner_key: &'a str,
    foreign_key: &'a str,
    /// Further reads that must not change (e.g. a sealed bid, read with its token).
    watch: Vec<String>,
}

/// One caller an endpoint must turn away, and how.
struct Caller<'a> {
    who: &'a str,
    key: Option<&'a str>,
    token: Option<String>,
    expected: StatusCode,
    description: &'a str,
}

async fn assert_refused(server: &TestServer, tender: &Tender, probe: Probe<'_>) {
    let right = probe.token.map(str::to_owned);
    let mut callers = vec![
        Caller {
            who: "anonymous",
            key: None,
            token: right.clone(),
            expected: StatusCode::UNAUTHORIZED,
            description: "A broker key is required: Authorization: Bearer <key>",
        },
        Caller {
            who: "an unknown key",
            key: Some(UNKNOWN_KEY),
            token: right.clone(),
            expected: StatusCode::UNAUTHORIZED,
            description: "Unknown broker key",
        },
    ];
    if let Some(token) = probe.token {
        let forbidden = |who, key, token| Caller {
            who,
            key: Some(key),
            token,
            expected: StatusCode::FORBIDDEN,
            description: "Forbidden",
        };
        callers.push(forbidden(
            "the owner with a wrong acc_token",
            probe.owner_key,
            Some("0".repeat(32)),
        ));
        callers.push(forbidden(
            "the owner without acc_token",
            probe.owner_key,
            None,
        ));
        callers.push(forbidden(
            "a foreign broker with the right acc_token",
            probe.foreign_key,
            Some(token.to_owned()),
        ));
    }
    for caller in callers {
        let url = match &caller.token {
            Some(token) => format!("{}?acc_token={token}", probe.path),
            None => probe.path.clone(),
        };
        let before = snapshot(server, tender, &probe.watch).await;
        let (status, _, body) = server
            .send(probe.method.clone(), &url, caller.key, probe.body.clone())
            .await;
        let what = format!("{} {} as {}", probe.method, probe.path, caller.who);
        assert_eq!(status, caller.expected, "{what}: {body}");
        let (location, name) = if caller.expected == StatusCode::UNAUTHORIZED {
            ("header", "Authorization")
        } else {
            ("url", "permission")
        };
        assert_eq!(
            body,
            json!({"status": "error", "errors": [{"location": location, "name": name, "description": caller.description}]}),
            "{what}"
        );
        assert_eq!(
            snapshot(server, tender, &probe.watch).await,
            before,
            "{what} changed something"
        );
    }
}

fn probe<'a>(
    method: e2e::http::Method,
    path: String,
    token: Option<&'a str>,
    body: Option<Json>,
) -> Probe<'a> {
    Probe {
        method,
        path,
        token,
        body,
        owner_key: BROKER_KEY,
        foreign_key: OTHER_KEY,
        watch: Vec::new(),
    }
}

async fn every_write_endpoint_checks_who_calls(server: TestServer) {
    use e2e::http::Method;
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    let tender = create(&server).await;
    let token = tender.token.as_str();
    let doc = document(&server, "notice.pdf", "notice").await;

    // In draft.
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            TENDERS.to_owned(),
            None,
            Some(fixture_request()),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::PATCH,
            tender.path.clone(),
            Some(token),
            Some(json!({"data": {"title": "Змінена назва"}})),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{}/documents", tender.path),
            Some(token),
            Some(doc.clone()),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{}/cancellations", tender.path),
            Some(token),
            Some(json!({"data": {"reason": "Потреба відпала", "reasonType": "noDemand"}})),
        ),
    )
    .await;
    // Taking over: 401 without a valid key; 403 with a wrong transfer token.
    let ownership = format!("{}/ownership", tender.path);
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            ownership.clone(),
            None,
            Some(json!({"data": {"transfer": tender.transfer}})),
        ),
    )
    .await;
    for key in [OTHER_KEY, BROKER_KEY] {
        let before = snapshot(&server, &tender, &[]).await;
        let (status, _, body) = server
            .post(
                &ownership,
                Some(key),
                Some(json!({"data": {"transfer": "0".repeat(32)}})),
            )
            .await;
        assert_error(
            (status, &body),
            StatusCode::FORBIDDEN,
            "url",
            "permission",
            "Forbidden",
        );
        assert_eq!(snapshot(&server, &tender, &[]).await, before);
    }
    // Uploading a document body needs a broker too.
    for (key, description) in [
        (
            None,
            "A broker key is required: Authorization: Bearer <key>",
        ),
        (Some(UNKNOWN_KEY), "Unknown broker key"),
    ] {
        let (status, _, body) = server
            .send_raw(
                Method::POST,
                "/api/2.5/documents?title=x.pdf",
                key,
                Some("application/pdf"),
                Some(b"%PDF".to_vec()),
            )
            .await;
        assert_error(
            (status, &body),
            StatusCode::UNAUTHORIZED,
            "header",
            "Authorization",
            description,
        );
    }
    // The owner can do what the others could not.
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"title": "Змінена назва"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // While tendering.
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{}/bids", tender.path),
            None,
            Some(bid_request(&tender, &pixeli(), 300)),
        ),
    )
    .await;
    let bid = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let sealed = vec![bid.owned("")];
    let bid_probe = |method: Method, path: String, body: Option<Json>| Probe {
        watch: sealed.clone(),
        ..probe(method, path, Some(bid.token.as_str()), body)
    };
    assert_refused(
        &server,
        &tender,
        bid_probe(
            Method::PATCH,
            bid.path.clone(),
            Some(json!({"data": {"value": {"amount": 100, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        bid_probe(Method::DELETE, bid.path.clone(), None),
    )
    .await;
    let bid_doc = document(&server, "offer.pdf", "commercialProposal").await;
    assert_refused(
        &server,
        &tender,
        bid_probe(
            Method::POST,
            format!("{}/documents", bid.path),
            Some(bid_doc.clone()),
        ),
    )
    .await;
    // The tender token is not the bid's.
    let before = snapshot(&server, &tender, &sealed).await;
    let (status, _, body) = server
        .patch(
            &format!("{}?acc_token={token}", bid.path),
            Some(BROKER_KEY),
            Some(json!({"data": {"value": {"amount": 100, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::FORBIDDEN,
        "url",
        "permission",
        "Forbidden",
    );
    assert_eq!(snapshot(&server, &tender, &sealed).await, before);
    // The bid's owner can.
    let (status, _, body) = server
        .patch(
            &bid.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"value": {"amount": 290, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = server
        .post(&bid.owned("/documents"), Some(BROKER_KEY), Some(bid_doc))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A draft cancellation and its document.
    let (status, _, body) = server
        .post(
            &tender.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "Потреба відпала", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = format!(
        "{}/cancellations/{}",
        tender.path,
        body["data"]["id"].as_str().unwrap_or_default()
    );
    assert_refused(
        &server,
        &tender,
        probe(
            Method::PATCH,
            cancellation.clone(),
            Some(token),
            Some(json!({"data": {"reason": "Інша причина"}})),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::PATCH,
            cancellation.clone(),
            Some(token),
            Some(json!({"data": {"status": "active"}})),
        ),
    )
    .await;
    let cancellation_doc = document(&server, "decision.pdf", "cancellationDetails").await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{cancellation}/documents"),
            Some(token),
            Some(cancellation_doc),
        ),
    )
    .await;

    // In qualification.
    assert_eq!(end_tendering(&server).await, 1);
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.qualification", "{got}");
    let award = format!(
        "{}/awards/{}",
        tender.path,
        got["data"]["awards"][0]["id"].as_str().unwrap_or_default()
    );
    assert_refused(
        &server,
        &tender,
        probe(
            Method::PATCH,
            award.clone(),
            Some(token),
            Some(json!({"data": {"status": "active", "qualified": true}})),
        ),
    )
    .await;
    let award_doc = json!({ "data": e2e::pq::signature(&server, "the award").await });
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{award}/documents"),
            Some(token),
            Some(award_doc.clone()),
        ),
    )
    .await;
    let (status, _, body) = server
        .post(
            &format!("{award}/documents?acc_token={token}"),
            Some(BROKER_KEY),
            Some(award_doc),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, body) = server
        .patch(
            &format!("{award}?acc_token={token}"),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active", "qualified": true}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Awarded.
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.awarded", "{got}");
    let contract = format!(
        "{}/contracts/{}",
        tender.path,
        got["data"]["contracts"][0]["id"]
            .as_str()
            .unwrap_or_default()
    );
    let contract_doc = document(&server, "contract.pdf", "contractSigned").await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::POST,
            format!("{contract}/documents"),
            Some(token),
            Some(contract_doc.clone()),
        ),
    )
    .await;
    assert_refused(
        &server,
        &tender,
        probe(
            Method::PATCH,
            contract.clone(),
            Some(token),
            Some(json!({"data": {"status": "active"}})),
        ),
    )
    .await;
    let (status, _, body) = server
        .post(
            &format!("{contract}/documents?acc_token={token}"),
            Some(BROKER_KEY),
            Some(contract_doc),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, body) = server
        .patch(
            &format!("{contract}?acc_token={token}"),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get_tender(&server, &tender).await["data"]["status"],
        "complete"
    );
}

async fn ownership_transfer(server: TestServer) {
    let tender = create(&server).await;
    let (status, _, body) = server
        .post(
            &format!("{}/ownership", tender.path),
            Some(OTHER_KEY),
            Some(json!({"data": {"transfer": tender.transfer}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(keys(&body), set(&["data", "config", "access"]));
    assert_eq!(body["data"]["owner"], "other");
    let new_token = body["access"]["token"]
        .as_str()
        .expect("new token")
        .to_owned();
    let new_transfer = body["access"]["transfer"]
        .as_str()
        .expect("new transfer")
        .to_owned();
    assert!(
        is_hex32(&new_token) && is_hex32(&new_transfer),
        "{}",
        body["access"]
    );
    assert_ne!(new_token, tender.token);
    assert_ne!(new_transfer, tender.transfer);
    assert_eq!(get_tender(&server, &tender).await["data"]["owner"], "other");

    let edit = json!({"data": {"title": "Нова назва"}});
    // Neither the old token (with either key) nor the new token with the old
    // owner's key works.
    for (key, token) in [
        (BROKER_KEY, tender.token.as_str()),
        (OTHER_KEY, tender.token.as_str()),
        (BROKER_KEY, new_token.as_str()),
    ] {
        let before = snapshot(&server, &tender, &[]).await;
        let (status, _, body) = server
            .patch(
                &format!("{}?acc_token={token}", tender.path),
                Some(key),
                Some(edit.clone()),
            )
            .await;
        assert_error(
            (status, &body),
            StatusCode::FORBIDDEN,
            "url",
            "permission",
            "Forbidden",
        );
        assert_eq!(snapshot(&server, &tender, &[]).await, before);
    }
    // The old transfer token is spent.
    let before = snapshot(&server, &tender, &[]).await;
    let (status, _, body) = server
        .post(
            &format!("{}/ownership", tender.path),
            Some(BROKER_KEY),
            Some(json!({"data": {"transfer": tender.transfer}})),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::FORBIDDEN,
        "url",
        "permission",
        "Forbidden",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // The new owner with the new token.
    let (status, _, body) = server
        .patch(
            &format!("{}?acc_token={new_token}", tender.path),
            Some(OTHER_KEY),
            Some(edit),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["title"], "Нова назва");
    assert_eq!(body["data"]["owner"], "other");
    let (status, _, body) = server
        .patch(
            &format!("{}?acc_token={new_token}", tender.path),
            Some(OTHER_KEY),
            Some(serde_json::from_str(ACTIVATE).expect("JSON")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "active.tendering");
}

// ---------------------------------------------------------------------------
// Bad input

async fn bad_input_is_a_client_error(server: TestServer) {
    use e2e::http::Method;
    let tender = create(&server).await;
    let head = server.head().await;
    let post_tender = |request: Json| server.post(TENDERS, Some(BROKER_KEY), Some(request));

    // Not JSON.
    let (status, _, body) = server
        .send_raw(
            Method::POST,
            TENDERS,
            Some(BROKER_KEY),
            Some("application/json"),
            Some(b"{\"data\": {".to_vec()),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "data",
    );
    // Not declared as JSON.
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let (status, _, body) = server
            .send_raw(
                Method::POST,
                TENDERS,
                Some(BROKER_KEY),
                content_type,
                Some(CREATE_REQUEST.as_bytes().to_vec()),
            )
            .await;
        assert_error(
            (status, &body),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "header",
            "Content-Type",
            "Content-Type header should be one of ['application/json']",
        );
    }
    // No `data`.
    let (status, _, body) = post_tender(json!({"config": {}})).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "data",
    );

    // An unknown field, at the top and nested.
    let mut request = fixture_request();
    request["data"]["rogueField"] = json!(1);
    let (status, _, body) = post_tender(request).await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "rogueField",
        "Rogue field",
    );
    let mut request = fixture_request();
    request["data"]["procuringEntity"]["identifier"]["bogus"] = json!("x");
    let (status, _, body) = post_tender(request).await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "procuringEntity.identifier.bogus",
        "Rogue field",
    );
    // A value of the wrong type.
    let mut request = fixture_request();
    request["data"]["title"] = json!(123);
    let (status, _, body) = post_tender(request).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "title",
    );
    let mut request = fixture_request();
    request["data"]["value"]["amount"] = json!("a lot");
    let (status, _, body) = post_tender(request).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "value.amount",
    );
    let mut request = fixture_request();
    request["data"]["tenderPeriod"]["endDate"] = json!("not a date");
    let (status, _, body) = post_tender(request).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "tenderPeriod.endDate",
    );
    // A missing required field.
    for field in ["title", "procuringEntity", "items"] {
        let mut request = fixture_request();
        request["data"].as_object_mut().expect("data").remove(field);
        let (status, _, body) = post_tender(request).await;
        assert_error(
            (status, &body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            field,
            "This field is required.",
        );
    }
    // Odd bodies: always a client error.
    let odd_bodies: [&[u8]; 10] = [
        b"",
        b"null",
        b"[]",
        b"\"data\"",
        b"{\"data\": null}",
        b"{\"data\": []}",
        b"{\"data\": \"tender\"}",
        b"{\"data\": {}}",
        b"\xff\xfe{}",
        b"{\"data\": {\"value\": {\"amount\": 1e400}}}",
    ];
    for bytes in odd_bodies {
        let (status, _, body) = server
            .send_raw(
                Method::POST,
                TENDERS,
                Some(BROKER_KEY),
                Some("application/json"),
                Some(bytes.to_vec()),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}: {body}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(body["status"], "error", "{body}");
    }
    // Values the rules refuse: a 422 naming the field.
    let cases: [(&str, Json, &str); 9] = [
        ("/value/amount", json!(-1), "value.amount"),
        ("/value/amount", json!(0), "value.amount"),
        ("/value/amount", json!(1234567890.1234567), "value.amount"),
        ("/title", json!("  "), "title"),
        ("/items", json!([]), "items"),
        (
            "/tenderPeriod/endDate",
            json!("2023-09-01T00:00:00+03:00"),
            "tenderPeriod.endDate",
        ),
        ("/procurementMethod", json!("open"), "procurementMethod"),
        ("/status", json!("active.tendering"), "status"),
        // A type this server does not serve.
        (
            "/procurementMethodType",
            json!("aboveThreshold"),
            "procurementMethodType",
        ),
    ];
    for (pointer, value, name) in cases {
        let mut request = fixture_request();
        match request["data"].pointer_mut(pointer) {
            Some(slot) => *slot = value.clone(),
            None => {
                let field = pointer.trim_start_matches('/');
                request["data"][field] = value.clone();
            }
        }
        let (status, _, body) = post_tender(request).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pointer} = {value}: {body}"
        );
        assert_error_at(
            (status, &body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            name,
        );
    }
    let mut request = fixture_request();
    request["config"]["hasAuction"] = json!(true);
    let (status, _, body) = post_tender(request).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "config.hasAuction",
    );
    let mut request = fixture_request();
    request["config"]["minBidsNumber"] = json!("two");
    let (status, _, body) = post_tender(request).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "config.minBidsNumber",
    );
    // An empty document body.
    let (status, _, body) = server
        .send_raw(
            Method::POST,
            "/api/2.5/documents",
            Some(BROKER_KEY),
            Some("application/pdf"),
            Some(Vec::new()),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "file",
    );
    assert_eq!(
        server.head().await,
        head,
        "no refused request recorded anything"
    );

    // The same on PATCH: nothing changes.
    let before = snapshot(&server, &tender, &[]).await;
    let (status, _, body) = server
        .send_raw(
            Method::PATCH,
            &tender.owned(""),
            Some(BROKER_KEY),
            Some("text/plain"),
            Some(ACTIVATE.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active.tendering", "colour": "red"}})),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "colour",
        "Rogue field",
    );
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"value": {"amount": true}}})),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "value.amount",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // Bids.
    let (status, body) = activate(&server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = snapshot(&server, &tender, &[]).await;
    let bids = format!("{}/bids", tender.path);
    let mut request = bid_request(&tender, &pixeli(), 300);
    request["data"]["price"] = json!(300);
    let (status, _, body) = server.post(&bids, Some(BROKER_KEY), Some(request)).await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "price",
        "Rogue field",
    );
    let mut request = bid_request(&tender, &pixeli(), 300);
    request["data"]
        .as_object_mut()
        .expect("data")
        .remove("value");
    let (status, _, body) = server.post(&bids, Some(BROKER_KEY), Some(request)).await;
    assert_error(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "value",
        "This field is required.",
    );
    let mut request = bid_request(&tender, &pixeli(), 300);
    request["data"]["tenderers"] = json!("Пікселі");
    let (status, _, body) = server.post(&bids, Some(BROKER_KEY), Some(request)).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "tenderers",
    );
    // Rules: too expensive, a wrong answer, a firm that is not shortlisted.
    let (status, _, body) = server
        .post(
            &bids,
            Some(BROKER_KEY),
            Some(bid_request(&tender, &pixeli(), 22001)),
        )
        .await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "value",
    );
    let mut request = bid_request(&tender, &pixeli(), 300);
    request["data"]["requirementResponses"][1]["value"] = json!(4);
    let (status, _, body) = server.post(&bids, Some(BROKER_KEY), Some(request)).await;
    assert_error_at(
        (status, &body),
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
        "requirementResponses",
    );
    let (status, _, body) = server
        .post(
            &bids,
            Some(BROKER_KEY),
            Some(bid_request(&tender, &third_firm(), 300)),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::FORBIDDEN,
        "body",
        "data",
        "Can't add bid if tenderer not in shortlistedFirms",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);
    // The tender can no longer be edited.
    let (status, _, body) = server
        .patch(
            &tender.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"title": "Пізно"}})),
        )
        .await;
    assert_error(
        (status, &body),
        StatusCode::FORBIDDEN,
        "body",
        "data",
        "Can't update tender in current (active.tendering) status",
    );
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // Awards: wrong bodies, then a decided award.
    submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    assert_eq!(end_tendering(&server).await, 1);
    let got = get_tender(&server, &tender).await;
    let award_id = got["data"]["awards"][0]["id"].as_str().unwrap_or_default();
    let award = tender.owned(&format!("/awards/{award_id}"));
    let before = snapshot(&server, &tender, &[]).await;
    for (edit, name) in [
        (json!({"status": "won"}), "status"),
        (json!({"status": "active", "qualified": false}), "qualified"),
        (json!({"qualified": true}), "status"),
        (json!({"status": "active", "score": 1}), "score"),
        (json!({"status": "active", "qualified": "yes"}), "qualified"),
    ] {
        let (status, _, body) = server
            .patch(&award, Some(BROKER_KEY), Some(json!({"data": edit})))
            .await;
        assert_error_at(
            (status, &body),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            name,
        );
    }
    assert_eq!(snapshot(&server, &tender, &[]).await, before);
    let (status, body) = decide_award(
        &server,
        &tender,
        award_id,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = snapshot(&server, &tender, &[]).await;
    let (status, _, body) = server
        .patch(
            &award,
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "unsuccessful", "qualified": false}})),
        )
        .await;
    assert_error_at((status, &body), StatusCode::FORBIDDEN, "body", "data");
    assert_eq!(snapshot(&server, &tender, &[]).await, before);

    // Unknown objects are 404, not 500.
    for path in [
        format!("{TENDERS}/{}", "f".repeat(32)),
        format!("{TENDERS}/not-an-id"),
        format!("{}/awards/{}", tender.path, "f".repeat(32)),
        format!("{}/bids/{}", tender.path, "f".repeat(32)),
    ] {
        let (status, _, body) = server.get(&path, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}: {body}");
    }
}
// ---------------------------------------------------------------------------
// Restart

/// Everything is in the event log: a new server on the same store shows the
/// same tenders without asking the catalogue, accepts the old tokens, and
/// carries out the transition that came due while no server ran (which asks
/// the catalogue, as every end of tendering does).
async fn restart_replays_and_catches_up(server: TestServer) {
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    let tender = activated(&server).await;
    let expensive = submit_bid(&server, &tender, BROKER_KEY, &pixeli(), 300).await;
    let cheap = submit_bid(&server, &tender, OTHER_KEY, &third_firm(), 250).await;
    let upload = document(&server, "offer.pdf", "commercialProposal").await;
    let (status, _, body) = server
        .post(&cheap.owned("/documents"), Some(OTHER_KEY), Some(upload))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["data"]["url"].as_str().expect("url").to_owned();
    // The tender period ends while the server is down.
    server.advance(TimeDelta::days(14) + TimeDelta::minutes(1));
    let before = get_tender(&server, &tender).await;
    let sealed = server.get(&cheap.owned(""), None, None).await.2;
    assert_eq!(before["data"]["status"], "active.tendering");

    server.set_catalogue(CatalogueMode::Drop);
    let server = server.restart().await;
    assert_eq!(
        get_tender(&server, &tender).await,
        before,
        "replayed as it was"
    );
    assert_eq!(server.get(&cheap.owned(""), None, None).await.2, sealed);
    let path = url
        .split_once("/api/2.5/")
        .map(|(_, p)| format!("/api/2.5/{p}"))
        .expect("path");
    let (status, _, bytes) = server.get_bytes_as(&path, Some(BROKER_KEY)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, b"%PDF-1.4 offer.pdf".to_vec());
    let (status, _, _) = server.get_bytes(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a sealed bid's document");

    // Ending the period asks the catalogue (the bidders are checked in the
    // agreement again), so it is back for that.
    server.set_catalogue(CatalogueMode::ThreeSuppliers);
    assert_eq!(
        server.run_scheduler().await,
        1,
        "the missed transition runs"
    );
    assert_eq!(server.run_scheduler().await, 0);
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["status"], "active.qualification");
    assert_eq!(got["data"]["awards"][0]["bid_id"], cheap.id.as_str());
    assert_eq!(got["data"]["bids"].as_array().map(Vec::len), Some(2));
    let award_id = got["data"]["awards"][0]["id"]
        .as_str()
        .expect("award")
        .to_owned();
    let (status, body) = decide_award(
        &server,
        &tender,
        &award_id,
        json!({"status": "unsuccessful", "qualified": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the old token still works: {body}");
    let got = get_tender(&server, &tender).await;
    assert_eq!(got["data"]["awards"][1]["bid_id"], expensive.id.as_str());

    // And once more: a second restart changes nothing either.
    let server = server.restart().await;
    assert_eq!(get_tender(&server, &tender).await, got);
    assert_eq!(server.run_scheduler().await, 0);
    assert_eq!(get_tender(&server, &tender).await, got);
}

/// Spec §9.1: the 201 body, verbatim (ids, tokens and dates are placeholders).
const CREATED_BODY: &str = r##"{
  "data": {
    "mainProcurementCategory": "goods",
    "procurementMethod": "selective",
    "title": "Комп’ютерне обладнання",
    "procurementMethodType": "priceQuotation",
    "awardCriteria": "lowestCost",
    "status": "draft",
    "agreement": {
      "id": "2e14a78a2074952d5a2d256c3c004dda"
    },
    "value": {
      "amount": 22000.0,
      "currency": "UAH",
      "valueAddedTaxIncluded": true
    },
    "tenderPeriod": {
      "endDate": "2023-10-04T01:00:00+03:00",
      "startDate": "2023-09-20T01:00:00+03:00"
    },
    "procuringEntity": {
      "name": "Державне управління справами",
      "identifier": {
        "scheme": "UA-EDR",
        "id": "00037256",
        "uri": "http://www.dus.gov.ua/"
      },
      "address": {
        "streetAddress": "вул. Банкова, 11, корпус 1",
        "locality": "м. Київ",
        "region": "м. Київ",
        "postalCode": "01220",
        "countryName": "Україна"
      },
      "contactPoint": {
        "telephone": "+0440000000",
        "name": "Державне управління справами"
      },
      "kind": "general"
    },
    "items": [
      {
        "id": "6d463cf854bc4c0eb04915ba7c172bea",
        "description": "Комп’ютерне обладнання",
        "classification": {
          "description": "Cartons",
          "scheme": "ДК021",
          "id": "44617100-9"
        },
        "quantity": 5.0,
        "deliveryDate": {
          "startDate": "2023-09-22T01:00:00+03:00",
          "endDate": "2023-09-25T01:00:00+03:00"
        },
        "deliveryAddress": {
          "streetAddress": "вул. Банкова 1",
          "locality": "м. Київ",
          "region": "м. Київ",
          "postalCode": "79000",
          "countryName": "Україна"
        },
        "additionalClassifications": [
          {
            "scheme": "INN",
            "id": "17.21.1",
            "description": "папір і картон гофровані, паперова й картонна тара"
          }
        ],
        "unit": {
          "name": "кг",
          "value": {
            "amount": 6.0,
            "currency": "UAH",
            "valueAddedTaxIncluded": true
          },
          "code": "KGM"
        },
        "profile": "655360-30230000-889652-40000777"
      }
    ],
    "criteria": [
      {
        "id": "8cc74439d2954c768f5dcfb5cb05e7dc",
        "title": "Форма випуску",
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "id": "f7534cb234fe46a2a30f0d69d7d10914",
            "description": "Форма випуску",
            "requirements": [
              {
                "id": "25ad302697704d249e9d653933f909ee",
                "title": "Форма випуску",
                "dataType": "string",
                "expectedValue": "Розчин для інфузій"
              }
            ]
          }
        ]
      },
      {
        "id": "e6f67e9363e646798af5218a387229af",
        "title": "Доза діючої речовини",
        "description": "Доза діючої речовини",
        "requirementGroups": [
          {
            "id": "cd0fab014c454a63aee04b3f154244f6",
            "description": "Доза діючої речовини",
            "requirements": [
              {
                "id": "d3cb95288b334796b1562a0c638e526b",
                "title": "Доза діючої речовини",
                "dataType": "integer",
                "unit": {
                  "code": "KGM",
                  "name": "кілограми"
                },
                "minValue": 5
              }
            ]
          }
        ]
      },
      {
        "id": "04c9bc91e999415dbe174b1605adb116",
        "title": "Форма випуску",
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "id": "1336eff0d6df4ffb839bda177861dd2b",
            "description": "Форма випуску",
            "requirements": [
              {
                "id": "a917b3e240d94416aac128cd1c3775e1",
                "title": "Форма випуску",
                "dataType": "string",
                "expectedValues": [
                  "Відповідь1",
                  "Відповідь2",
                  "Відповідь3",
                  "Відповідь4"
                ],
                "expectedMinItems": 2,
                "expectedMaxItems": 3
              }
            ]
          }
        ]
      }
    ],
    "tenderID": "UA-2023-09-20-000001-a",
    "owner": "broker",
    "date": "2023-09-20T01:00:00+03:00",
    "dateCreated": "2023-09-20T01:00:00+03:00",
    "dateModified": "2023-09-20T01:00:00+03:00",
    "id": "bb8949e735294cbaa864bd3bc68a1e5f"
  },
  "config": {
    "hasAuction": false,
    "hasAwardingOrder": true,
    "hasValueRestriction": true,
    "valueCurrencyEquality": true,
    "hasPrequalification": false,
    "minBidsNumber": 1,
    "hasPreSelectionAgreement": true
  },
  "access": {
    "token": "d3c6750ff65148df856b59e65feba396",
    "transfer": "310d898a127548d195e67ab4293aaa05"
  }
}"##;

/// Spec §9.3: the tender after a successful activation, verbatim.
const ACTIVE_BODY: &str = r##"{
  "data": {
    "date": "2023-09-20T01:00:00+03:00",
    "dateModified": "2023-09-20T01:00:00+03:00",
    "dateCreated": "2023-09-20T01:00:00+03:00",
    "tenderID": "UA-2023-09-20-000001-a",
    "owner": "broker",
    "title": "Комп’ютерне обладнання",
    "mainProcurementCategory": "goods",
    "procurementMethod": "selective",
    "procurementMethodType": "priceQuotation",
    "awardCriteria": "lowestCost",
    "status": "active.tendering",
    "agreement": {
      "id": "2e14a78a2074952d5a2d256c3c004dda"
    },
    "shortlistedFirms": [
      {
        "name": "Товариство з обмеженою відповідальністю «Пікселі»",
        "identifier": {
          "scheme": "UA-EDR",
          "id": "00037256",
          "legalName": "Товариство з обмеженою відповідальністю «Пікселі»"
        },
        "address": {
          "streetAddress": "бул.Дружби Народів, 8",
          "locality": "м.Київ",
          "region": "Київська область",
          "postalCode": "01100",
          "countryName": "Україна"
        },
        "contactPoint": {
          "email": "contact@pixel.pix",
          "telephone": "+0671234567",
          "name": "Оксана Піксель"
        },
        "scale": "large",
        "id": "UA-EDR-12345678",
        "status": "active"
      },
      {
        "name": "Товариство з обмеженою відповідальністю «Штекер-Пекер»",
        "identifier": {
          "scheme": "UA-EDR",
          "id": "87654321",
          "legalName": "Товариство з обмеженою відповідальністю «Штекер-Пекер»"
        },
        "address": {
          "streetAddress": "вул. Кластерна, 777-К",
          "locality": "м.Тернопіль",
          "region": "Тернопільська область",
          "postalCode": "46000",
          "countryName": "Україна"
        },
        "contactPoint": {
          "email": "info@shteker.pek",
          "telephone": "+0951234567",
          "name": "Олег Штекер"
        },
        "scale": "large",
        "id": "UA-EDR-87654321",
        "status": "active"
      }
    ],
    "value": {
      "amount": 22000.0,
      "currency": "UAH",
      "valueAddedTaxIncluded": true
    },
    "tenderPeriod": {
      "startDate": "2023-09-20T01:00:00+03:00",
      "endDate": "2023-10-04T01:00:00+03:00"
    },
    "procuringEntity": {
      "name": "Державне управління справами",
      "identifier": {
        "scheme": "UA-EDR",
        "id": "00037256",
        "uri": "http://www.dus.gov.ua/"
      },
      "address": {
        "streetAddress": "вул. Банкова, 11, корпус 1",
        "locality": "м. Київ",
        "region": "м. Київ",
        "postalCode": "01220",
        "countryName": "Україна"
      },
      "contactPoint": {
        "telephone": "+0440000000",
        "name": "Державне управління справами"
      },
      "kind": "general"
    },
    "noticePublicationDate": "2023-09-20T01:00:00+03:00",
    "items": [
      {
        "id": "1624a28ab11b43cabcaef9018c023a16",
        "description": "Комп’ютерне обладнання",
        "classification": {
          "description": "Cartons",
          "scheme": "ДК021",
          "id": "44617100-9"
        },
        "quantity": 5.0,
        "deliveryDate": {
          "startDate": "2023-09-22T01:00:00+03:00",
          "endDate": "2023-09-25T01:00:00+03:00"
        },
        "deliveryAddress": {
          "streetAddress": "вул. Банкова 1",
          "locality": "м. Київ",
          "region": "м. Київ",
          "postalCode": "79000",
          "countryName": "Україна"
        },
        "additionalClassifications": [
          {
            "scheme": "INN",
            "id": "17.21.1",
            "description": "папір і картон гофровані, паперова й картонна тара"
          }
        ],
        "unit": {
          "name": "кг",
          "value": {
            "amount": 6.0,
            "currency": "UAH",
            "valueAddedTaxIncluded": true
          },
          "code": "KGM"
        },
        "profile": "655360-30230000-889652-40000777"
      }
    ],
    "criteria": [
      {
        "id": "fc286b057a6f4e90af906d671cabd8c4",
        "title": "Форма випуску",
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "id": "94d7ddacdb7c4428872b19615e455e5c",
            "description": "Форма випуску",
            "requirements": [
              {
                "id": "eb40cc8ae615437cb0f97f4e4e584d14",
                "title": "Форма випуску",
                "dataType": "string",
                "expectedValue": "Розчин для інфузій"
              }
            ]
          }
        ]
      },
      {
        "id": "09832e562d6049089f1b2d6806e45a20",
        "title": "Доза діючої речовини",
        "description": "Доза діючої речовини",
        "requirementGroups": [
          {
            "id": "1de5131390d041a98c0333e4b1a5bd27",
            "description": "Доза діючої речовини",
            "requirements": [
              {
                "id": "3b6248539c3d4ff1a69d98d3f79a941e",
                "title": "Доза діючої речовини",
                "dataType": "integer",
                "unit": {
                  "code": "KGM",
                  "name": "кілограми"
                },
                "minValue": 5
              }
            ]
          }
        ]
      },
      {
        "id": "52aa71c7eee743f18b0d05ea705e76aa",
        "title": "Форма випуску",
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "id": "76232039d4ce4994824d26510f0bf484",
            "description": "Форма випуску",
            "requirements": [
              {
                "id": "e75acce3b5eb403ca05b2428c5f7592f",
                "title": "Форма випуску",
                "dataType": "string",
                "expectedValues": [
                  "Відповідь1",
                  "Відповідь2",
                  "Відповідь3",
                  "Відповідь4"
                ],
                "expectedMinItems": 2,
                "expectedMaxItems": 3
              }
            ]
          }
        ]
      }
    ],
    "contractTemplateName": "00000000-0.0001.01",
    "next_check": "2023-10-04T01:00:00+03:00",
    "id": "bb8949e735294cbaa864bd3bc68a1e5f"
  },
  "config": {
    "hasAuction": false,
    "hasAwardingOrder": true,
    "hasValueRestriction": true,
    "valueCurrencyEquality": true,
    "hasPrequalification": false,
    "minBidsNumber": 1,
    "hasPreSelectionAgreement": true
  }
}"##;
