//! `cdb replay …`: the auditor's commands (the work is in the `replay`
//! crate; this module opens stores, draws progress and prints). Output
//! formats and exit codes are described in `docs/replay.md`.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use commands::store::{EventStore, StoreLocation};
use indicatif::{ProgressBar, ProgressStyle};

use crate::Failure;
use crate::cli::{ExportArgs, ProcedureArgs, ReplayCommand, ShowArgs, StoreArgs, VerifyArgs};
use crate::registry::Registry;
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

/// Opens an existing store. Unlike `serve`, never creates an embedded store:
/// auditing a mistyped data directory must fail, not report an empty log.
pub(crate) async fn open(
    args: &StoreArgs,
) -> Result<(StoreLocation, Arc<dyn EventStore>), Failure> {
    let location = StoreLocation::parse(&args.store, &args.data_dir)
        .map_err(|e| Failure::Config(e.to_string()))?;
    if let StoreLocation::Sqlite(path) = &location
        && !path.is_file()
    {
        return Err(Failure::Config(format!(
            "no event store at {} (check --data-dir or --store)",
            path.display()
        )));
    }
    serve::open(args, false).await
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Runtime(format!("cannot write to standard output: {e}")))
}

/// Progress over log positions on stderr: an indicatif bar (events/s, ETA)
/// on a terminal; otherwise a plain line at most once a second.
pub(crate) struct Progress {
    bar: ProgressBar,
    verb: &'static str,
    unit: &'static str,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    const LINE_EVERY: Duration = Duration::from_secs(1);

    pub(crate) fn new(verb: &'static str) -> Result<Progress, Failure> {
        Self::counting(verb, "events")
    }

    /// Progress over `unit`s (`events`, `procedures`).
    pub(crate) fn counting(verb: &'static str, unit: &'static str) -> Result<Progress, Failure> {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "cdb: {verb} {{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec:0}}, ETA {{eta}}"
            ))
            .map_err(runtime)?,
        );
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        let now = Instant::now();
        Ok(Progress {
            bar,
            verb,
            unit,
            started: now,
            last_line: now,
        })
    }

    pub(crate) fn update(&mut self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if self.bar.is_hidden() && self.last_line.elapsed() >= Self::LINE_EVERY {
            self.last_line = Instant::now();
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            let eta = total.saturating_sub(done) as f64 / rate.max(1e-9);
            eprintln!(
                "cdb: {} {done}/{total} {unit} ({rate:.0} {unit}/s, ETA {eta:.0} s)",
                self.verb,
                unit = self.unit
            );
        }
    }

    /// Clears the bar; answers the seconds elapsed.
    pub(crate) fn finish(&self) -> f64 {
        self.bar.finish_and_clear();
        self.started.elapsed().as_secs_f64()
    }
}

async fn verify(args: VerifyArgs) -> Result<(), Failure> {
    if let Some(path) = &args.bundle {
        return verify_bundle(path);
    }
    let (location, store) = open(&args.store).await?;
    let head = store.head().await.map_err(runtime)?;
    eprintln!("cdb: verifying {} events in {}", head, location.describe());
    let mut progress = Progress::new("verifying")?;
    let result = replay::verify(store.as_ref(), |checked| {
        progress.update(checked, head.max(checked))
    })
    .await;
    let seconds = progress.finish();
    let report = result.map_err(|e| Failure::Runtime(format!("verification FAILED: {e}")))?;
    eprintln!(
        "cdb: OK: {} events in {} procedures ({seconds:.1} s); positions gap-free and every hash chain intact",
        report.events, report.procedures
    );
    Ok(())
}

fn verify_bundle(path: &std::path::Path) -> Result<(), Failure> {
    let text = std::fs::read(path)
        .map_err(|e| Failure::Config(format!("cannot read {}: {e}", path.display())))?;
    let bundle: replay::Bundle = serde_json::from_slice(&text).map_err(|e| {
        Failure::Runtime(format!(
            "verification FAILED: {} is not a procedure bundle: {e}",
            path.display()
        ))
    })?;
    let events = replay::verify_bundle(&bundle).map_err(|e| {
        Failure::Runtime(format!(
            "verification FAILED: bundle of procedure {}: {e}",
            bundle.procedure_id
        ))
    })?;
    eprintln!(
        "cdb: OK: bundle of procedure {} ({}): {events} events, versions 1..{events}, hash chain intact, head {}",
        bundle.procedure_id, bundle.kind, bundle.head_hash
    );
    Ok(())
}

async fn rebuild(args: StoreArgs) -> Result<(), Failure> {
    let (location, store) = open(&args).await?;
    let live = projections::read_store::open(&location)
        .await
        .map_err(|e| Failure::Config(format!("cannot open the read models: {e}")))?;
    let scratch = tempfile::tempdir()
        .map_err(|e| Failure::Runtime(format!("cannot create a scratch directory: {e}")))?;
    eprintln!(
        "cdb: rebuilding the read models of {} from the log",
        location.describe()
    );
    let registry = registry();
    crate::serve::check_log(&registry, store.as_ref()).await?;
    let mut progress = Progress::new("rebuilding")?;
    let result = replay::rebuild(
        Arc::clone(&store),
        live,
        registry.published(),
        scratch.path(),
        |done, total| progress.update(done, total),
    )
    .await;
    let seconds = progress.finish();
    let report = result.map_err(|e| Failure::Runtime(format!("rebuild failed: {e}")))?;
    if report.live_was_at < report.caught_up_to {
        eprintln!(
            "cdb: the live read models were at position {}, behind the log; brought them up to {} first",
            report.live_was_at, report.caught_up_to
        );
    }
    if report.retries > 0 {
        eprintln!(
            "cdb: the live read models moved on while installing; caught up and compared again {} time(s)",
            report.retries
        );
    }
    eprintln!(
        "cdb: rebuilt {} events in {seconds:.1} s ({:.0} events/s)",
        report.position,
        report.position as f64 / seconds.max(1e-9)
    );
    let mut different = Vec::new();
    for (live, rebuilt) in report.live.iter().zip(&report.rebuilt) {
        let verdict = if live == rebuilt {
            "identical"
        } else {
            different.push(rebuilt.read_model);
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
    if different.is_empty() {
        eprintln!("cdb: OK: the live read models equal a rebuild from the log");
        eprintln!("cdb: peak memory {}", peak_memory());
        Ok(())
    } else {
        eprintln!("cdb: peak memory {}", peak_memory());
        Err(Failure::Runtime(format!(
            "the live read models DIFFERED from a rebuild from the log ({}); the rebuilt ones have been installed in their place",
            different.join(", ")
        )))
    }
}

/// The process's peak resident memory so far (`VmHWM` of
/// `/proc/self/status`) as `N MB` (MiB), or `unknown` where there is no such
/// file (not Linux).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .as_deref()
        .and_then(vm_hwm_kib)
        .map_or_else(
            || "unknown".to_owned(),
            |kib| format!("{} MB", kib.div_ceil(1024)),
        )
}

/// The `VmHWM:` value of a `/proc/PID/status` text, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|number| number.trim().parse().ok())
}

/// The procedure types replay reads. Their settings do not matter here:
/// what a procedure was created with is in its events.
pub(crate) fn registry() -> Registry {
    Registry::builtin(Default::default())
}

async fn open_for(args: &ProcedureArgs) -> Result<Arc<dyn EventStore>, Failure> {
    Ok(open(&args.store).await?.1)
}

async fn show(args: ShowArgs) -> Result<(), Failure> {
    let at = args
        .at
        .as_deref()
        .map(str::parse::<replay::At>)
        .transpose()
        .map_err(|e| Failure::Config(format!("bad --at: {e}")))?;
    let store = open_for(&args.procedure).await?;
    let document = replay::show(
        store.as_ref(),
        registry().published(),
        &args.procedure.procedure,
        at,
    )
    .await
    .map_err(runtime)?;
    write_stdout(format!("{document}\n").as_bytes())
}

async fn history(args: ProcedureArgs) -> Result<(), Failure> {
    let store = open_for(&args).await?;
    let entries = replay::history(store.as_ref(), registry().published(), &args.procedure)
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
    let mut text = serde_json::to_vec_pretty(&bundle).map_err(runtime)?;
    text.push(b'\n');
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| Failure::Runtime(format!("cannot write {}: {e}", path.display())))?;
            eprintln!(
                "cdb: wrote {} events of procedure {} (head {}) to {}",
                bundle.events.len(),
                bundle.procedure_id,
                bundle.head_hash,
                path.display()
            );
            Ok(())
        }
        None => write_stdout(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::vm_hwm_kib;

    #[test]
    fn peak_memory_is_read_from_vm_hwm() {
        let status = "Name:\tcdb\nVmPeak:\t  900 kB\nVmHWM:\t   73728 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(vm_hwm_kib(status), Some(73728));
        assert_eq!(vm_hwm_kib("Name:\tcdb\n"), None);
        assert_eq!(vm_hwm_kib("VmHWM:\tlots kB\n"), None);
    }
}
