//! A minimal server-sent-events reader for tests: connects, collects events
//! until it has as many as wanted (or the time is up), then disconnects.

use std::time::Duration;

use serde_json::Value as Json;

/// One received event: its `id` and parsed `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub id: String,
    pub data: Json,
}

/// Reads up to `want` events from `url`, resuming after `last_event_id`.
/// Panics on a non-200 answer or a non-SSE content type.
pub async fn read_events(
    url: &str,
    last_event_id: Option<&str>,
    want: usize,
    timeout: Duration,
) -> Vec<SseEvent> {
    let client = reqwest::Client::new();
    let mut request = client.get(url);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let mut response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {url}");
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/event-stream"),
        "GET {url}: content type {content_type}"
    );
    let mut events = Vec::new();
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while events.len() < want {
        let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) | Err(_) => break,
            Ok(Err(e)) => panic!("reading {url}: {e}"),
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut id = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            // Keep-alive comments have neither id nor data.
            if let Some(id) = id {
                let data = serde_json::from_str(&data)
                    .unwrap_or_else(|e| panic!("event {id} data is not JSON ({e}): {data}"));
                events.push(SseEvent { id, data });
            }
        }
    }
    events
}
