//! `cdb soak` (hidden): appends synthetic two-event appends to the store as
//! fast as it can and prints one line per *acknowledged* append:
//! `ack <procedure> <version> <first position> <last position> <event id>,<event id>`.
//! The crash test kills the process with SIGKILL mid-stream and checks that
//! every printed append is in the store.

use std::io::Write;
use std::sync::Arc;

use chrono::Utc;
use commands::UlidIds;
use commands::store::{Append, EventStore, Metadata, NewEvent};
use domain::IdSource;

use crate::Failure;
use crate::cli::SoakArgs;

pub async fn soak(args: SoakArgs) -> Result<(), Failure> {
    let (_, store) = crate::serve::open(&args.store, true).await?;
    let ids = Arc::new(UlidIds::default());
    let per_task = if args.appends == 0 {
        u64::MAX
    } else {
        args.appends.div_ceil(args.concurrency.max(1) as u64)
    };
    let mut tasks = Vec::new();
    for task in 0..args.concurrency.max(1) {
        let store = Arc::clone(&store);
        let ids = Arc::clone(&ids);
        tasks.push(tokio::spawn(async move {
            run(store.as_ref(), ids.as_ref(), task, per_task).await
        }));
    }
    for task in tasks {
        task.await.map_err(|e| Failure::Runtime(e.to_string()))??;
    }
    Ok(())
}

async fn run(
    store: &dyn EventStore,
    ids: &dyn IdSource,
    task: usize,
    appends: u64,
) -> Result<(), Failure> {
    let procedure = format!("soak-{}-{task}", ids.next_id());
    let mut version = 0;
    for i in 0..appends {
        let now = Utc::now();
        let events: Vec<NewEvent> = ["tender", "bid"]
            .iter()
            .map(|stream| NewEvent {
                event_id: ids.next_id().to_string(),
                stream_id: format!("{stream}-{procedure}"),
                event_type: "SoakEventRecorded".into(),
                schema_version: 1,
                data: serde_json::json!({ "i": i, "amount": "1000.00" }),
                metadata: Metadata::default(),
                recorded_at: now,
            })
            .collect();
        let event_ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
        let appended = store
            .append(Append {
                procedure_id: procedure.clone(),
                procedure_kind: "soak".into(),
                expected_version: version,
                events,
            })
            .await
            .map_err(|e| Failure::Runtime(e.to_string()))?;
        version = appended.procedure_version;
        let line = format!(
            "ack {procedure} {version} {} {} {}\n",
            appended.first_position,
            appended.last_position,
            event_ids.join(",")
        );
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(line.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::Runtime(e.to_string()))?;
    }
    Ok(())
}
