//! Driving priceQuotation tenders through the HTTP API: the spec's fixture
//! tender, activation, bids. Shared by the end-to-end tests.

use chrono::TimeDelta;
use serde_json::{Value as Json, json};

use crate::http::{BROKER_KEY, StatusCode, TestServer, tenderer};

pub const TENDERS: &str = "/api/2.5/tenders";

pub const ACTIVATE: &str = r#"{"data": {"status": "active.tendering"}}"#;

/// 32 lowercase hex digits: a generated id or token.
pub fn is_hex32(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub struct Tender {
    pub id: String,
    pub token: String,
    pub transfer: String,
    /// `/api/2.5/tenders/{id}`
    pub path: String,
    /// The 201 body.
    pub created: Json,
}

impl Tender {
    /// `{path}{suffix}?acc_token={token}`
    pub fn owned(&self, suffix: &str) -> String {
        format!("{}{suffix}?acc_token={}", self.path, self.token)
    }
}

pub fn fixture_request() -> Json {
    serde_json::from_str(CREATE_REQUEST).expect("the fixture request is JSON")
}

/// Creates a tender from `request` and signs it ([`sign`]), ready to be
/// activated.
pub async fn create_with(server: &TestServer, request: Json) -> Tender {
    let tender = create_unsigned(server, request).await;
    sign(server, &tender, "").await;
    tender
}

/// Uploads a notice signature (`sign.p7s`) and attaches it as the tender's
/// owner to `holder` (`""`: the tender, `/awards/{id}`): what announcing
/// the tender and deciding an award need. Answers the attached document.
pub async fn sign(server: &TestServer, tender: &Tender, holder: &str) -> Json {
    let document = signature(server, &format!("{}{holder}", tender.id)).await;
    let (status, _, body) = server
        .post(
            &tender.owned(&format!("{holder}/documents")),
            Some(BROKER_KEY),
            Some(json!({ "data": document })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "signing {holder:?}: {body}");
    body["data"].clone()
}

/// Uploads a notice signature of `what` and answers the metadata to attach
/// it by (`documentType: notice`, `sign.p7s`, `application/pkcs7-signature`).
pub async fn signature(server: &TestServer, what: &str) -> Json {
    let mut document = server
        .upload(
            "sign.p7s",
            "application/pkcs7-signature",
            format!("signature of {what}").as_bytes(),
        )
        .await;
    document["documentType"] = json!("notice");
    document
}

/// The owner signs award `award_id` ([`sign`]) and sends `decision` (the
/// `data` of the award's PATCH).
pub async fn decide_award(
    server: &TestServer,
    tender: &Tender,
    award_id: &str,
    decision: Json,
) -> (StatusCode, Json) {
    let award = format!("/awards/{award_id}");
    sign(server, tender, &award).await;
    let (status, _, body) = server
        .patch(
            &tender.owned(&award),
            Some(BROKER_KEY),
            Some(json!({ "data": decision })),
        )
        .await;
    (status, body)
}

/// Creates a tender from `request` without signing it.
pub async fn create_unsigned(server: &TestServer, request: Json) -> Tender {
    let (status, headers, body) = server
        .post(
            &format!("{TENDERS}?opt_pretty=1"),
            Some(BROKER_KEY),
            Some(request),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("data.id").to_owned();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    assert_eq!(location, format!("{}{TENDERS}/{id}", server.base));
    Tender {
        path: format!("{TENDERS}/{id}"),
        token: body["access"]["token"]
            .as_str()
            .expect("access.token")
            .to_owned(),
        transfer: body["access"]["transfer"]
            .as_str()
            .expect("access.transfer")
            .to_owned(),
        id,
        created: body,
    }
}

/// Creates the tender of spec §9.1 as `broker`.
pub async fn create(server: &TestServer) -> Tender {
    create_with(server, fixture_request()).await
}

pub async fn activate(server: &TestServer, tender: &Tender) -> (StatusCode, Json) {
    let body: Json = serde_json::from_str(ACTIVATE).expect("JSON");
    let (status, _, body) = server
        .patch(&tender.owned(""), Some(BROKER_KEY), Some(body))
        .await;
    (status, body)
}

pub async fn activated(server: &TestServer) -> Tender {
    let tender = create(server).await;
    let (status, body) = activate(server, &tender).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "active.tendering");
    tender
}

pub async fn read(server: &TestServer, path: &str) -> Json {
    let (status, _, body) = server.get(path, None, None).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

pub async fn get_tender(server: &TestServer, tender: &Tender) -> Json {
    read(server, &tender.path).await
}

/// Answers to the fixture's three criteria (one requirement each).
pub fn answers(tender: &Json) -> Json {
    let requirement = |i: usize| {
        tender["data"]["criteria"][i]["requirementGroups"][0]["requirements"][0]["id"].clone()
    };
    json!([
        {"requirement": {"id": requirement(0)}, "value": "Розчин для інфузій"},
        {"requirement": {"id": requirement(1)}, "value": 7},
        {"requirement": {"id": requirement(2)}, "values": ["Відповідь1", "Відповідь3"]}
    ])
}

pub fn bid_request(tender: &Tender, firm: &Json, amount: u32) -> Json {
    json!({"data": {
        "tenderers": [tenderer(firm)],
        "value": {"amount": amount, "currency": "UAH", "valueAddedTaxIncluded": false},
        "requirementResponses": answers(&tender.created)
    }})
}

pub struct Bid {
    pub id: String,
    pub token: String,
    /// `/api/2.5/tenders/{id}/bids/{bid_id}`
    pub path: String,
}

impl Bid {
    pub fn owned(&self, suffix: &str) -> String {
        format!("{}{suffix}?acc_token={}", self.path, self.token)
    }
}

pub async fn submit_bid(
    server: &TestServer,
    tender: &Tender,
    key: &str,
    firm: &Json,
    amount: u32,
) -> Bid {
    let (status, headers, body) = server
        .post(
            &format!("{}/bids", tender.path),
            Some(key),
            Some(bid_request(tender, firm, amount)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().expect("bid id").to_owned();
    assert!(is_hex32(&id), "{id}");
    let path = format!("{}/bids/{id}", tender.path);
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{}{path}", server.base).as_str())
    );
    let token = body["access"]["token"]
        .as_str()
        .expect("bid token")
        .to_owned();
    assert!(is_hex32(&token), "{token}");
    assert_eq!(body["data"]["status"], "pending");
    assert_eq!(body["data"]["value"]["amount"], json!(f64::from(amount)));
    assert_eq!(body["data"]["tenderers"], json!([tenderer(firm)]));
    assert_eq!(
        body["data"]["requirementResponses"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    Bid { id, token, path }
}

/// Moves the clock past the end of the tender period and runs the
/// scheduler once.
pub async fn end_tendering(server: &TestServer) -> usize {
    server.advance(TimeDelta::days(14) + TimeDelta::minutes(1));
    server.run_scheduler().await
}

/// Spec §9.1: the create request, verbatim.
pub const CREATE_REQUEST: &str = r##"{
  "data": {
    "title": "Комп’ютерне обладнання",
    "mainProcurementCategory": "goods",
    "procuringEntity": {
      "name": "Державне управління справами",
      "identifier": {
        "scheme": "UA-EDR",
        "id": "00037256",
        "uri": "http://www.dus.gov.ua/"
      },
      "address": {
        "countryName": "Україна",
        "postalCode": "01220",
        "region": "м. Київ",
        "locality": "м. Київ",
        "streetAddress": "вул. Банкова, 11, корпус 1"
      },
      "contactPoint": {
        "name": "Державне управління справами",
        "telephone": "+0440000000"
      },
      "kind": "general"
    },
    "value": {
      "amount": 22000,
      "currency": "UAH"
    },
    "tenderPeriod": {
      "endDate": "2023-10-04T01:00:00+03:00"
    },
    "procurementMethodType": "priceQuotation",
    "procurementMethod": "selective",
    "items": [
      {
        "description": "Комп’ютерне обладнання",
        "quantity": 5,
        "deliveryDate": {
          "startDate": "2023-09-22T01:00:00+03:00",
          "endDate": "2023-09-25T01:00:00+03:00"
        },
        "unit": {
          "name": "кг",
          "code": "KGM",
          "value": {
            "amount": 6
          }
        },
        "deliveryAddress": {
          "countryName": "Україна",
          "postalCode": "79000",
          "region": "м. Київ",
          "locality": "м. Київ",
          "streetAddress": "вул. Банкова 1"
        },
        "classification": {
          "scheme": "ДК021",
          "id": "44617100-9",
          "description": "Cartons"
        },
        "profile": "655360-30230000-889652-40000777",
        "additionalClassifications": [
          {
            "scheme": "INN",
            "id": "17.21.1",
            "description": "папір і картон гофровані, паперова й картонна тара"
          }
        ]
      }
    ],
    "agreement": {
      "id": "2e14a78a2074952d5a2d256c3c004dda"
    },
    "criteria": [
      {
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "description": "Форма випуску",
            "requirements": [
              {
                "dataType": "string",
                "expectedValue": "Розчин для інфузій",
                "title": "Форма випуску"
              }
            ]
          }
        ],
        "title": "Форма випуску"
      },
      {
        "description": "Доза діючої речовини",
        "requirementGroups": [
          {
            "description": "Доза діючої речовини",
            "requirements": [
              {
                "dataType": "integer",
                "minValue": 5,
                "title": "Доза діючої речовини",
                "unit": {
                  "code": "KGM",
                  "name": "кілограми"
                }
              }
            ]
          }
        ],
        "title": "Доза діючої речовини"
      },
      {
        "description": "Форма випуску",
        "requirementGroups": [
          {
            "description": "Форма випуску",
            "requirements": [
              {
                "dataType": "string",
                "expectedValues": [
                  "Відповідь1",
                  "Відповідь2",
                  "Відповідь3",
                  "Відповідь4"
                ],
                "expectedMinItems": 2,
                "expectedMaxItems": 3,
                "title": "Форма випуску"
              }
            ]
          }
        ],
        "title": "Форма випуску"
      }
    ]
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
