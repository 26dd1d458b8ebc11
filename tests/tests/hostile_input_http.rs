//! Hostile input over HTTP, on both procedures and both store backends:
//! document metadata that points anywhere but this server's document
//! storage (or carries a hash of another body), and amounts of zero or of
//! a size that floats write in exponent notation. Each refusal is a 422
//! naming the field, and nothing is written.

use e2e::http::{BROKER_KEY, OTHER_KEY, StatusCode, TestServer, shteker, tenderer};
use e2e::pq::{TENDERS, activated, create, fixture_request, submit_bid};
use e2e::sale::{PROCEDURES, bid_request, procedure_request, publish_lot, try_bid};
use serde_json::{Value as Json, json};

e2e::on_both_backends!(
    tender_documents_must_be_uploaded_here,
    sale_documents_must_be_uploaded_here,
    tender_amounts_are_positive_plain_decimals,
    sale_amounts_are_positive_plain_decimals,
);

/// Asserts a 422 naming `name` that wrote nothing.
async fn assert_refused(
    server: &TestServer,
    head: u64,
    (status, body): (StatusCode, Json),
    name: &str,
    what: &str,
) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
    assert_eq!(body["status"], "error", "{what}: {body}");
    assert_eq!(body["errors"][0]["location"], "body", "{what}: {body}");
    assert_eq!(body["errors"][0]["name"], name, "{what}: {body}");
    assert_eq!(server.head().await, head, "{what}: nothing is written");
}

/// Document metadata a hostile client might send instead of what the
/// upload answered, each with the field it must be refused on.
fn hostile_documents(server: &TestServer, uploaded: &Json) -> Vec<(Json, &'static str, String)> {
    let with = |field: &str, value: Json| {
        let mut document = uploaded.clone();
        document[field] = value;
        document
    };
    let url = uploaded["url"].as_str().expect("url");
    let key = url.rsplit('/').next().expect("key");
    let missing = format!("{}/api/2.5/documents/{}", server.base, "0".repeat(64));
    let foreign = format!("http://evil.example/api/2.5/documents/{key}");
    vec![
        (
            with("url", json!("javascript:alert(1)")),
            "url",
            "javascript: url".into(),
        ),
        (
            with("url", json!("file:///etc/passwd")),
            "url",
            "file: url".into(),
        ),
        (
            with("url", json!("data:text/html,<script>x</script>")),
            "url",
            "data: url".into(),
        ),
        (with("url", json!(foreign)), "url", "another host".into()),
        (
            with("url", json!("https://ds.example/passport")),
            "url",
            "foreign url".into(),
        ),
        (
            with("url", json!(missing)),
            "url",
            "nothing uploaded under the key".into(),
        ),
        (
            with("hash", json!("md5:00000000000000000000000000000000")),
            "hash",
            "hash of another body".into(),
        ),
        (
            with("hash", json!("md5:1234")),
            "hash",
            "malformed hash".into(),
        ),
    ]
}

async fn tender_documents_must_be_uploaded_here(server: TestServer) {
    let tender = activated(&server).await;
    let bid = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    let uploaded = server
        .upload("notice.pdf", "application/pdf", b"%PDF-1.4 notice")
        .await;
    let targets = [
        (tender.owned("/documents"), BROKER_KEY),
        (bid.owned("/documents"), OTHER_KEY),
    ];
    for (path, key) in &targets {
        for (document, name, what) in hostile_documents(&server, &uploaded) {
            let head = server.head().await;
            let (status, _, body) = server
                .post(path, Some(key), Some(json!({ "data": document })))
                .await;
            assert_refused(
                &server,
                head,
                (status, body),
                name,
                &format!("{path}: {what}"),
            )
            .await;
        }
        // What the upload answered is attached, and published as sent.
        let (status, _, body) = server
            .post(path, Some(key), Some(json!({ "data": uploaded })))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
        assert_eq!(body["data"]["url"], uploaded["url"]);
        assert_eq!(body["data"]["hash"], uploaded["hash"]);
    }
    // The published tender carries no hostile link.
    let (_, _, text) = server.get_bytes(&tender.path).await;
    let text = String::from_utf8_lossy(&text);
    for needle in ["javascript:", "file://", "evil.example", "ds.example"] {
        assert!(!text.contains(needle), "{needle} published: {text}");
    }
}

async fn sale_documents_must_be_uploaded_here(server: TestServer) {
    let sale = publish_lot(&server, 1000, 200, 100).await;
    let uploaded = server
        .upload("illustration.jpg", "image/jpeg", b"\xff\xd8\xff picture")
        .await;
    let path = sale.owned("/documents");
    for (document, name, what) in hostile_documents(&server, &uploaded) {
        let head = server.head().await;
        let (status, _, body) = server
            .post(&path, Some(BROKER_KEY), Some(json!({ "data": document })))
            .await;
        assert_refused(&server, head, (status, body), name, &what).await;
    }
    // A cancellation's document is checked the same way.
    let mut details = uploaded.clone();
    details["documentType"] = json!("cancellationDetails");
    for (document, name, what) in hostile_documents(&server, &details) {
        let head = server.head().await;
        let (status, _, body) = server
            .post(
                &sale.owned("/cancellations"),
                Some(BROKER_KEY),
                Some(json!({"data": {"reason": {"uk_UA": "Причина"}, "documents": [document]}})),
            )
            .await;
        assert_refused(
            &server,
            head,
            (status, body),
            name,
            &format!("cancellation: {what}"),
        )
        .await;
    }
    let (status, _, body) = server
        .post(&path, Some(BROKER_KEY), Some(json!({ "data": uploaded })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, body) = server
        .post(
            &sale.owned("/cancellations"),
            Some(BROKER_KEY),
            Some(json!({"data": {"reason": {"uk_UA": "Причина"}, "documents": [details]}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The raw text of `path`'s body.
async fn text_of(server: &TestServer, path: &str, key: Option<&str>) -> String {
    let (status, _, bytes) = server.get_bytes_as(path, key).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn tender_amounts_are_positive_plain_decimals(server: TestServer) {
    // An item of quantity 0, a tender of value 0.
    for (pointer, value, name) in [
        ("/data/items/0/quantity", json!(0), "items.quantity"),
        ("/data/value/amount", json!(0.0), "value.amount"),
        ("/data/value/amount", json!(-1), "value.amount"),
    ] {
        let mut request = fixture_request();
        *request.pointer_mut(pointer).expect(pointer) = value;
        let head = server.head().await;
        let (status, _, body) = server.post(TENDERS, Some(BROKER_KEY), Some(request)).await;
        assert_refused(&server, head, (status, body), name, pointer).await;
    }
    let draft = create(&server).await;
    let mut items = draft.created["data"]["items"].clone();
    items[0]["quantity"] = json!(0);
    let head = server.head().await;
    let (status, _, body) = server
        .patch(
            &draft.owned(""),
            Some(BROKER_KEY),
            Some(json!({"data": {"items": items}})),
        )
        .await;
    assert_refused(
        &server,
        head,
        (status, body),
        "items.quantity",
        "draft edit",
    )
    .await;

    // A bid of 0, placed or patched.
    let tender = activated(&server).await;
    let mut request = e2e::pq::bid_request(&tender, &shteker(), 1);
    request["data"]["value"]["amount"] = json!(0);
    let head = server.head().await;
    let (status, _, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(OTHER_KEY),
            Some(request),
        )
        .await;
    assert_refused(&server, head, (status, body), "value.amount", "bid of 0").await;
    let bid = submit_bid(&server, &tender, OTHER_KEY, &shteker(), 200).await;
    for amount in [json!(0), json!(0.0), json!(-0.0)] {
        let head = server.head().await;
        let (status, _, body) = server
            .patch(
                &bid.owned(""),
                Some(OTHER_KEY),
                Some(json!({"data": {"value": {"amount": amount, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
            )
            .await;
        assert_refused(&server, head, (status, body), "value.amount", "PATCH to 0").await;
    }
    // A tiny price is written as a plain decimal, never as 1e-7.
    let (status, _, body) = server
        .patch(
            &bid.owned(""),
            Some(OTHER_KEY),
            Some(json!({"data": {"value": {"amount": 1e-7, "currency": "UAH", "valueAddedTaxIncluded": false}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = text_of(&server, &bid.owned(""), Some(OTHER_KEY)).await;
    assert!(text.contains(r#""amount":0.0000001"#), "{text}");
    assert!(!text.contains("e-"), "{text}");
    let _ = tenderer;
}

async fn sale_amounts_are_positive_plain_decimals(server: TestServer) {
    // A guarantee, price or lot quantity of 0.
    for (pointer, value, name) in [
        (
            "/data/guarantee",
            json!({"amount": 0, "currency": "UAH"}),
            "guarantee.amount",
        ),
        ("/data/value/amount", json!(0), "value.amount"),
        ("/data/items/0/quantity", json!(0.0), "items.quantity"),
    ] {
        let mut request = procedure_request(json!(1000), json!(200), json!(100));
        match request.pointer_mut(pointer) {
            Some(slot) => *slot = value,
            None => request["data"]["guarantee"] = value,
        }
        let head = server.head().await;
        let (status, _, body) = server
            .post(PROCEDURES, Some(BROKER_KEY), Some(request))
            .await;
        assert_refused(&server, head, (status, body), name, pointer).await;
    }
    // A bid with a price or a quantity of 0.
    let sale = publish_lot(&server, 1000, 200, 100).await;
    for (quantity, price, name) in [
        (json!(300), json!(0), "value.amount"),
        (json!(0), json!(150), "quantity"),
    ] {
        let head = server.head().await;
        let answer = try_bid(&server, &sale, bid_request("31415926", quantity, price)).await;
        assert_refused(&server, head, answer, name, "bid").await;
    }
    // A tiny minimal price and part are written as plain decimals.
    let request = procedure_request(json!(1), json!(1e-7), json!(1e-7));
    let (status, _, body) = server
        .post(PROCEDURES, Some(BROKER_KEY), Some(request))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let path = format!("{PROCEDURES}/{}", body["data"]["id"].as_str().expect("id"));
    let text = text_of(&server, &path, None).await;
    assert!(text.contains(r#""amount":0.0000001"#), "{text}");
    assert!(text.contains(r#""minimalPart":0.0000001"#), "{text}");
    assert!(!text.contains("e-"), "{text}");
}
