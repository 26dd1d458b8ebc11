//! What each HTTP load sends, and what it keeps of the answers.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use http_body_util::Full;
use hyper::{Method, Request, StatusCode};
use serde_json::{Value as Json, json};

use crate::bench::load::{self, Answer, Script};
use crate::bench::seed;
use crate::bench::server::{self, BROKER_KEY, OTHER_KEY};

/// A draft as its creator knows it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    pub token: String,
}

/// Keeps the first answer body of a load.
#[derive(Default)]
struct Sample(Mutex<Option<Bytes>>);

impl Sample {
    fn keep(&self, body: &Bytes) {
        if let Ok(mut sample) = self.0.lock()
            && sample.is_none()
        {
            *sample = Some(body.clone());
        }
    }

    fn get(&self) -> Option<Bytes> {
        self.0.lock().ok().and_then(|sample| sample.clone())
    }
}

/// The spec's fixture tender (§9.1), valid now: a draft a broker may create.
pub fn create_body() -> Bytes {
    let kyiv = |days: i64| domain::time::format_kyiv(Utc::now() + TimeDelta::days(days));
    let mut request: Json = serde_json::from_str(seed::PQ_CREATE).unwrap_or(Json::Null);
    let data = &mut request["data"];
    data["title"] = json!("Картонні коробки для архіву");
    data["description"] = json!("Картонні коробки для архіву: бенчмарк");
    data["procuringEntity"]["name"] = json!("Державне управлінню справами");
    data["procuringEntity"]["identifier"]["id"] = json!("00037256");
    data["value"]["amount"] = json!(22000);
    data["tenderPeriod"]["endDate"] = json!(kyiv(14));
    let item = &mut data["items"][0];
    item["description"] = json!("Картонні коробки");
    item["deliveryDate"]["startDate"] = json!(kyiv(20));
    item["deliveryDate"]["endDate"] = json!(kyiv(40));
    Bytes::from(request.to_string())
}

fn post_json(uri: &str, key: &str, body: Bytes) -> Request<Full<Bytes>> {
    server::request(Method::POST, uri, Some(key), "application/json", body)
}

/// `POST /api/2.5/tenders`, keeping every draft made.
pub struct Create {
    body: Bytes,
    made: Vec<Mutex<Vec<Draft>>>,
    sample: Sample,
}

impl Create {
    pub fn new(connections: usize) -> Self {
        Create {
            body: create_body(),
            made: (0..connections).map(|_| Mutex::default()).collect(),
            sample: Sample::default(),
        }
    }

    /// Every draft acknowledged, by connection.
    pub fn drafts(&self) -> Vec<Vec<Draft>> {
        self.made
            .iter()
            .map(|made| made.lock().map(|m| m.clone()).unwrap_or_default())
            .collect()
    }

    pub fn sample(&self) -> Option<Bytes> {
        self.sample.get()
    }
}

/// The id and owner token of a create answer.
fn draft(body: &[u8]) -> Option<Draft> {
    let answer: Json = serde_json::from_slice(body).ok()?;
    Some(Draft {
        id: answer["data"]["id"].as_str()?.to_owned(),
        token: answer["access"]["token"].as_str()?.to_owned(),
    })
}

impl Script for Create {
    fn request(&self, _connection: usize, _n: u64) -> Option<Request<Full<Bytes>>> {
        Some(post_json("/api/2.5/tenders", BROKER_KEY, self.body.clone()))
    }

    fn answered(&self, connection: usize, answer: Answer<'_>) -> bool {
        if answer.status != StatusCode::CREATED {
            return false;
        }
        let Some(draft) = draft(answer.body) else {
            return false;
        };
        self.sample.keep(answer.body);
        if let Ok(mut made) = self.made[connection].lock() {
            made.push(draft);
        }
        true
    }
}

/// `PATCH` of each connection's own drafts, in turn.
pub struct Patch {
    drafts: Vec<Vec<Draft>>,
    sample: Sample,
}

impl Patch {
    pub fn new(drafts: &[Vec<Draft>], connections: usize) -> Self {
        let mut drafts = drafts.to_vec();
        drafts.resize(connections, Vec::new());
        Patch {
            drafts,
            sample: Sample::default(),
        }
    }

    pub fn sample(&self) -> Option<Bytes> {
        self.sample.get()
    }
}

impl Script for Patch {
    fn request(&self, connection: usize, n: u64) -> Option<Request<Full<Bytes>>> {
        let own = &self.drafts[connection];
        let draft = own.get(n as usize % own.len().max(1))?;
        let body = json!({"data": {"title": format!("Картонні коробки для архіву, редакція {n}")}});
        Some(server::request(
            Method::PATCH,
            &format!("/api/2.5/tenders/{}?acc_token={}", draft.id, draft.token),
            Some(BROKER_KEY),
            "application/json",
            Bytes::from(body.to_string()),
        ))
    }

    fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
        let ok = answer.status == StatusCode::OK;
        if ok {
            self.sample.keep(answer.body);
        }
        ok
    }
}

/// `GET` of every draft in turn, each connection starting elsewhere.
pub struct Get {
    uris: Vec<String>,
    sample: Sample,
}

impl Get {
    pub fn new(drafts: &[Vec<Draft>]) -> Self {
        Get {
            uris: drafts
                .iter()
                .flatten()
                .map(|draft| format!("/api/2.5/tenders/{}", draft.id))
                .collect(),
            sample: Sample::default(),
        }
    }

    pub fn sample(&self) -> Option<Bytes> {
        self.sample.get()
    }
}

impl Script for Get {
    fn request(&self, connection: usize, n: u64) -> Option<Request<Full<Bytes>>> {
        let at = (connection * 7919 + n as usize) % self.uris.len().max(1);
        Some(server::get(self.uris.get(at)?))
    }

    fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
        let ok = answer.status == StatusCode::OK;
        if ok {
            self.sample.keep(answer.body);
        }
        ok
    }
}

/// Reads every draft once; answers how many could not be read.
pub async fn read_every(
    addr: SocketAddr,
    connections: usize,
    drafts: &[Vec<Draft>],
) -> Result<u64, String> {
    struct Every {
        uris: Vec<Vec<String>>,
    }
    impl Script for Every {
        fn request(&self, connection: usize, n: u64) -> Option<Request<Full<Bytes>>> {
            Some(server::get(self.uris[connection].get(n as usize)?))
        }
        fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
            answer.status == StatusCode::OK
        }
    }
    let mut uris: Vec<Vec<String>> = drafts
        .iter()
        .map(|own| {
            own.iter()
                .map(|d| format!("/api/2.5/tenders/{}", d.id))
                .collect()
        })
        .collect();
    uris.resize(connections, Vec::new());
    let every = std::sync::Arc::new(Every { uris });
    let measured = load::run(
        addr,
        connections,
        std::time::Duration::from_secs(3600),
        every,
    )
    .await?;
    Ok(measured.failed)
}

/// A file of nginx's.
pub struct Static {
    pub path: String,
    pub size: usize,
}

impl Script for Static {
    fn request(&self, _connection: usize, _n: u64) -> Option<Request<Full<Bytes>>> {
        Some(server::get(&self.path))
    }

    fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
        answer.status == StatusCode::OK && answer.body.len() == self.size
    }
}

/// A tender open for bids, with the answers its criteria need.
#[derive(Debug, Clone)]
pub struct Active {
    pub id: String,
    pub answers: Json,
}

/// Makes `count` tenders active for bids: create, sign, activate (against
/// the bench's e-catalogue), `connections` at a time.
pub async fn active_tenders(
    addr: SocketAddr,
    connections: usize,
    count: usize,
) -> Result<Vec<Active>, String> {
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let mine = (worker..count).step_by(connections).count();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::with_capacity(mine);
            for _ in 0..mine {
                made.push(activate(addr).await?);
            }
            Ok::<_, String>(made)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(
            task.await
                .map_err(|e| format!("activation failed: {e}"))??,
        );
    }
    Ok(all)
}

async fn call(
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
    want: StatusCode,
) -> Result<Json, String> {
    let uri = request.uri().to_string();
    let (status, _, body) = load::once(addr, request).await?;
    if status != want {
        return Err(format!(
            "{uri} answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    serde_json::from_slice(&body).map_err(|e| format!("{uri}: {e}"))
}

async fn activate(addr: SocketAddr) -> Result<Active, String> {
    let created = call(
        addr,
        post_json("/api/2.5/tenders", BROKER_KEY, create_body()),
        StatusCode::CREATED,
    )
    .await?;
    let draft =
        draft(created.to_string().as_bytes()).ok_or("a create answer without id or token")?;
    let owned = |suffix: &str| {
        format!(
            "/api/2.5/tenders/{}{suffix}?acc_token={}",
            draft.id, draft.token
        )
    };
    let upload = server::request(
        Method::POST,
        "/api/2.5/documents?title=sign.p7s",
        Some(BROKER_KEY),
        "application/pkcs7-signature",
        Bytes::from(format!("signature of {}", draft.id)),
    );
    let mut document = call(addr, upload, StatusCode::CREATED).await?["data"].clone();
    document["documentType"] = json!("notice");
    let attach = post_json(
        &owned("/documents"),
        BROKER_KEY,
        Bytes::from(json!({"data": document}).to_string()),
    );
    call(addr, attach, StatusCode::CREATED).await?;
    let activate = server::request(
        Method::PATCH,
        &owned(""),
        Some(BROKER_KEY),
        "application/json",
        Bytes::from(json!({"data": {"status": "active.tendering"}}).to_string()),
    );
    call(addr, activate, StatusCode::OK).await?;
    Ok(Active {
        id: draft.id,
        answers: seed::answers(&created),
    })
}

/// `POST …/bids`: connection `c` bids on its own tenders in turn, each
/// supplier once per tender; a connection stops when its pairs are used up.
pub struct Bid {
    tenders: Vec<Vec<Active>>,
    suppliers: Vec<Json>,
    exhausted: AtomicBool,
    sample: Sample,
}

impl Bid {
    pub fn new(tenders: Vec<Active>, connections: usize) -> Self {
        let mut mine: Vec<Vec<Active>> = vec![Vec::new(); connections];
        for (i, tender) in tenders.into_iter().enumerate() {
            mine[i % connections].push(tender);
        }
        Bid {
            tenders: mine,
            suppliers: server::suppliers()
                .iter()
                .map(|(name, code)| seed::firm(name, code, "м. Київ", false))
                .collect(),
            exhausted: AtomicBool::new(false),
            sample: Sample::default(),
        }
    }

    pub fn sample(&self) -> Option<Bytes> {
        self.sample.get()
    }

    /// Whether some connection ran out of (tender, supplier) pairs.
    pub fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }
}

impl Script for Bid {
    fn request(&self, connection: usize, n: u64) -> Option<Request<Full<Bytes>>> {
        let own = &self.tenders[connection];
        let n = n as usize;
        let tender = own.get(n % own.len().max(1))?;
        let Some(supplier) = self.suppliers.get(n / own.len()) else {
            self.exhausted.store(true, Ordering::Relaxed);
            return None;
        };
        let body = json!({"data": {
            "tenderers": [supplier],
            "value": {"amount": 20000 - (n % 1000) as u64, "currency": "UAH", "valueAddedTaxIncluded": false},
            "requirementResponses": tender.answers,
        }});
        Some(post_json(
            &format!("/api/2.5/tenders/{}/bids", tender.id),
            OTHER_KEY,
            Bytes::from(body.to_string()),
        ))
    }

    fn answered(&self, _connection: usize, answer: Answer<'_>) -> bool {
        let ok = answer.status == StatusCode::CREATED;
        if ok {
            self.sample.keep(answer.body);
        }
        ok
    }
}
