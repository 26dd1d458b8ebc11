//! Each replay operation runs as a child process of this executable, so its
//! time and peak memory are its own: the peak resident set size is the
//! kernel's (`ru_maxrss` from `wait4`), not what the benchmark's own
//! process happened to hold.

use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Failure;
use crate::cli::StoreArgs;

/// How a child ran.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub elapsed: Duration,
    /// Peak resident set size, KiB.
    pub peak_kib: u64,
}

/// Runs `cdb ARGS…` to the end (its stderr shown as it goes); a child that
/// fails is an error naming its exit status.
pub async fn run(args: Vec<OsString>) -> Result<Run, String> {
    tokio::task::spawn_blocking(move || run_blocking(&args))
        .await
        .map_err(|e| e.to_string())?
}

fn run_blocking(args: &[OsString]) -> Result<Run, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let started = Instant::now();
    let child = Command::new(&exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not reaped yet (`Child` never waits
    // unless asked); `status` and `usage` are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    if reaped != pid {
        return Err(format!(
            "waiting for {} failed: {}",
            describe(args),
            std::io::Error::last_os_error()
        ));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("{} failed (wait status {status})", describe(args)));
    }
    Ok(Run {
        elapsed,
        // Linux reports ru_maxrss in KiB.
        peak_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    })
}

fn describe(args: &[OsString]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    format!("cdb {}", words.join(" "))
}

/// `cdb bench catch-up`: what `cdb serve` does to its read models at
/// start-up (bring them up to the log's head), and nothing else; prints the
/// position reached, the time taken and the peak memory.
pub async fn catch_up(args: StoreArgs) -> Result<(), Failure> {
    let (location, store) = crate::replay_cli::open(&args).await?;
    let registry = crate::replay_cli::registry();
    crate::serve::check_log(&registry, store.as_ref()).await?;
    let started = Instant::now();
    let projector = crate::serve::start_projector(&location, store, &registry).await?;
    let position = *projector.applied().borrow();
    eprintln!(
        "cdb: read models caught up to position {position} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
