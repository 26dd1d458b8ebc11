//! The open tender's bids: sealed while tendering and while the auction
//! waits to start, opened at their final prices once it ends; a price
//! changed during tendering, a withdrawn bid, a draft never submitted and
//! every bid of a tender cancelled during tendering stay sealed for ever.

use axum::http::Method;
use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer};
use e2e::ot::{self, Bid, OpenTender};
use e2e::secrecy::{Probe, check, collect, viewers};
use serde_json::{Value as Json, json};

use super::{known, ocid};

/// Supplier `n` with a marker e-mail.
fn tenderer(n: u32, email: &str) -> Json {
    let mut who = ot::supplier(n);
    who["contactPoint"]["email"] = json!(email);
    who
}

/// A bid of `amount` by supplier `n` (marker e-mail `email`) through the
/// other broker, signed ([`sign`] with `marker`), submitted unless `draft`.
async fn bid(
    server: &TestServer,
    tender: &OpenTender,
    n: u32,
    amount: &str,
    email: &str,
    marker: &str,
    draft: bool,
) -> (Bid, String, String) {
    let item = ot::bid_item(tender, amount);
    let amount: Json = serde_json::from_str(amount).expect("an amount");
    let (status, _, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(OTHER_KEY),
            Some(json!({"data": {
                "tenderers": [tenderer(n, email)],
                "status": "draft",
                "lotValues": [{"value": {"amount": amount}, "relatedLot": tender.lot_id}],
                "items": [item]
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "bid {amount}: {body}");
    let id = body["data"]["id"].as_str().expect("bid id").to_owned();
    let bid = Bid {
        token: body["access"]["token"].as_str().expect("token").to_owned(),
        path: format!("{}/bids/{id}", tender.path),
        id,
    };
    let (document_id, key) = sign(server, &bid, marker, None).await;
    if !draft {
        submit(server, &bid).await;
    }
    (bid, document_id, key)
}

/// Attaches a proposal signature titled `{marker}-title.p7s` (a
/// signature's title ends so) with body `{marker}-body`, uploaded by the
/// bidder's broker, or a new version of signature `replacing`; answers
/// its document id and storage key.
async fn sign(
    server: &TestServer,
    bid: &Bid,
    marker: &str,
    replacing: Option<&str>,
) -> (String, String) {
    let mut document = server
        .upload_as(
            OTHER_KEY,
            &format!("{marker}-title.p7s"),
            "application/pkcs7-signature",
            format!("{marker}-body").as_bytes(),
        )
        .await;
    document["documentType"] = json!("proposal");
    let key = document["url"]
        .as_str()
        .and_then(|url| url.rsplit('/').next())
        .expect("document url")
        .to_owned();
    let (status, _, body) = match replacing {
        None => {
            server
                .post(
                    &bid.owned("/documents"),
                    Some(OTHER_KEY),
                    Some(json!({ "data": document })),
                )
                .await
        }
        Some(id) => {
            server
                .put(
                    &bid.owned(&format!("/documents/{id}")),
                    Some(OTHER_KEY),
                    Some(json!({ "data": document })),
                )
                .await
        }
    };
    assert!(status.is_success(), "{status} {body}");
    let id = body["data"]["id"].as_str().expect("document").to_owned();
    (id, key)
}

async fn submit(server: &TestServer, bid: &Bid) {
    let (status, _, body) = server
        .patch(
            &bid.owned(""),
            Some(OTHER_KEY),
            Some(json!({"data": {"status": "pending"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "pending", "{body}");
}

pub async fn open_tender_bids_stay_sealed(server: TestServer) {
    let tender = ot::published(&server).await;
    let doomed = ot::published(&server).await;
    let mut known = known();
    for t in [&tender, &doomed] {
        known.add("id", &t.id);
        known.add("ocid", ocid(&server, &t.path).await);
    }
    let document = ot::read(&server, &tender).await;
    ot::at(&server, &tender, ot::enquiry_end(&document)).await;

    // b1 and b2 take part; b1 lowered its price during tendering, so its
    // first price is sealed for ever. b3 stays a draft, b4 is withdrawn,
    // c1 bids on the tender that is cancelled.
    let (b1, b1_doc, b1_key) = bid(
        &server,
        &tender,
        61,
        "481.37",
        "ot-b1@bidder.test",
        "ot-b1-doc",
        false,
    )
    .await;
    let (status, _, body) = server
        .patch(
            &b1.owned(""),
            Some(OTHER_KEY),
            Some(json!({"data": {
                "lotValues": [{"value": {"amount": 479.93}, "relatedLot": tender.lot_id}],
                "items": [ot::bid_item(&tender, "479.93")]
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A changed bid is signed again, after its first submission, and
    // submitted again.
    assert_eq!(body["data"]["status"], "invalid", "{body}");
    server.advance(chrono::TimeDelta::minutes(1));
    let (b1_resign, b1_resign_key) = sign(&server, &b1, "ot-b1-resign", Some(&b1_doc)).await;
    submit(&server, &b1).await;
    known.add("document_id", &b1_resign);
    known.add("key", &b1_resign_key);
    let (b2, b2_doc, b2_key) = bid(
        &server,
        &tender,
        62,
        "492.41",
        "ot-b2@bidder.test",
        "ot-b2-doc",
        false,
    )
    .await;
    let (b3, b3_doc, b3_key) = bid(
        &server,
        &tender,
        63,
        "473.52",
        "ot-b3-draft@bidder.test",
        "ot-b3-doc",
        true,
    )
    .await;
    let (b4, b4_doc, b4_key) = bid(
        &server,
        &tender,
        64,
        "474.63",
        "ot-b4-withdrawn@bidder.test",
        "ot-b4-doc",
        false,
    )
    .await;
    let (status, _, body) = server.delete(&b4.owned(""), Some(OTHER_KEY), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (c1, c1_doc, c1_key) = bid(
        &server,
        &doomed,
        65,
        "475.74",
        "ot-c1-cancelled@bidder.test",
        "ot-c1-doc",
        false,
    )
    .await;
    for bid in [&b1, &b2, &b3, &b4, &c1] {
        known.add("bid_id", &bid.id);
    }
    for (id, key) in [
        (&b1_doc, &b1_key),
        (&b2_doc, &b2_key),
        (&b3_doc, &b3_key),
        (&b4_doc, &b4_key),
        (&c1_doc, &c1_key),
    ] {
        known.add("document_id", id);
        known.add("key", key);
    }
    let sealed_for_ever: Vec<String> = [
        "481.37",
        "473.52",
        "ot-b3-draft@bidder.test",
        "ot-b3-doc-title",
        "ot-b3-doc-body",
        "474.63",
        "ot-b4-withdrawn@bidder.test",
        "ot-b4-doc-title",
        "ot-b4-doc-body",
        "475.74",
        "ot-c1-cancelled@bidder.test",
        "ot-c1-doc-title",
        "ot-c1-doc-body",
    ]
    .map(String::from)
    .into();
    let disclosed: Vec<String> = [
        "479.93",
        "492.41",
        "ot-b1@bidder.test",
        "ot-b2@bidder.test",
        "ot-b1-doc-title",
        "ot-b2-doc-title",
        "ot-b1-resign-title",
    ]
    .map(String::from)
    .into();
    let all_sealed: Vec<String> = sealed_for_ever.iter().chain(&disclosed).cloned().collect();
    let viewers = viewers(&tender.token);
    let label = |stage: &str| format!("belowThreshold/{stage}/{}", server.backend.name());
    let probes = |bid: &Bid| {
        vec![
            Probe {
                method: Method::PATCH,
                path: format!("{}/bids/{}", tender.path, bid.id),
                key: Some(BROKER_KEY),
                body: Some(json!({"data": {"status": "pending"}})),
            },
            Probe {
                method: Method::POST,
                path: format!("{}/bids", tender.path),
                key: Some(OTHER_KEY),
                body: Some(json!({"data": {"tenderers": [tenderer(61, "x@y.z")]}})),
            },
        ]
    };
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    check(&scan, &label("tendering"), &all_sealed, &[]);

    // The doomed tender is cancelled while its bid is sealed.
    let (status, _, body) = server
        .post(
            &doomed.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "Зникла потреба", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = format!(
        "/cancellations/{}",
        body["data"]["id"].as_str().expect("id")
    );
    ot::attach(
        &server,
        &doomed,
        &cancellation,
        "sign.p7s",
        "application/pkcs7-signature",
        "cancellationReport",
    )
    .await;
    let (status, _, body) = server
        .patch(
            &doomed.owned(&cancellation),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Tendering ends: the auction waits for its start, bids still sealed.
    let document = ot::at(&server, &tender, ot::tender_end(&document)).await;
    assert_eq!(document["status"], "active.auction", "{document}");
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    check(&scan, &label("auction-scheduled"), &all_sealed, &[]);

    // The auction runs with nobody lowering; at its end bids open.
    let auction = format!("/api/auctions/{}", tender.id);
    let opening = ot::time(&document["lots"][0]["auctionPeriod"]["startDate"]);
    server.set_time(opening);
    server.run_scheduler().await;
    let (_, _, view) = server.get(&auction, None, None).await;
    let last = view["data"]["auction"]["stages"]
        .as_array()
        .and_then(|stages| stages.last())
        .map(|stage| ot::time(&stage["end"]))
        .unwrap_or_else(|| panic!("no stages: {view}"));
    let document = ot::at(&server, &tender, last).await;
    assert_eq!(document["status"], "active.qualification", "{document}");
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    check(&scan, &label("disclosed"), &sealed_for_ever, &disclosed);
}
