//! `cdb replay …`: the auditor's commands (the work is in the `replay` crate).

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::Failure;
use crate::cli::{ExportArgs, ProcedureArgs, ReplayCommand, ShowArgs, StoreArgs, VerifyArgs};
use crate::serve;

pub async fn run(command: ReplayCommand) -> Result<(), Failure> {
    match command {
        ReplayCommand::Verify(args) => verify(args).await,
        ReplayCommand::Rebuild(args) => rebuild(args).await,
        ReplayCommand::Show(args) => show(args).await,
        ReplayCommand::History(args) => history(args).await,
        ReplayCommand::Export(args) => export(args).await,
    }
}

fn runtime(error: impl std::fmt::Display) -> Failure {
    Failure::Runtime(error.to_string())
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Runtime(format!("cannot write to standard output: {e}")))
}

async fn verify(args: VerifyArgs) -> Result<(), Failure> {
    if let Some(path) = &args.bundle {
        let text = std::fs::read(path)
            .map_err(|e| Failure::Config(format!("cannot read {}: {e}", path.display())))?;
        let bundle: replay::Bundle = serde_json::from_slice(&text)
            .map_err(|e| Failure::Runtime(format!("{} is not a bundle: {e}", path.display())))?;
        let events = replay::verify_bundle(&bundle)
            .map_err(|e| Failure::Runtime(format!("verification FAILED: {e}")))?;
        eprintln!(
            "cdb: OK: bundle of procedure {}: {events} events, hash chain intact, head {}",
            bundle.procedure_id, bundle.head_hash
        );
        return Ok(());
    }
    let (location, store) = serve::open(&args.store, false).await?;
    eprintln!("cdb: verifying {}", location.describe());
    let report = replay::verify(store.as_ref(), |checked| {
        eprint!("\rcdb: {checked} events checked")
    })
    .await
    .map_err(|e| Failure::Runtime(format!("\nverification FAILED: {e}")))?;
    eprintln!(
        "\ncdb: OK: {} events in {} procedures; positions gap-free and every hash chain intact",
        report.events, report.procedures
    );
    Ok(())
}

async fn rebuild(args: StoreArgs) -> Result<(), Failure> {
    let (location, store) = serve::open(&args, false).await?;
    let live = projections::read_store::open(&location)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let scratch = tempfile::tempdir().map_err(runtime)?;
    eprintln!("cdb: rebuilding the read models of {}", location.describe());
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("cdb: {bar:40} {pos}/{len} events ({per_sec}, ETA {eta})")
            .map_err(runtime)?,
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let started = std::time::Instant::now();
    // Without a terminal the bar draws nothing; print a line a second instead.
    let mut last_line = std::time::Instant::now();
    let report = replay::rebuild(Arc::clone(&store), live, scratch.path(), |done, total| {
        bar.set_length(total);
        bar.set_position(done);
        if bar.is_hidden() && (last_line.elapsed() >= Duration::from_secs(1) || done == total) {
            last_line = std::time::Instant::now();
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            eprintln!("cdb: {done}/{total} events ({rate:.0} events/s)");
        }
    })
    .await
    .map_err(runtime)?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "cdb: rebuilt {} events in {seconds:.1} s ({:.0} events/s)",
        report.position,
        report.position as f64 / seconds.max(1e-9)
    );
    for (live, rebuilt) in report.live.iter().zip(&report.rebuilt) {
        let verdict = if live == rebuilt {
            "identical"
        } else {
            "DIFFERENT"
        };
        eprintln!(
            "cdb: {:<9} position {} rows {} digest {} (live: rows {} digest {}) {verdict}",
            rebuilt.read_model,
            rebuilt.position,
            rebuilt.rows,
            rebuilt.sha256,
            live.rows,
            live.sha256
        );
    }
    if report.identical() {
        eprintln!("cdb: OK: the live read models equal a rebuild from the log");
        Ok(())
    } else {
        Err(Failure::Runtime(
            "the live read models differed from a rebuild from the log; they have been replaced by the rebuilt ones".into(),
        ))
    }
}

async fn open_for(args: &ProcedureArgs) -> Result<Arc<dyn commands::store::EventStore>, Failure> {
    Ok(serve::open(&args.store, false).await?.1)
}

async fn show(args: ShowArgs) -> Result<(), Failure> {
    let at = args
        .at
        .as_deref()
        .map(str::parse::<replay::At>)
        .transpose()
        .map_err(|e| Failure::Config(format!("bad --at: {e}")))?;
    let store = open_for(&args.procedure).await?;
    let document = replay::show(store.as_ref(), &args.procedure.procedure, at)
        .await
        .map_err(runtime)?;
    write_stdout(format!("{document}\n").as_bytes())
}

async fn history(args: ProcedureArgs) -> Result<(), Failure> {
    let store = open_for(&args).await?;
    let entries = replay::history(store.as_ref(), &args.procedure)
        .await
        .map_err(runtime)?;
    let mut text = String::new();
    for entry in entries {
        text.push_str(&serde_json::to_string(&entry).map_err(runtime)?);
        text.push('\n');
    }
    write_stdout(text.as_bytes())
}

async fn export(args: ExportArgs) -> Result<(), Failure> {
    let store = open_for(&args.procedure).await?;
    let bundle = replay::export(store.as_ref(), &args.procedure.procedure)
        .await
        .map_err(runtime)?;
    let text = serde_json::to_vec_pretty(&bundle).map_err(runtime)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?;
            eprintln!(
                "cdb: wrote {} events of procedure {} to {}",
                bundle.events.len(),
                bundle.procedure_id,
                path.display()
            );
            Ok(())
        }
        None => write_stdout(&text),
    }
}
