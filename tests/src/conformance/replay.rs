//! Replaying a procedure type's recordings against a [`TestServer`].
//!
//! Each exchange in order: set up what the reference's test harness did
//! around it ([`Step`]: the catalogue's answers, the clock), upload the
//! documents it attaches, send the mapped request, compare the answer
//! ([`compare`]) and, when both sides succeeded, learn the ids and tokens
//! our server produced.
//!
//! A recorded error changed nothing on the reference. When our server
//! answers that exchange with a success instead, its state has moved where
//! the recording's did not, and every later exchange would be judged
//! against the wrong state. So the replay then rebuilds: a fresh server on
//! the same backend, onto which the exchanges that succeeded on both sides
//! so far are replayed (not compared again), and continues from there. One
//! divergence is reported once, at the exchange that caused it.
//!
//! Where the recordings have a hole, a stand-in ([`super::stand_ins`]) is
//! sent in its place: mapped like a recording, not compared, and required
//! to succeed.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeDelta};
use serde_json::Value as Json;

use super::catalogue::{CatalogueState, RecordedCatalogue};
use super::compare::{Answer, compare};
use super::exchange::Exchange;
use super::exchange::Request;
use super::mapper::{Mapped, Mapper, earliest_timestamp};
use super::ordering::Procedure;
use super::stand_ins::{Item, StandIn};
use crate::http::{BROKER_KEY, Backend, TestServer};

/// What the reference's harness did before an exchange, outside the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The e-catalogue answers this way for this exchange (otherwise it
    /// answers [`CatalogueState::Recorded`]).
    Catalogue(CatalogueState),
    /// The tender period is over: the clock moves just past the
    /// `tenderPeriod.endDate` of the tender the exchange addresses, and the
    /// scheduler runs.
    EndTenderPeriod,
    /// The tender period has begun (the enquiry period is over): the clock
    /// moves just past the `tenderPeriod.startDate` of the tender the
    /// exchange addresses, and the scheduler runs.
    StartTenderPeriod,
}

/// Steps by exchange: `("tender-active.http", step)` applies to the
/// recording whose name ends in `__tender-active.http`. An exchange may have
/// several (a catalogue state and the end of the tender period: the
/// catalogue answers so when the period ends).
pub type Steps = [(&'static str, Step)];

/// The brokers of the recordings and our keys for them.
pub fn recorded_brokers() -> HashMap<String, String> {
    HashMap::from([("broker".to_owned(), BROKER_KEY.to_owned())])
}

/// How one exchange went.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    /// Empty when our answer matches the recording.
    pub differences: Vec<String>,
}

impl Outcome {
    pub fn matches(&self) -> bool {
        self.differences.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    /// Exchanges after which the state was rebuilt on a fresh server.
    pub rebuilt_after: Vec<String>,
    /// The stand-ins sent, by name.
    pub stand_ins: Vec<String>,
    /// Stand-ins that did not succeed, with what went wrong.
    pub stand_in_failures: Vec<String>,
}

struct Replay<'a> {
    procedure: &'a Procedure,
    steps: &'a Steps,
    stand_ins: &'a [StandIn],
    catalogue: RecordedCatalogue,
    client: reqwest::Client,
    server: TestServer,
    mapper: Mapper,
    /// Steps that succeeded (on both sides, for a recording), in order.
    agreed: Vec<Item>,
}

/// Replays `procedure` against `server` (and, after a divergence, against
/// fresh servers on its backend) in the order `plan` gives, with
/// `stand_ins` in the recordings' holes.
pub async fn replay(
    procedure: &Procedure,
    steps: &Steps,
    (stand_ins, plan): (&[StandIn], &[Item]),
    server: TestServer,
) -> Report {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let mapper = new_mapper(procedure, &server);
    let mut catalogue = RecordedCatalogue::of(procedure);
    for stand_in in stand_ins {
        let request = &stand_in.request;
        if request.method == "POST"
            && request.path().ends_with("/bids")
            && let Some(body) = &request.body
        {
            catalogue.accept_bid(&body["data"]);
        }
    }
    let mut replay = Replay {
        procedure,
        steps,
        stand_ins,
        catalogue,
        client,
        server,
        mapper,
        agreed: Vec::new(),
    };
    let mut outcomes = Vec::new();
    let mut rebuilt_after = Vec::new();
    let mut used = Vec::new();
    let mut stand_in_failures = Vec::new();
    for &item in plan {
        let index = match item {
            Item::Recorded(index) => index,
            Item::StandIn(k) => {
                let stand_in = &stand_ins[k];
                used.push(stand_in.name.clone());
                match replay.stand_in(stand_in).await {
                    Ok(()) => replay.agreed.push(item),
                    Err(problem) => stand_in_failures.push(format!(
                        "stand-in {:?} ({}): {problem}",
                        stand_in.name, stand_in.reason
                    )),
                }
                continue;
            }
        };
        let exchange = &procedure.exchanges[index];
        let mut differences = replay.prepare(&exchange.name, &exchange.request).await;
        let mapped = replay.mapper.request(&exchange.request);
        let answer = replay.send(&mapped).await;
        dump(&replay.server, &exchange.name, &mapped, &answer);
        match &answer {
            Ok(answer) => {
                let recorded = &exchange.response;
                // Learnt first: a created object's id is only known from
                // this very answer, and the comparison needs it.
                if replay.learn(exchange, answer) {
                    replay.agreed.push(item);
                }
                differences.extend(compare(
                    recorded.status,
                    recorded.header("Location"),
                    recorded.body.as_ref(),
                    answer,
                    &replay.mapper,
                ));
                if !differences.is_empty() {
                    differences.extend(unmapped_note(&mapped));
                }
                if recorded.is_error() && answer.status < 300 {
                    differences.push(
                        "our server changed its state where the reference refused: \
                         the state is rebuilt on a fresh server for the exchanges after this one"
                            .into(),
                    );
                    replay.rebuild().await;
                    rebuilt_after.push(exchange.name.clone());
                }
            }
            Err(error) => {
                differences.push(error.clone());
                differences.extend(unmapped_note(&mapped));
            }
        }
        outcomes.push(Outcome {
            name: exchange.name.clone(),
            differences,
        });
    }
    Report {
        outcomes,
        rebuilt_after,
        stand_ins: used,
        stand_in_failures,
    }
}

fn new_mapper(procedure: &Procedure, server: &TestServer) -> Mapper {
    let earliest = earliest_timestamp(
        procedure
            .exchanges
            .iter()
            .filter_map(|e| e.response.body.as_ref()),
    );
    let shift = earliest.map_or(TimeDelta::zero(), |earliest| server.now() - earliest);
    Mapper::new(&server.base, shift, recorded_brokers())
}

/// With `CDB_CONFORMANCE_DUMP=<dir>`, writes each mapped request and our
/// answer to `<dir>/<backend>-<exchange>.json`, to see what a difference
/// came from.
fn dump(server: &TestServer, name: &str, mapped: &Mapped, answer: &Result<Answer, String>) {
    let Some(dir) = std::env::var_os("CDB_CONFORMANCE_DUMP").filter(|d| !d.is_empty()) else {
        return;
    };
    let answer = match answer {
        Ok(answer) => serde_json::json!({
            "status": answer.status, "location": answer.location, "body": answer.body
        }),
        Err(error) => Json::String(error.clone()),
    };
    let record = serde_json::json!({
        "request": {"method": mapped.method, "target": mapped.target, "body": mapped.body},
        "answer": answer,
    });
    let path = Path::new(&dir).join(format!("{}-{name}.json", server.backend.name()));
    let text = serde_json::to_string_pretty(&record).unwrap_or_default();
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
        eprintln!("CDB_CONFORMANCE_DUMP: {}: {e}", path.display());
    }
}

fn unmapped_note(mapped: &Mapped) -> Option<String> {
    (!mapped.unmapped.is_empty()).then(|| {
        format!(
            "note: the request addresses {}, which no answer of ours produced \
             (an earlier exchange did not create it)",
            mapped.unmapped.join(", ")
        )
    })
}

impl Replay<'_> {
    fn steps(&self, name: &str) -> Vec<Step> {
        self.steps
            .iter()
            .filter(|(suffix, _)| name.ends_with(&format!("__{suffix}")))
            .map(|(_, step)| *step)
            .collect()
    }

    /// The harness's part before the request of exchange `name` (recorded or
    /// stood in for); answers problems found.
    async fn prepare(&mut self, name: &str, request: &Request) -> Vec<String> {
        let mut problems = Vec::new();
        let steps = self.steps(name);
        let state = steps
            .iter()
            .find_map(|step| match step {
                Step::Catalogue(state) => Some(*state),
                Step::EndTenderPeriod | Step::StartTenderPeriod => None,
            })
            .unwrap_or(CatalogueState::Recorded);
        self.catalogue.apply(&self.server.catalogue, state);
        for (step, moment) in [
            (Step::StartTenderPeriod, "startDate"),
            (Step::EndTenderPeriod, "endDate"),
        ] {
            if steps.contains(&step) {
                let mapped = self.mapper.request(request);
                if let Err(problem) = self.pass_tender_period(&mapped.target, moment).await {
                    problems.push(problem);
                }
            }
        }
        if let Some(body) = &request.body {
            let key = request.broker().map(|broker| self.mapper.key(broker));
            for document in self.mapper.documents_to_upload(body) {
                match self.upload(key.as_deref(), &document).await {
                    Ok((url, hash)) => self.mapper.add_upload(&document.recorded, &url, &hash),
                    Err(problem) => problems.push(problem),
                }
            }
        }
        problems
    }

    /// Moves the clock past the `tenderPeriod.<moment>` of the tender
    /// `target` addresses and runs the scheduler.
    async fn pass_tender_period(&self, target: &str, moment: &str) -> Result<(), String> {
        let tender: Vec<&str> = target
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .take(5)
            .collect();
        let tender = tender.join("/");
        let answer = self
            .send(&Mapped {
                method: "GET".into(),
                target: tender.clone(),
                key: None,
                body: None,
                unmapped: Vec::new(),
            })
            .await?;
        let end = answer.body["data"]["tenderPeriod"][moment]
            .as_str()
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .ok_or_else(|| {
                format!(
                    "setup: GET {tender} answered {} without a tenderPeriod.{moment}",
                    answer.status
                )
            })?;
        let after = end.to_utc() + TimeDelta::seconds(1);
        if after > self.server.now() {
            self.server.set_time(after);
        }
        self.server.run_scheduler().await;
        Ok(())
    }

    /// Uploads a body for a recorded document; answers our `url` and `hash`.
    async fn upload(
        &self,
        key: Option<&str>,
        document: &super::mapper::DocumentToUpload,
    ) -> Result<(String, String), String> {
        let mut request = self
            .client
            .post(format!("{}/api/2.5/documents", self.server.base))
            .query(&[("title", document.title.as_str())])
            .header(reqwest::header::CONTENT_TYPE, document.format.as_str())
            // Distinct bytes per recorded document, so each gets its own body.
            .body(format!("conformance: {}", document.recorded));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let failed = |e: String| format!("setup: uploading {}: {e}", document.recorded);
        let response = request.send().await.map_err(|e| failed(e.to_string()))?;
        let status = response.status();
        let body: Json = response.json().await.map_err(|e| failed(e.to_string()))?;
        match (body["data"]["url"].as_str(), body["data"]["hash"].as_str()) {
            (Some(url), Some(hash)) if status.is_success() => Ok((url.to_owned(), hash.to_owned())),
            _ => Err(failed(format!("{status} {body}"))),
        }
    }

    async fn send(&self, mapped: &Mapped) -> Result<Answer, String> {
        let what = format!("{} {}", mapped.method, mapped.target);
        let method = reqwest::Method::from_bytes(mapped.method.as_bytes())
            .map_err(|e| format!("{what}: {e}"))?;
        let mut request = self
            .client
            .request(method, format!("{}{}", self.server.base, mapped.target));
        if let Some(key) = &mapped.key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = &mapped.body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(body).map_err(|e| format!("{what}: {e}"))?);
        }
        let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("{what}: reading the body: {e}"))?;
        let body = if bytes.is_empty() {
            Json::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Answer {
            status,
            location,
            body,
        })
    }

    /// Learns ids from an answer when both sides succeeded; answers whether
    /// they did.
    fn learn(&mut self, exchange: &Exchange, answer: &Answer) -> bool {
        let recorded = &exchange.response;
        if recorded.status >= 300 || answer.status >= 300 {
            return false;
        }
        // The body first, so a `Location` naming the created object is
        // checked against the id the body gave; then the `Location` for
        // what only it names (the award that replaces a cancelled one).
        if let Some(body) = &recorded.body {
            self.mapper.learn(body, &answer.body);
        }
        if let (Some(recorded), Some(ours)) = (recorded.header("Location"), &answer.location)
            && self.mapper.location_matches(recorded, ours)
        {
            self.mapper.learn_location(recorded, ours);
        }
        true
    }

    /// Sends `stand_in` and learns what it says to learn from our answer.
    async fn stand_in(&mut self, stand_in: &StandIn) -> Result<(), String> {
        let problems = self.prepare(&stand_in.name, &stand_in.request).await;
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let mapped = self.mapper.request(&stand_in.request);
        let answer = self.send(&mapped).await?;
        dump(&self.server, &stand_in.name, &mapped, &Ok(answer.clone()));
        if !(200..300).contains(&answer.status) {
            return Err(format!(
                "{} {} answered {}: {}",
                mapped.method, mapped.target, answer.status, answer.body
            ));
        }
        for (recorded, pointer) in &stand_in.learn {
            let ours = answer
                .body
                .pointer(pointer)
                .and_then(Json::as_str)
                .ok_or_else(|| format!("learn {recorded}: our answer has no text at {pointer}"))?;
            self.mapper.learn_id(recorded, ours);
        }
        Ok(())
    }

    /// A fresh server with the steps that succeeded so far.
    async fn rebuild(&mut self) {
        let server = match &self.server.backend {
            Backend::Embedded => TestServer::embedded().await,
            Backend::Postgres(_) => TestServer::postgres()
                .await
                .expect("a fresh PostgreSQL database for the rebuild"),
        };
        self.mapper = new_mapper(self.procedure, &server);
        self.server = server;
        for item in self.agreed.clone() {
            // Problems here showed when the step was first replayed.
            match item {
                Item::StandIn(k) => {
                    let stand_ins = self.stand_ins;
                    let _ = self.stand_in(&stand_ins[k]).await;
                }
                Item::Recorded(index) => {
                    let exchange = &self.procedure.exchanges[index];
                    let _ = self.prepare(&exchange.name, &exchange.request).await;
                    let mapped = self.mapper.request(&exchange.request);
                    if let Ok(answer) = self.send(&mapped).await {
                        self.learn(exchange, &answer);
                    }
                }
            }
        }
    }
}

/// The steps named in `steps` that match no exchange of `procedure`: a
/// typo, or a recording that went away.
pub fn unused_steps(procedure: &Procedure, steps: &Steps) -> Vec<&'static str> {
    steps
        .iter()
        .map(|(suffix, _)| *suffix)
        .filter(|suffix| {
            !procedure
                .exchanges
                .iter()
                .any(|e| e.name.ends_with(&format!("__{suffix}")))
        })
        .collect()
}
