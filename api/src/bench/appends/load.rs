//! The load both sides of the appends benchmark write: the same rows, made
//! the same way, so that store and baseline differ only in how they write.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use commands::store::{Append, EventStore, Metadata, NewEvent};
use serde_json::json;

/// Concurrent writers of the store side (the figure).
pub const WRITERS: usize = 32;
pub const EVENTS_PER_APPEND: usize = 2;

/// Append number `index` of a writer's own procedure: a tender-stream and a
/// bid-stream event with realistic payloads (about 0.6 kB of JSON each).
pub fn append(procedure_id: &str, index: usize) -> Append {
    let events = (0..EVENTS_PER_APPEND)
        .map(|k| {
            let stream_id = if k == 0 {
                format!("tender-{procedure_id}")
            } else {
                format!("bid-{procedure_id}-{index}")
            };
            NewEvent {
                event_id: format!("{procedure_id}-{index}-{k}"),
                stream_id,
                event_type: if k == 0 { "TenderUpdated" } else { "BidSubmitted" }.into(),
                schema_version: 1,
                data: json!({
                    "value": {"amount": "1250000.00", "currency": "UAH", "valueAddedTaxIncluded": true},
                    "tenderers": [{
                        "name": "ТОВ «Постачальник»",
                        "identifier": {"scheme": "UA-EDR", "id": format!("{:08}", index), "legalName": "Товариство з обмеженою відповідальністю «Постачальник»"},
                        "address": {"streetAddress": "вул. Хрещатик, 22", "locality": "Київ", "region": "м. Київ", "postalCode": "01001", "countryName": "Україна"},
                        "contactPoint": {"name": "Олена Коваленко", "email": "tender@example.com", "telephone": "+380441234567"}
                    }],
                    "lotValues": [{"relatedLot": format!("lot-{index}"), "value": {"amount": "1250000.00", "currency": "UAH"}}],
                    "status": "active",
                    "date": "2026-12-01T10:00:00+02:00",
                }),
                metadata: Metadata {
                    broker: Some("broker-1".into()),
                    role: Some("tenderer".into()),
                    request_id: Some(format!("req-{procedure_id}-{index}")),
                    ..Metadata::default()
                },
                recorded_at: Utc::now(),
            }
        })
        .collect();
    Append {
        procedure_id: procedure_id.to_owned(),
        procedure_kind: "bench".into(),
        expected_version: (index * EVENTS_PER_APPEND) as u64,
        events,
    }
}

/// What one side of a round measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub events: u64,
    pub elapsed: Duration,
    /// Per append (store) or per transaction (baseline), sorted.
    pub latencies: Vec<Duration>,
}

impl Measured {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 * q) as usize).min(self.latencies.len() - 1);
        self.latencies[index]
    }
}

/// What one store writer had acknowledged when its time was up.
pub struct WriterOutcome {
    pub procedure_id: String,
    /// Events of acknowledged appends (the procedure's version).
    pub acknowledged: u64,
    pub latencies: Vec<Duration>,
    pub error: Option<String>,
}

/// [`WRITERS`] writers, each appending to its own procedure and waiting for
/// each acknowledgement before the next, until `duration` is up.
pub async fn store_load(
    store: Arc<dyn EventStore>,
    prefix: &str,
    duration: Duration,
) -> (Measured, Vec<WriterOutcome>) {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(WRITERS);
    for writer in 0..WRITERS {
        let store = Arc::clone(&store);
        let procedure_id = format!("{prefix}-w{writer}");
        tasks.push(tokio::spawn(async move {
            let mut outcome = WriterOutcome {
                procedure_id,
                acknowledged: 0,
                latencies: Vec::new(),
                error: None,
            };
            let mut index = 0;
            while Instant::now() < deadline {
                let append = append(&outcome.procedure_id, index);
                let sent = Instant::now();
                match store.append(append).await {
                    Ok(appended) if !appended.duplicate => {
                        outcome.latencies.push(sent.elapsed());
                        outcome.acknowledged = appended.procedure_version;
                        index += 1;
                    }
                    Ok(_) => {
                        outcome.error = Some(format!(
                            "append {index} to {} was taken for a retry",
                            outcome.procedure_id
                        ));
                        break;
                    }
                    Err(error) => {
                        outcome.error = Some(format!(
                            "append {index} to {} failed: {error}",
                            outcome.procedure_id
                        ));
                        break;
                    }
                }
            }
            outcome
        }));
    }
    let mut outcomes = Vec::with_capacity(WRITERS);
    for task in tasks {
        match task.await {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => outcomes.push(WriterOutcome {
                procedure_id: String::new(),
                acknowledged: 0,
                latencies: Vec::new(),
                error: Some(format!("writer task failed: {error}")),
            }),
        }
    }
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = outcomes
        .iter()
        .flat_map(|o| o.latencies.iter().copied())
        .collect();
    latencies.sort_unstable();
    let events = outcomes.iter().map(|o| o.acknowledged).sum();
    (
        Measured {
            events,
            elapsed,
            latencies,
        },
        outcomes,
    )
}

/// A 64-character stand-in for a hash, so baseline rows are as wide as the
/// store's.
pub fn fake_hash(seed: u64) -> String {
    format!("{:064x}", seed.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}
