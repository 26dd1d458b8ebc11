//! The e-catalogue port against a real HTTP server on 127.0.0.1, and the
//! file-backed catalogue.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use commands::ports::catalogue::{
    Catalogue, CatalogueError, CatalogueFileError, DEFAULT_TIMEOUT, FileCatalogue, HttpCatalogue,
    snapshot,
};
use domain::procedures::price_quotation::catalogue::{Agreement, AgreementContract, Profile};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

const PROFILE: &str = "655360-30230000-889652-40000777";
const AGREEMENT: &str = "2e14a78a2074952d5a2d256c3c004dda";

fn supplier(name: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "name": name,
        "identifier": {"scheme": "UA-EDR", "id": "00037256"},
        "scale": "micro",
    }) else {
        unreachable!()
    };
    map
}

fn profile() -> Profile {
    Profile {
        id: PROFILE.into(),
        agreement_id: AGREEMENT.into(),
        status: "active".into(),
    }
}

fn agreement() -> Agreement {
    Agreement {
        id: AGREEMENT.into(),
        status: "active".into(),
        contracts: vec![
            AgreementContract {
                status: "active".into(),
                suppliers: vec![supplier("ТОВ Перший")],
            },
            AgreementContract {
                status: "terminated".into(),
                suppliers: vec![supplier("ТОВ Другий")],
            },
        ],
    }
}

/// The fake catalogue: records each request's raw path and answers by it.
async fn answer(State(paths): State<Arc<Mutex<Vec<String>>>>, uri: Uri) -> Response {
    let path = uri.path().to_owned();
    paths.lock().unwrap().push(path.clone());
    let ok = |data: Value| (StatusCode::OK, axum::Json(data)).into_response();
    match path.as_str() {
        p if p == format!("/api/profiles/{PROFILE}") => ok(json!({
            "data": {
                "id": PROFILE,
                "agreementID": AGREEMENT,
                "status": "active",
                "title": "Комп’ютерне обладнання",
                "criteria": [{"id": "x"}],
                "dateModified": "2024-01-01T00:00:00+02:00",
            },
            "config": {"restricted": false},
        })),
        p if p == format!("/api/agreements/{AGREEMENT}") => ok(json!({
            "data": {
                "id": AGREEMENT,
                "status": "active",
                "agreementType": "electronicCatalogue",
                "contracts": [
                    {"id": "c1", "status": "active", "suppliers": [supplier("ТОВ Перший")]},
                    {"id": "c2", "status": "terminated", "suppliers": [supplier("ТОВ Другий")]},
                ],
            },
        })),
        "/api/profiles/not-json" => (StatusCode::OK, "<html>oops</html>").into_response(),
        "/api/profiles/no-data" => ok(json!({"items": []})),
        "/api/profiles/wrong-shape" => ok(json!({"data": {"id": "wrong-shape"}})),
        "/api/profiles/forbidden" => StatusCode::FORBIDDEN.into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"status": "error", "errors": [{"description": "Not Found"}]})),
        )
            .into_response(),
    }
}

struct Fake {
    base: String,
    paths: Arc<Mutex<Vec<String>>>,
}

impl Fake {
    fn paths(&self) -> Vec<String> {
        self.paths.lock().unwrap().clone()
    }
}

async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

async fn fake() -> Fake {
    let paths = Arc::new(Mutex::new(Vec::new()));
    let router = Router::new().fallback(answer).with_state(paths.clone());
    let base = format!("{}/api", serve(router).await);
    Fake { base, paths }
}

fn client(base: &str) -> HttpCatalogue {
    HttpCatalogue::new(base, DEFAULT_TIMEOUT).unwrap()
}

fn assert_unavailable<T: std::fmt::Debug>(result: Result<T, CatalogueError>) -> String {
    match result {
        Err(CatalogueError::Unavailable(message)) => message,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn profile_found_with_unknown_fields_ignored() {
    let fake = fake().await;
    let found = client(&fake.base).profile(PROFILE).await.unwrap();
    assert_eq!(found, Some(profile()));
    assert_eq!(fake.paths(), vec![format!("/api/profiles/{PROFILE}")]);
}

#[tokio::test]
async fn agreement_found_with_its_suppliers() {
    let fake = fake().await;
    let found = client(&fake.base).agreement(AGREEMENT).await.unwrap();
    assert_eq!(found, Some(agreement()));
    let found = found.unwrap();
    assert_eq!(found.qualified_suppliers(), vec![supplier("ТОВ Перший")]);
}

#[tokio::test]
async fn not_found_is_none() {
    let fake = fake().await;
    let catalogue = client(&fake.base);
    assert_eq!(catalogue.profile("missing").await.unwrap(), None);
    assert_eq!(catalogue.agreement("missing").await.unwrap(), None);
    assert_eq!(
        fake.paths(),
        vec!["/api/profiles/missing", "/api/agreements/missing"]
    );
}

#[tokio::test]
async fn base_url_with_trailing_slash_works_the_same() {
    let fake = fake().await;
    let catalogue = client(&format!("{}/", fake.base));
    assert_eq!(catalogue.profile(PROFILE).await.unwrap(), Some(profile()));
    assert_eq!(fake.paths(), vec![format!("/api/profiles/{PROFILE}")]);
}

#[tokio::test]
async fn ids_are_one_percent_encoded_path_segment() {
    let fake = fake().await;
    let catalogue = client(&fake.base);
    assert_eq!(catalogue.profile("a b/../c?d#e%2F").await.unwrap(), None);
    assert_eq!(
        fake.paths(),
        vec!["/api/profiles/a%20b%2F..%2Fc%3Fd%23e%252F"]
    );
}

#[tokio::test]
async fn dot_segment_ids_are_not_found_without_asking() {
    let fake = fake().await;
    let catalogue = client(&fake.base);
    for id in ["", ".", ".."] {
        assert_eq!(catalogue.profile(id).await.unwrap(), None, "{id:?}");
        assert_eq!(catalogue.agreement(id).await.unwrap(), None, "{id:?}");
    }
    assert!(fake.paths().is_empty());
}

#[tokio::test]
async fn malformed_answers_are_unavailable() {
    let fake = fake().await;
    let catalogue = client(&fake.base);
    for id in ["not-json", "no-data", "wrong-shape", "forbidden"] {
        let message = assert_unavailable(catalogue.profile(id).await);
        assert!(message.contains(id), "{message}");
    }
}

#[tokio::test]
async fn server_error_is_unavailable() {
    let router = Router::new().fallback(|| async { StatusCode::INTERNAL_SERVER_ERROR });
    let base = serve(router).await;
    let catalogue = client(&base);
    let message = assert_unavailable(catalogue.profile(PROFILE).await);
    assert!(message.contains("500"), "{message}");
    assert_unavailable(catalogue.agreement(AGREEMENT).await);
}

#[tokio::test]
async fn connection_closed_without_answer_is_unavailable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let catalogue = client(&format!("http://{address}"));
    assert_unavailable(catalogue.profile(PROFILE).await);
    assert_unavailable(catalogue.agreement(AGREEMENT).await);
}

#[tokio::test]
async fn silent_server_is_unavailable_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let catalogue =
        HttpCatalogue::new(&format!("http://{address}/api"), Duration::from_millis(300)).unwrap();
    let started = Instant::now();
    assert_unavailable(catalogue.profile(PROFILE).await);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn connection_refused_is_unavailable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let catalogue = client(&format!("http://{address}"));
    assert_unavailable(catalogue.profile(PROFILE).await);
    assert_unavailable(catalogue.agreement(AGREEMENT).await);
}

#[test]
fn unusable_base_urls_are_refused() {
    for url in [
        "not a url",
        "ftp://catalogue.local/api",
        "http://catalogue.local/api?x=1",
        "mailto:someone@example.com",
    ] {
        let error = HttpCatalogue::new(url, DEFAULT_TIMEOUT).unwrap_err();
        assert!(error.to_string().contains(url), "{error}");
    }
}

#[test]
fn https_base_urls_are_accepted() {
    assert!(HttpCatalogue::new("https://catalogue.local/api", DEFAULT_TIMEOUT).is_ok());
}

/// Counts the calls and fails the agreement if asked to.
struct Counting {
    inner: FileCatalogue,
    calls: Mutex<Vec<String>>,
    agreement_down: bool,
}

#[async_trait]
impl Catalogue for Counting {
    async fn profile(&self, id: &str) -> Result<Option<Profile>, CatalogueError> {
        self.calls.lock().unwrap().push(format!("profile {id}"));
        self.inner.profile(id).await
    }

    async fn agreement(&self, id: &str) -> Result<Option<Agreement>, CatalogueError> {
        self.calls.lock().unwrap().push(format!("agreement {id}"));
        if self.agreement_down {
            return Err(CatalogueError::Unavailable("down".into()));
        }
        self.inner.agreement(id).await
    }
}

#[tokio::test]
async fn snapshot_fetches_distinct_profiles_in_item_order_then_the_agreement() {
    let counting = Counting {
        inner: FileCatalogue::from_parts(vec![profile()], vec![agreement()]),
        calls: Mutex::new(Vec::new()),
        agreement_down: false,
    };
    let ids: Vec<String> = ["other", PROFILE, "other", PROFILE]
        .map(String::from)
        .into();
    let snap = snapshot(&counting, &ids, AGREEMENT).await.unwrap();
    assert_eq!(
        snap.profiles,
        vec![
            ("other".to_owned(), None),
            (PROFILE.to_owned(), Some(profile()))
        ]
    );
    assert_eq!(snap.agreement, Some(agreement()));
    assert_eq!(
        *counting.calls.lock().unwrap(),
        vec![
            "profile other".to_owned(),
            format!("profile {PROFILE}"),
            format!("agreement {AGREEMENT}"),
        ]
    );
}

#[tokio::test]
async fn snapshot_fails_when_any_fetch_fails() {
    let counting = Counting {
        inner: FileCatalogue::from_parts(vec![profile()], vec![agreement()]),
        calls: Mutex::new(Vec::new()),
        agreement_down: true,
    };
    let result = snapshot(&counting, &[PROFILE.to_owned()], AGREEMENT).await;
    assert_eq!(result, Err(CatalogueError::Unavailable("down".into())));
}

#[tokio::test]
async fn snapshot_over_http() {
    let fake = fake().await;
    let snap = snapshot(&client(&fake.base), &[PROFILE.to_owned()], "missing")
        .await
        .unwrap();
    assert_eq!(snap.profiles, vec![(PROFILE.to_owned(), Some(profile()))]);
    assert_eq!(snap.agreement, None);
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn file_catalogue_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::to_string_pretty(&json!({
        "profiles": [profile(), {"id": "p2", "agreementID": "a2", "status": "hidden", "extra": 1}],
        "agreements": [agreement(), {"id": "a2", "status": "terminated"}],
    }))
    .unwrap();
    let catalogue = FileCatalogue::load(&write(dir.path(), "catalogue.json", &text)).unwrap();
    assert_eq!(catalogue.profile(PROFILE).await.unwrap(), Some(profile()));
    assert_eq!(
        catalogue.profile("p2").await.unwrap(),
        Some(Profile {
            id: "p2".into(),
            agreement_id: "a2".into(),
            status: "hidden".into(),
        })
    );
    assert_eq!(
        catalogue.agreement(AGREEMENT).await.unwrap(),
        Some(agreement())
    );
    assert_eq!(
        catalogue.agreement("a2").await.unwrap(),
        Some(Agreement {
            id: "a2".into(),
            status: "terminated".into(),
            contracts: vec![],
        })
    );
    assert_eq!(catalogue.profile("missing").await.unwrap(), None);
    assert_eq!(catalogue.agreement("missing").await.unwrap(), None);

    let empty = FileCatalogue::load(&write(dir.path(), "empty.json", "{}")).unwrap();
    assert_eq!(empty.profile(PROFILE).await.unwrap(), None);
}

#[test]
fn bad_catalogue_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("broken.json", "{\"profiles\": ["),
        ("shape.json", "{\"profiles\": [{\"id\": \"p\"}]}"),
        (
            "twice.json",
            "{\"agreements\": [{\"id\": \"a\", \"status\": \"active\"}, {\"id\": \"a\", \"status\": \"terminated\"}]}",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let error = FileCatalogue::load(&path).unwrap_err();
        assert!(
            matches!(error, CatalogueFileError::Parse { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
    let missing = dir.path().join("missing.json");
    let error = FileCatalogue::load(&missing).unwrap_err();
    assert!(
        matches!(error, CatalogueFileError::Read { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&missing.display().to_string()));
}
