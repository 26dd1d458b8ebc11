//! Bid secrecy, by construction: for each procedure type, procedures are
//! driven through each stage with bids carrying unique marker values
//! (prices, contact e-mails, bidder codes, document titles and bodies), and
//! at each stage everything a non-owner can get from the server is scanned
//! (`e2e::secrecy`: every GET route of the router with every known id, the
//! feeds and the event log in every form, both live streams, document
//! bodies, refused writes). A sealed marker must appear nowhere; after
//! disclosure every disclosed marker must appear somewhere, and still once
//! a winner's contract exists (read through its procedure and as a
//! resource of its own).
//!
//! Never disclosed: a price a bid had before it was changed, withdrawn and
//! draft bids, a tenderer's second bid through another broker, `buyerOnly`
//! documents, and every bid of a procedure cancelled while bids were sealed.
//! A Dutch sale's sealed round-2 bid is seen by nobody, on the auction's
//! own routes either, until round 2 ends.

mod open_tender;

use std::collections::BTreeSet;

use axum::http::Method;
use e2e::http::{
    AUCTION_KEY, BROKER_KEY, OTHER_KEY, STRANGER_KEY, StatusCode, TestServer, pixeli, shteker,
    tenderer,
};
use e2e::pq::{activated, bid_request, end_tendering, read};
use e2e::secrecy::{Known, Probe, Scan, check, collect, viewers};
use serde_json::{Value as Json, json};

use open_tender::open_tender_bids_stay_sealed;

e2e::on_both_backends!(
    price_quotation_bids_stay_sealed,
    multi_award_sale_bids_stay_sealed,
    dutch_sale_bids_stay_sealed,
    open_tender_bids_stay_sealed
);

const NO_ID: &str = "0123456789abcdef0123456789abcdef";

/// Every procedure kind the server ships has a scenario here.
#[test]
fn every_published_kind_is_scanned() {
    let scanned: BTreeSet<&str> = [
        domain::procedures::price_quotation::KIND,
        domain::procedures::multi_award_sale::KIND,
        domain::procedures::dutch_sale::KIND,
        domain::procedures::open_tender::KIND,
    ]
    .into();
    let registry = api::registry::Registry::builtin(Default::default());
    let published: BTreeSet<&str> = registry.published().names().collect();
    assert_eq!(
        published, scanned,
        "a procedure kind without a secrecy scenario"
    );
}

fn known() -> Known {
    let mut known = Known::default();
    for parameter in [
        "id",
        "bid_id",
        "award_id",
        "contract_id",
        "cancellation_id",
        "document_id",
        "key",
        "ocid",
    ] {
        known.add(parameter, NO_ID);
    }
    known
}

/// The OCDS ocid of the procedure at `path` (its record is scanned too).
async fn ocid(server: &TestServer, path: &str) -> String {
    let (status, _, body) = server.get(path, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let data = &body["data"];
    let id = data["tenderID"]
        .as_str()
        .or_else(|| data["auctionId"].as_str())
        .unwrap_or_else(|| panic!("no tenderID or auctionId in {body}"));
    format!("ocds-{}-{id}", e2e::http::OCDS_PREFIX)
}

/// Uploads `body` as `key`'s broker; answers the metadata to attach.
async fn upload(server: &TestServer, key: &'static str, title: &str, body: &str) -> Json {
    let (status, _, json) = server
        .send_raw(
            Method::POST,
            &format!("/api/2.5/documents?title={title}"),
            Some(key),
            Some("application/pdf"),
            Some(body.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "upload: {json}");
    json["data"].clone()
}

/// Attaches an uploaded body to a bid; answers the document id and key.
async fn bid_document(
    server: &TestServer,
    bid_documents: &str,
    key: &'static str,
    marker: &str,
    document_type: Option<&str>,
    confidential: bool,
) -> (String, String) {
    let mut metadata = upload(
        server,
        key,
        &format!("{marker}-title"),
        &format!("{marker}-body"),
    )
    .await;
    if let Some(kind) = document_type {
        metadata["documentType"] = json!(kind);
    }
    if confidential {
        metadata["confidentiality"] = json!("buyerOnly");
    }
    let (status, _, body) = server
        .post(bid_documents, Some(key), Some(json!({ "data": metadata })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (document_id(&body), storage_key(&metadata))
}

/// A JSON number written exactly as `text` (amounts never pass through f64).
fn amount_json(text: &str) -> Json {
    serde_json::from_str(text).expect("an amount")
}

fn document_id(body: &Json) -> String {
    body["data"]["id"].as_str().expect("document id").to_owned()
}

fn storage_key(metadata: &Json) -> String {
    metadata["url"]
        .as_str()
        .and_then(|url| url.rsplit('/').next())
        .expect("document url")
        .to_owned()
}

struct PqBid {
    id: String,
    token: String,
}

/// A priceQuotation bid by `firm` through `key`, with a marker e-mail and
/// price.
async fn pq_bid(
    server: &TestServer,
    tender: &e2e::pq::Tender,
    key: &'static str,
    firm: &Json,
    amount: &str,
    email: &str,
    status: Option<&str>,
) -> PqBid {
    let mut request = bid_request(tender, firm, 1);
    request["data"]["value"]["amount"] = amount_json(amount);
    let mut who = tenderer(firm);
    who["contactPoint"]["email"] = json!(email);
    request["data"]["tenderers"] = json!([who]);
    if let Some(status) = status {
        request["data"]["status"] = json!(status);
    }
    let (code, _, body) = server
        .post(&format!("{}/bids", tender.path), Some(key), Some(request))
        .await;
    assert_eq!(code, StatusCode::CREATED, "bid {amount}: {body}");
    PqBid {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"].as_str().expect("token").to_owned(),
    }
}

async fn price_quotation_bids_stay_sealed(server: TestServer) {
    let tender = activated(&server).await;
    let doomed = activated(&server).await;
    let mut known = known();
    for t in [&tender, &doomed] {
        known.add("id", &t.id);
        known.add("ocid", ocid(&server, &t.path).await);
    }
    let bids = format!("{}/bids", tender.path);

    // b1 takes part: its first price is sealed for ever, its final price,
    // contact and public document are disclosed.
    let b1 = pq_bid(
        &server,
        &tender,
        OTHER_KEY,
        &pixeli(),
        "17311.37",
        "pq-b1-contact@bidder.test",
        None,
    )
    .await;
    let (status, _, body) = server
        .patch(
            &format!("{bids}/{}?acc_token={}", b1.id, b1.token),
            Some(OTHER_KEY),
            Some(json!({"data": {"value": {"amount": 17319.93, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let b1_documents = format!("{bids}/{}/documents?acc_token={}", b1.id, b1.token);
    let public_doc = bid_document(
        &server,
        &b1_documents,
        OTHER_KEY,
        "pq-b1-public-doc",
        None,
        false,
    )
    .await;
    let secret_doc = bid_document(
        &server,
        &b1_documents,
        OTHER_KEY,
        "pq-b1-buyeronly-doc",
        None,
        true,
    )
    .await;
    // b2 is withdrawn, b3 (the same tenderer afresh) stays a draft, b4 is
    // b1's tenderer again through the buyer's own broker.
    let b2 = pq_bid(
        &server,
        &tender,
        OTHER_KEY,
        &shteker(),
        "17322.41",
        "pq-b2-withdrawn@bidder.test",
        None,
    )
    .await;
    let b2_doc = bid_document(
        &server,
        &format!("{bids}/{}/documents?acc_token={}", b2.id, b2.token),
        OTHER_KEY,
        "pq-b2-doc",
        None,
        false,
    )
    .await;
    let (status, _, body) = server
        .delete(
            &format!("{bids}/{}?acc_token={}", b2.id, b2.token),
            Some(OTHER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let b3 = pq_bid(
        &server,
        &tender,
        OTHER_KEY,
        &shteker(),
        "17333.52",
        "pq-b3-draft@bidder.test",
        Some("draft"),
    )
    .await;
    let b4 = pq_bid(
        &server,
        &tender,
        BROKER_KEY,
        &pixeli(),
        "17344.63",
        "pq-b4-second@bidder.test",
        None,
    )
    .await;
    // c1 bids on the tender that is cancelled during tendering.
    let c1 = pq_bid(
        &server,
        &doomed,
        OTHER_KEY,
        &shteker(),
        "17355.74",
        "pq-c1-cancelled@bidder.test",
        None,
    )
    .await;
    let c1_doc = bid_document(
        &server,
        &format!(
            "{}/bids/{}/documents?acc_token={}",
            doomed.path, c1.id, c1.token
        ),
        OTHER_KEY,
        "pq-c1-doc",
        None,
        false,
    )
    .await;
    for bid in [&b1, &b2, &b3, &b4, &c1] {
        known.add("bid_id", &bid.id);
    }
    for (id, key) in [&public_doc, &secret_doc, &b2_doc, &c1_doc] {
        known.add("document_id", id);
        known.add("key", key);
    }

    let sealed_for_ever: Vec<String> = [
        "17311.37",
        "17322.41",
        "pq-b2-withdrawn@bidder.test",
        "pq-b2-doc-title",
        "pq-b2-doc-body",
        "17333.52",
        "pq-b3-draft@bidder.test",
        "17344.63",
        "pq-b4-second@bidder.test",
        "pq-b1-buyeronly-doc-title",
        "pq-b1-buyeronly-doc-body",
        "17355.74",
        "pq-c1-cancelled@bidder.test",
        "pq-c1-doc-title",
        "pq-c1-doc-body",
    ]
    .map(String::from)
    .into();
    let disclosed: Vec<String> = [
        "17319.93",
        "pq-b1-contact@bidder.test",
        "pq-b1-public-doc-title",
        "pq-b1-public-doc-body",
    ]
    .map(String::from)
    .into();
    let all_sealed: Vec<String> = sealed_for_ever.iter().chain(&disclosed).cloned().collect();
    let probes = |bid: &PqBid| {
        vec![
            // The same tenderer again through another broker is taken
            // (201), so only the refusals are probed: a stranger's edit,
            // withdrawal and document, and the buyer's token on a bid.
            Probe {
                method: Method::PATCH,
                path: format!("{bids}/{}", bid.id),
                key: Some(STRANGER_KEY),
                body: Some(json!({"data": {"value": {"amount": 1}}})),
            },
            Probe {
                method: Method::DELETE,
                path: format!("{bids}/{}?acc_token={}", bid.id, tender.token),
                key: Some(BROKER_KEY),
                body: None,
            },
            Probe {
                method: Method::POST,
                path: format!("{bids}/{}/documents", bid.id),
                key: Some(AUCTION_KEY),
                body: Some(json!({"data": {}})),
            },
        ]
    };
    let viewers = viewers(&tender.token);

    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    check(
        &scan,
        &format!("priceQuotation/tendering/{}", server.backend.name()),
        &all_sealed,
        &[],
    );

    // Cancel the second tender while its bid is sealed.
    let (status, _, body) = server
        .post(
            &doomed.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": "Потреба відпала", "reasonType": "noDemand"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let cancellation = body["data"]["id"]
        .as_str()
        .expect("cancellation")
        .to_owned();
    known.add("cancellation_id", &cancellation);
    let mut decision = upload(&server, BROKER_KEY, "decision.pdf", "%PDF-1.4 decision").await;
    decision["documentType"] = json!("cancellationDetails");
    let (status, _, body) = server
        .post(
            &doomed.owned(&format!("/cancellations/{cancellation}/documents")),
            Some(BROKER_KEY),
            Some(json!({ "data": decision })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, body) = server
        .patch(
            &doomed.owned(&format!("/cancellations/{cancellation}")),
            Some(BROKER_KEY),
            Some(json!({"data": {"status": "active"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        read(&server, &doomed.path).await["data"]["status"],
        "cancelled"
    );
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    check(
        &scan,
        &format!(
            "priceQuotation/cancelled-during-tendering/{}",
            server.backend.name()
        ),
        &all_sealed,
        &[],
    );

    // The tender period ends: b1 is disclosed, nothing else.
    end_tendering(&server).await;
    let document = read(&server, &tender.path).await;
    assert_eq!(
        document["data"]["status"], "active.qualification",
        "{document}"
    );
    for award in document["data"]["awards"].as_array().into_iter().flatten() {
        known.add("award_id", award["id"].as_str().unwrap_or(NO_ID));
    }
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    assert_eq!(
        scan.answers
            .iter()
            .filter(|a| a.request == format!("GET {} as anonymous", tender.path))
            .map(|a| a.status)
            .collect::<Vec<_>>(),
        [StatusCode::OK],
        "the tender itself was read"
    );
    check(
        &scan,
        &format!("priceQuotation/disclosed/{}", server.backend.name()),
        &sealed_for_ever,
        &disclosed,
    );

    // The buyer accepts the award: the winner's contract is read through
    // the tender and as a resource of its own (`/api/2.5/contracts…`).
    let award = document["data"]["awards"][0]["id"]
        .as_str()
        .expect("an award")
        .to_owned();
    let (status, body) = e2e::pq::decide_award(
        &server,
        &tender,
        &award,
        json!({"status": "active", "qualified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = read(&server, &tender.path).await;
    let contract = document["data"]["contracts"][0]["id"]
        .as_str()
        .expect("a contract")
        .to_owned();
    known.add("contract_id", &contract);
    let scan = collect(&server, &known, &viewers, &probes(&b1)).await;
    assert_eq!(
        scan.answers
            .iter()
            .filter(|a| a.request == format!("GET /api/2.5/contracts/{contract} as anonymous"))
            .map(|a| a.status)
            .collect::<Vec<_>>(),
        [StatusCode::OK],
        "the contract itself was read"
    );
    check(
        &scan,
        &format!("priceQuotation/contracted/{}", server.backend.name()),
        &sealed_for_ever,
        &disclosed,
    );
}

struct SaleBid {
    id: String,
    token: String,
}

async fn sale_bid(
    server: &TestServer,
    sale: &e2e::sale::Sale,
    key: &'static str,
    edr: &str,
    price: &str,
    status: Option<&str>,
) -> SaleBid {
    let mut request = e2e::sale::bid_request(edr, json!(300), amount_json(price));
    if let Some(status) = status {
        request["data"]["status"] = json!(status);
    }
    let (code, _, body) = server
        .post(&format!("{}/bids", sale.path), Some(key), Some(request))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    SaleBid {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"].as_str().expect("token").to_owned(),
    }
}

async fn multi_award_sale_bids_stay_sealed(server: TestServer) {
    let sale = e2e::sale::publish_lot(&server, 1000, 100, 100).await;
    let doomed = e2e::sale::publish_lot(&server, 1000, 100, 100).await;
    let mut known = known();
    for s in [&sale, &doomed] {
        known.add("id", &s.id);
        known.add("ocid", ocid(&server, &s.path).await);
    }
    let bids = format!("{}/bids", sale.path);
    let s1 = sale_bid(&server, &sale, OTHER_KEY, "71000001", "1234.56", None).await;
    let (status, _, body) = server
        .patch(
            &format!("{bids}/{}?acc_token={}", s1.id, s1.token),
            Some(OTHER_KEY),
            Some(json!({"data": {"value": {"amount": 1299.91, "currency": "UAH"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let s1_documents = format!("{bids}/{}/documents?acc_token={}", s1.id, s1.token);
    let public_doc = bid_document(
        &server,
        &s1_documents,
        OTHER_KEY,
        "bsm-s1-public-doc",
        Some("eligibilityDocuments"),
        false,
    )
    .await;
    let secret_doc = bid_document(
        &server,
        &s1_documents,
        OTHER_KEY,
        "bsm-s1-buyeronly-doc",
        Some("x_guarantee"),
        true,
    )
    .await;
    let s2 = sale_bid(&server, &sale, OTHER_KEY, "71000002", "1111.11", None).await;
    let s3 = sale_bid(&server, &sale, OTHER_KEY, "71000003", "1333.33", None).await;
    let (status, _, body) = server
        .delete(
            &format!("{bids}/{}?acc_token={}", s3.id, s3.token),
            Some(OTHER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let s4 = sale_bid(
        &server,
        &sale,
        OTHER_KEY,
        "71000004",
        "1444.44",
        Some("draft"),
    )
    .await;
    let s5 = sale_bid(&server, &sale, BROKER_KEY, "71000001", "1555.55", None).await;
    let c1 = sale_bid(&server, &doomed, OTHER_KEY, "71000006", "1666.66", None).await;
    for bid in [&s1, &s2, &s3, &s4, &s5, &c1] {
        known.add("bid_id", &bid.id);
    }
    for (id, key) in [&public_doc, &secret_doc] {
        known.add("document_id", id);
        known.add("key", key);
    }
    let sealed_for_ever: Vec<String> = [
        "1234.56",
        "71000003",
        "1333.33",
        "71000004",
        "1444.44",
        "1555.55",
        "bsm-s1-buyeronly-doc-title",
        "bsm-s1-buyeronly-doc-body",
        "71000006",
        "1666.66",
    ]
    .map(String::from)
    .into();
    let disclosed: Vec<String> = [
        "1299.91",
        "71000001",
        "bidder71000001@example.com",
        "71000002",
        "1111.11",
        "bsm-s1-public-doc-title",
        "bsm-s1-public-doc-body",
    ]
    .map(String::from)
    .into();
    let all_sealed: Vec<String> = sealed_for_ever.iter().chain(&disclosed).cloned().collect();
    let probes = |bid: &SaleBid| {
        vec![
            Probe {
                method: Method::PATCH,
                path: format!("{bids}/{}", bid.id),
                key: Some(BROKER_KEY),
                body: Some(json!({"data": {"value": {"amount": 1}}})),
            },
            Probe {
                method: Method::DELETE,
                path: format!("{bids}/{}?acc_token={}", bid.id, sale.token),
                key: Some(BROKER_KEY),
                body: None,
            },
            Probe {
                method: Method::POST,
                path: format!("{}/auction", sale.path),
                key: Some(OTHER_KEY),
                body: Some(json!({"data": {"bids": [{"id": bid.id}]}})),
            },
        ]
    };
    let viewers = viewers(&sale.token);
    let scan = collect(&server, &known, &viewers, &probes(&s1)).await;
    check(
        &scan,
        &format!("multiAwardSale/tendering/{}", server.backend.name()),
        &all_sealed,
        &[],
    );

    // Cancel the second sale while its bid is sealed.
    let mut decision = upload(&server, BROKER_KEY, "decision.pdf", "%PDF-1.4 decision").await;
    decision["documentType"] = json!("cancellationDetails");
    let (status, _, body) = server
        .post(
            &doomed.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": {"uk_UA": "Рішення організатора"}, "documents": [decision]}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    if let Some(id) = body["data"]["id"].as_str() {
        known.add("cancellation_id", id);
    }
    let scan = collect(&server, &known, &viewers, &probes(&s1)).await;
    check(
        &scan,
        &format!(
            "multiAwardSale/cancelled-during-tendering/{}",
            server.backend.name()
        ),
        &all_sealed,
        &[],
    );

    // The auction runs: still sealed, but for the prices the auction is
    // about, which its own routes show under labels ("Bidder 1") from its
    // start, as the auction's rules make them public.
    e2e::sale::end_tendering(&server).await;
    assert_eq!(
        read(&server, &sale.path).await["data"]["status"],
        "active_auction"
    );
    let scan = collect(&server, &known, &viewers, &probes(&s1)).await;
    let (auction, elsewhere): (Vec<_>, Vec<_>) = scan
        .answers
        .into_iter()
        .partition(|answer| answer.request.starts_with("GET /api/auctions/"));
    let prices = ["1299.91".to_owned(), "1111.11".to_owned()];
    let label = |part: &str| format!("multiAwardSale/auction{part}/{}", server.backend.name());
    check(
        &Scan {
            routes: scan.routes,
            answers: elsewhere,
        },
        &label(""),
        &all_sealed,
        &[],
    );
    let beyond_prices: Vec<String> = all_sealed
        .iter()
        .filter(|marker| !prices.contains(marker))
        .cloned()
        .collect();
    check(
        &Scan {
            routes: scan.routes,
            answers: auction,
        },
        &label(" (its own routes)"),
        &beyond_prices,
        &prices,
    );

    // Results recorded, qualification starts: the participants are disclosed.
    e2e::sale::auction_unraised(&server, &sale).await;
    let document = read(&server, &sale.path).await;
    assert_eq!(
        document["data"]["status"], "active_qualification",
        "{document}"
    );
    for award in document["data"]["awards"].as_array().into_iter().flatten() {
        known.add("award_id", award["id"].as_str().unwrap_or(NO_ID));
    }
    let scan = collect(&server, &known, &viewers, &probes(&s1)).await;
    check(
        &scan,
        &format!("multiAwardSale/disclosed/{}", server.backend.name()),
        &sealed_for_ever,
        &disclosed,
    );

    // The Organizer qualifies s1: its contract is read through the sale and
    // as a resource of its own (`/api/2.5/contracts…`).
    let qualifying = e2e::sale::Scenario {
        server: &server,
        sale: e2e::sale::Sale {
            id: sale.id.clone(),
            token: sale.token.clone(),
            path: sale.path.clone(),
            created: sale.created.clone(),
        },
        bids: vec![e2e::sale::SaleBid {
            id: s1.id.clone(),
            token: s1.token.clone(),
            edr: "71000001".into(),
        }],
    };
    qualifying.qualify(1).await;
    let contract = qualifying.contract(1).await.expect("s1's contract")["id"]
        .as_str()
        .expect("contract id")
        .to_owned();
    known.add("contract_id", &contract);
    let scan = collect(&server, &known, &viewers, &probes(&s1)).await;
    assert_eq!(
        scan.answers
            .iter()
            .filter(|a| a.request == format!("GET /api/2.5/contracts/{contract} as anonymous"))
            .map(|a| a.status)
            .collect::<Vec<_>>(),
        [StatusCode::OK],
        "the contract itself was read"
    );
    check(
        &scan,
        &format!("multiAwardSale/contracted/{}", server.backend.name()),
        &sealed_for_ever,
        &disclosed,
    );
}

/// A Dutch sale's application by `edr` through `key`; `email` replaces the
/// contact's e-mail, a marker of its own.
async fn dutch_bid(
    server: &TestServer,
    sale: &str,
    key: &'static str,
    edr: &str,
    email: Option<&str>,
    status: Option<&str>,
) -> SaleBid {
    let mut bidder = e2e::sale::organization(edr);
    if let Some(email) = email {
        bidder["contactPoint"]["email"] = json!(email);
    }
    let mut data = json!({ "bidders": [bidder] });
    if let Some(status) = status {
        data["status"] = json!(status);
    }
    let (code, _, body) = server
        .post(
            &format!("{sale}/bids"),
            Some(key),
            Some(json!({ "data": data })),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    SaleBid {
        id: body["data"]["id"].as_str().expect("bid id").to_owned(),
        token: body["access"]["token"].as_str().expect("token").to_owned(),
    }
}

/// A published Dutch sale: its id, path, owner token and the auction's date.
async fn dutch_sale(server: &TestServer) -> (String, String, String, String) {
    let (status, _, body) = server
        .post(
            e2e::sale::PROCEDURES,
            Some(BROKER_KEY),
            Some(json!({"data": {
                "sellingMethod": "basicSell-dutch",
                "sellingEntity": e2e::sale::organization("00000001"),
                "lotId": "LOT-D",
                "title": {"uk_UA": "Пшениця 3 класу, 100 т"},
                "description": {"uk_UA": "Пшениця 3 класу врожаю 2025 року"},
                "x_documentRequirements": {"uk_UA": "Витяг з ЄДР"},
                "value": {"amount": 1500, "currency": "UAH"},
                "minimalStep": {"amount": 100, "currency": "UAH"},
                "auctionParameters": {"dutchStepQuantity": 10},
                "items": [{
                    "description": {"uk_UA": "Пшениця"},
                    "classification": {"scheme": "CAV", "id": "03211100-4"},
                    "quantity": 100,
                    "unit": {"code": "TNE", "name": {"uk_UA": "тонна"}}
                }]
            }})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("id").to_owned();
    let token = body["access"]["token"].as_str().expect("token").to_owned();
    let start = body["data"]["auctionPeriod"]["startDate"]
        .as_str()
        .expect("the auction's date")
        .to_owned();
    (
        id.clone(),
        format!("{}/{id}", e2e::sale::PROCEDURES),
        token,
        start,
    )
}

/// The start of the Dutch auction's first stage of `kind` (step `number`).
async fn dutch_stage(server: &TestServer, id: &str, kind: &str, number: Option<u64>) -> Json {
    let (status, _, view) = server.get(&format!("/api/auctions/{id}"), None, None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["data"]["auction"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["kind"] == kind && number.is_none_or(|n| s["number"] == json!(n)))
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} stage: {view}"))
}

fn at(value: &Json) -> chrono::DateTime<chrono::Utc> {
    domain::time::parse_timestamp(value.as_str().expect("a time")).expect("a timestamp")
}

async fn dutch_act(server: &TestServer, id: &str, what: &str, query: &str, data: Json) {
    let (status, _, body) = server
        .post(
            &format!("/api/auctions/{id}/{what}?{query}"),
            None,
            Some(json!({ "data": data })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{what}: {body}");
}

async fn dutch_sale_bids_stay_sealed(server: TestServer) {
    let (id, sale, token, start) = dutch_sale(&server).await;
    let (doomed_id, doomed, doomed_token, _) = dutch_sale(&server).await;
    let mut known = known();
    for (s, path) in [(&id, &sale), (&doomed_id, &doomed)] {
        known.add("id", s);
        known.add("ocid", ocid(&server, path).await);
    }
    let bids = format!("{sale}/bids");
    let d1 = dutch_bid(&server, &sale, OTHER_KEY, "72000001", None, None).await;
    let d1_documents = format!("{bids}/{}/documents?acc_token={}", d1.id, d1.token);
    let public_doc = bid_document(
        &server,
        &d1_documents,
        OTHER_KEY,
        "bsd-d1-public-doc",
        Some("eligibilityDocuments"),
        false,
    )
    .await;
    let secret_doc = bid_document(
        &server,
        &d1_documents,
        OTHER_KEY,
        "bsd-d1-buyeronly-doc",
        Some("x_guarantee"),
        true,
    )
    .await;
    let d2 = dutch_bid(&server, &sale, OTHER_KEY, "72000002", None, None).await;
    let d3 = dutch_bid(&server, &sale, OTHER_KEY, "72000003", None, None).await;
    let (status, _, body) = server
        .delete(
            &format!("{bids}/{}?acc_token={}", d3.id, d3.token),
            Some(OTHER_KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let d4 = dutch_bid(&server, &sale, OTHER_KEY, "72000004", None, Some("draft")).await;
    // d1's participant again, through the Organizer's own broker.
    let d5 = dutch_bid(
        &server,
        &sale,
        BROKER_KEY,
        "72000001",
        Some("bsd-d5-second@bidder.test"),
        None,
    )
    .await;
    let c1 = dutch_bid(&server, &doomed, OTHER_KEY, "72000006", None, None).await;
    for bid in [&d1, &d2, &d3, &d4, &d5, &c1] {
        known.add("bid_id", &bid.id);
    }
    for (id, key) in [&public_doc, &secret_doc] {
        known.add("document_id", id);
        known.add("key", key);
    }
    let sealed_bid = "1488.88";
    let final_bid = "1599.99";
    let sealed_for_ever: Vec<String> = [
        "72000003",
        "72000004",
        "bsd-d5-second@bidder.test",
        "bsd-d1-buyeronly-doc-title",
        "bsd-d1-buyeronly-doc-body",
        "72000006",
    ]
    .map(String::from)
    .into();
    let disclosed: Vec<String> = [
        "72000001",
        "bidder72000001@example.com",
        "72000002",
        "bsd-d1-public-doc-title",
        "bsd-d1-public-doc-body",
        sealed_bid,
        final_bid,
    ]
    .map(String::from)
    .into();
    let all_sealed: Vec<String> = sealed_for_ever.iter().chain(&disclosed).cloned().collect();
    let probes = |bid: &SaleBid| {
        vec![
            Probe {
                method: Method::PATCH,
                path: format!("{bids}/{}", bid.id),
                key: Some(BROKER_KEY),
                body: Some(json!({"data": {"bidders": []}})),
            },
            Probe {
                method: Method::DELETE,
                path: format!("{bids}/{}?acc_token={token}", bid.id),
                key: Some(BROKER_KEY),
                body: None,
            },
        ]
    };
    let viewers = viewers(&token);
    let label = |stage: &str| format!("dutchSale/{stage}/{}", server.backend.name());
    let scan = collect(&server, &known, &viewers, &probes(&d1)).await;
    check(&scan, &label("tendering"), &all_sealed, &[]);

    // Cancel the second sale while its bid is sealed.
    let mut decision = upload(&server, BROKER_KEY, "decision.pdf", "%PDF-1.4 decision").await;
    decision["documentType"] = json!("cancellationDetails");
    let (status, _, body) = server
        .post(
            &format!("{doomed}/cancellations?acc_token={doomed_token}"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": {"uk_UA": "Рішення організатора"}, "documents": [decision]}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    if let Some(id) = body["data"]["id"].as_str() {
        known.add("cancellation_id", id);
    }

    // The auction runs: d1 stops round 1 at step 3, d2 bids sealed in
    // round 2. Until round 2 ends nobody sees who the participants are or
    // d2's amount, on any route, the auction's own included.
    server.set_time(at(&json!(start)));
    assert!(server.run_scheduler().await >= 1, "the auction starts");
    let links = [
        e2e::sale::link_query(&server, &format!("{bids}/{}", d1.id), &d1.token).await,
        e2e::sale::link_query(&server, &format!("{bids}/{}", d2.id), &d2.token).await,
    ];
    for link in &links {
        dutch_act(&server, &id, "terms", link, json!({"accepted": true})).await;
    }
    let step3 = dutch_stage(&server, &id, "step", Some(3)).await;
    server.set_time(at(&step3["start"]) + chrono::TimeDelta::seconds(5));
    dutch_act(&server, &id, "bids", &links[0], json!({})).await;
    let round2 = dutch_stage(&server, &id, "sealedBids", None).await;
    server.set_time(at(&round2["start"]) + chrono::TimeDelta::seconds(5));
    dutch_act(
        &server,
        &id,
        "bids",
        &links[1],
        json!({"amount": sealed_bid}),
    )
    .await;
    let scan = collect(&server, &known, &viewers, &probes(&d1)).await;
    check(&scan, &label("round-2"), &all_sealed, &[]);

    // Round 3: d2's amount is public on the auction's routes (under its
    // label), nowhere else; d1 outbids it.
    let round3 = dutch_stage(&server, &id, "finalBid", None).await;
    server.set_time(at(&round3["start"]) + chrono::TimeDelta::seconds(5));
    assert!(server.run_scheduler().await >= 1, "round 2 closed");
    dutch_act(
        &server,
        &id,
        "bids",
        &links[0],
        json!({"amount": final_bid}),
    )
    .await;
    let scan = collect(&server, &known, &viewers, &probes(&d1)).await;
    let (auction, elsewhere): (Vec<_>, Vec<_>) = scan
        .answers
        .into_iter()
        .partition(|answer| answer.request.starts_with("GET /api/auctions/"));
    check(
        &Scan {
            routes: scan.routes,
            answers: elsewhere,
        },
        &label("round-3"),
        &all_sealed,
        &[],
    );
    let beyond_sealed_bid: Vec<String> = all_sealed
        .iter()
        .filter(|marker| *marker != sealed_bid)
        .cloned()
        .collect();
    check(
        &Scan {
            routes: scan.routes,
            answers: auction,
        },
        &label("round-3 (its own routes)"),
        &beyond_sealed_bid,
        &[sealed_bid.to_owned()],
    );

    // The results: the participants are disclosed with their amounts, d1's
    // second bid through another broker left out.
    server.set_time(at(&round3["end"]));
    assert!(server.run_scheduler().await >= 1, "the auction ended");
    server.settle().await;
    let document = read(&server, &sale).await;
    assert_eq!(
        document["data"]["status"], "active_qualification",
        "{document}"
    );
    for award in document["data"]["awards"].as_array().into_iter().flatten() {
        known.add("award_id", award["id"].as_str().unwrap_or(NO_ID));
    }
    let scan = collect(&server, &known, &viewers, &probes(&d1)).await;
    check(&scan, &label("disclosed"), &sealed_for_ever, &disclosed);

    // The Organizer qualifies d1: its contract, through the sale and as a
    // resource of its own.
    let qualifying = e2e::sale::Scenario {
        server: &server,
        sale: e2e::sale::Sale {
            id: id.clone(),
            token: token.clone(),
            path: sale.clone(),
            created: document.clone(),
        },
        bids: vec![e2e::sale::SaleBid {
            id: d1.id.clone(),
            token: d1.token.clone(),
            edr: "72000001".into(),
        }],
    };
    qualifying.qualify(1).await;
    let contract = qualifying.contract(1).await.expect("d1's contract")["id"]
        .as_str()
        .expect("contract id")
        .to_owned();
    known.add("contract_id", &contract);
    let scan = collect(&server, &known, &viewers, &probes(&d1)).await;
    check(&scan, &label("contracted"), &sealed_for_ever, &disclosed);
}
