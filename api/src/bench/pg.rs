//! A throw-away PostgreSQL server, for the tests and for `cdb bench`.
//!
//! [`try_server_url`] hands out the admin URL of a server that tests may use:
//! either the one named by `DATABASE_URL`, or one this module starts once
//! per process from the local PostgreSQL binaries (`initdb` +
//! `pg_ctl` on a temporary directory). [`try_fresh_database`] creates a new,
//! empty, uniquely named database on that server for a single test.
//!
//! The throw-away server is stopped and its directory removed when the test
//! process exits: by an `atexit` hook on a normal exit, and by a detached
//! watchdog process (which polls the test process every second) when the
//! test process dies any other way (abort, `kill -9`, ...).
//!
//! Environment:
//! - `DATABASE_URL`: use this server instead of starting one; it is never
//!   started or stopped by us.
//! - `CDB_TEST_PG_FSYNC=on`: keep `fsync` (and friends) on in the throw-away
//!   server; by default they are off, which is much faster.

use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The OS user (and database superuser) the server runs as when we are root.
const PG_OS_USER: &str = "postgres";
/// Database superuser created by `initdb`.
const PG_SUPERUSER: &str = "postgres";
/// How many times a start is retried when the chosen port was taken meanwhile.
const PORT_ATTEMPTS: usize = 5;

/// A PostgreSQL server for this test process.
///
/// Started by [`server_url`] the first time it is needed (unless
/// `DATABASE_URL` is set) and stopped, with its directory removed, when the
/// process exits.
#[derive(Debug)]
pub struct TempPostgres {
    /// `postgres://postgres@127.0.0.1:<port>/postgres`
    admin_url: String,
    /// The temporary directory holding everything: `data/`, the log, the
    /// Unix socket.
    dir: PathBuf,
    /// TCP port on 127.0.0.1.
    port: u16,
    /// The `pg_ctl` binary used to start (and stop) the server.
    pg_ctl: PathBuf,
    /// `Some` when we are root and run the PostgreSQL binaries as another user.
    run_as: Option<RunAs>,
    /// Process id of the detached watchdog (also its process group id).
    watchdog_pid: Option<u32>,
}

#[derive(Debug, Clone)]
struct RunAs {
    user: String,
    uid: u32,
    gid: u32,
    /// `runuser` when available; otherwise the uid/gid are set directly.
    runuser: Option<PathBuf>,
}

enum Server {
    /// `DATABASE_URL`.
    External(String),
    /// Started by us.
    Temp(TempPostgres),
}

/// The one server of this process: `Ok(None)` = skip, `Err` = start failed.
static SERVER: OnceLock<Result<Option<Server>, String>> = OnceLock::new();

impl TempPostgres {
    /// Admin URL (superuser, database `postgres`).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// The TCP port the server listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The temporary directory holding the data directory, log and socket.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The server log file.
    pub fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    fn start(bin: &Path) -> Result<TempPostgres, String> {
        let initdb = bin.join("initdb");
        let pg_ctl = bin.join("pg_ctl");
        if !is_executable(&pg_ctl) {
            return Err(format!(
                "found {} but no pg_ctl next to it",
                initdb.display()
            ));
        }
        let run_as = if unsafe { libc::geteuid() } == 0 {
            Some(lookup_run_as()?)
        } else {
            None
        };

        let dir = tempfile::Builder::new()
            .prefix("cdb-pg-")
            .tempdir_in(temp_base(run_as.is_some()))
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?
            .keep();
        let mut server = TempPostgres {
            admin_url: String::new(),
            dir,
            port: 0,
            pg_ctl,
            run_as,
            watchdog_pid: None,
        };
        // From here on the watchdog removes the directory (and stops the
        // server) whenever this process goes away, however it goes away.
        server.watchdog_pid = server.spawn_watchdog();
        match server.init_and_start(&initdb) {
            Ok(()) => Ok(server),
            Err(e) => {
                server.stop();
                Err(e)
            }
        }
    }

    fn init_and_start(&mut self, initdb: &Path) -> Result<(), String> {
        if let Some(run_as) = &self.run_as {
            let path = cstring(&self.dir)?;
            if unsafe { libc::chown(path.as_ptr(), run_as.uid, run_as.gid) } != 0 {
                return Err(format!(
                    "chown {} to {}: {}",
                    self.dir.display(),
                    run_as.user,
                    std::io::Error::last_os_error()
                ));
            }
        }
        let fsync = KEEP_FSYNC.get().copied().unwrap_or(false)
            || std::env::var("CDB_TEST_PG_FSYNC").is_ok_and(|v| v.eq_ignore_ascii_case("on"));

        let data = self.data_dir();
        let mut cmd = self.pg_command(initdb);
        cmd.arg("-D")
            .arg(&data)
            .arg("-U")
            .arg(PG_SUPERUSER)
            .arg("--auth=trust")
            .arg("--encoding=UTF8")
            .arg("--locale=C");
        if !fsync {
            cmd.arg("--no-sync");
        }
        let out = run(&mut cmd)?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed ({}):\n{}",
                out.status,
                output_text(&out)
            ));
        }

        let mut conf = format!(
            "\n# added by the opencdb test harness\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\n\
             max_connections = 200\n",
            conf_quote(&self.dir)
        );
        if !fsync {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut f| f.write_all(conf.as_bytes()))
            .map_err(|e| format!("cannot append to postgresql.conf: {e}"))?;

        let mut last_err = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port()?;
            match self.pg_ctl_start(port) {
                Ok(()) => {
                    self.port = port;
                    self.admin_url = format!("postgres://{PG_SUPERUSER}@127.0.0.1:{port}/postgres");
                    return wait_until_connectable(&self.admin_url, Duration::from_secs(30))
                        .map_err(|e| format!("{e}\n{}", self.log_text()));
                }
                Err(e) => {
                    // Someone else grabbed the port between our probe and the
                    // server's bind: try another one. Anything else is fatal.
                    let port_taken = e.contains("already in use");
                    last_err = e;
                    if !port_taken {
                        break;
                    }
                }
            }
        }
        Err(last_err)
    }

    fn pg_ctl_start(&self, port: u16) -> Result<(), String> {
        let mut cmd = self.pg_command(&self.pg_ctl);
        cmd.arg("start")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_file())
            .arg("-w")
            .arg("-t")
            .arg("60")
            .arg("-o")
            .arg(format!("-p {port}"));
        let out = run(&mut cmd)?;
        if out.status.success() {
            return Ok(());
        }
        // A failed `pg_ctl -w start` may leave a postmaster behind (e.g. on timeout).
        self.pg_ctl_stop();
        Err(format!(
            "pg_ctl start failed ({}):\n{}\n--- server log {} ---\n{}",
            out.status,
            output_text(&out),
            self.log_file().display(),
            self.log_text()
        ))
    }

    fn pg_ctl_stop(&self) -> bool {
        let mut cmd = self.pg_command(&self.pg_ctl);
        cmd.arg("stop")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-m")
            .arg("immediate")
            .arg("-w")
            .arg("-t")
            .arg("20");
        run(&mut cmd).is_ok_and(|o| o.status.success())
    }

    /// Stops the server (if running) and removes its directory. Returns
    /// whether everything is gone.
    fn stop(&self) -> bool {
        if self.data_dir().join("postmaster.pid").exists() {
            self.pg_ctl_stop();
        }
        if self.data_dir().join("postmaster.pid").exists() {
            // The server did not go away; leave the rest to the watchdog.
            return false;
        }
        let removed = match fs::remove_dir_all(&self.dir) {
            Ok(()) => true,
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        if let (true, Some(pid)) = (removed, self.watchdog_pid) {
            // Nothing is left for it to do. It is our (unreaped) child, so
            // its pid cannot have been reused; it leads its own group, so
            // this also ends its `sleep`.
            unsafe {
                libc::kill(-(pid as libc::pid_t), libc::SIGTERM);
            }
        }
        removed
    }

    /// Starts a detached `sh` that waits for this process to go away, then
    /// stops the server and removes the directory. It lives in its own
    /// session, so a Ctrl-C or hang-up aimed at the test run does not reach
    /// it, and has no stdio, so it holds no pipe of whoever runs the tests.
    fn spawn_watchdog(&self) -> Option<u32> {
        const SCRIPT: &str = r#"
pid=$1 dir=$2 pg_ctl=$3 runuser=$4 user=$5
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
if [ -f "$dir/data/postmaster.pid" ]; then
    if [ -n "$runuser" ]; then
        "$runuser" -u "$user" -- "$pg_ctl" stop -D "$dir/data" -m immediate -w -t 10
    else
        "$pg_ctl" stop -D "$dir/data" -m immediate -w -t 10
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        pm=$(head -n 1 "$dir/data/postmaster.pid")
        [ -n "$pm" ] && kill -KILL "$pm"
    fi
fi
rm -rf "$dir"
"#;
        let (runuser, user) = match &self.run_as {
            // Without runuser but as root: pg_ctl refuses to run as root, the
            // SIGKILL fallback above then does the job.
            Some(r) => (
                r.runuser
                    .as_deref()
                    .map(Path::as_os_str)
                    .unwrap_or_default(),
                r.user.as_str(),
            ),
            None => (Default::default(), ""),
        };
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(SCRIPT)
            .arg("cdb-test-pg-watchdog")
            .arg(std::process::id().to_string())
            .arg(&self.dir)
            .arg(&self.pg_ctl)
            .arg(runuser)
            .arg(user)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        match cmd.spawn() {
            Ok(child) => Some(child.id()),
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: cannot start the PostgreSQL watchdog ({e}); \
                     {} may be left behind if this process is killed",
                    self.dir.display()
                );
                None
            }
        }
    }

    /// A command running `program` as the server's OS user.
    fn pg_command(&self, program: &Path) -> Command {
        let mut cmd = match &self.run_as {
            Some(RunAs {
                runuser: Some(runuser),
                user,
                ..
            }) => {
                let mut c = Command::new(runuser);
                c.arg("-u").arg(user).arg("--").arg(program);
                c
            }
            Some(RunAs { uid, gid, .. }) => {
                let mut c = Command::new(program);
                c.uid(*uid).gid(*gid);
                c
            }
            None => Command::new(program),
        };
        // The postgres user may not be able to enter our working directory.
        cmd.current_dir(&self.dir).stdin(Stdio::null());
        cmd
    }

    fn log_text(&self) -> String {
        fs::read_to_string(self.log_file())
            .unwrap_or_else(|e| format!("(cannot read the log: {e})"))
    }
}

/// The admin URL of the process's PostgreSQL server:
/// - if env DATABASE_URL is set, that server (never started or stopped by us);
/// - otherwise a throw-away server started once per process (initdb +
///   pg_ctl on a temp dir, 127.0.0.1, a free port, `--auth=trust`,
///   fsync=off unless env CDB_TEST_PG_FSYNC=on or [`keep_fsync`] was
///   called first), stopped and its directory removed when the process
///   exits, even if it panics or is killed;
/// - `Ok(None)` when neither is possible because no PostgreSQL binaries
///   exist (a loud message is printed to stderr).
///
/// `Err` with the server log if binaries exist but starting fails.
pub fn try_server_url() -> Result<Option<String>, String> {
    match SERVER.get_or_init(init_server) {
        Ok(Some(Server::External(url))) => Ok(Some(url.clone())),
        Ok(Some(Server::Temp(pg))) => Ok(Some(pg.admin_url.clone())),
        Ok(None) => Ok(None),
        Err(e) => Err(e.clone()),
    }
}

/// [`try_server_url`] for tests: panics when a server exists but cannot
/// be started.
pub fn available_server_url() -> Option<String> {
    try_server_url().unwrap_or_else(|e| panic!("cannot start the test PostgreSQL server: {e}"))
}

/// Keeps `fsync` (and friends) on in the throw-away server, as in
/// production. Only effective before the server is first started.
pub fn keep_fsync() {
    let _ = KEEP_FSYNC.set(true);
}

static KEEP_FSYNC: OnceLock<bool> = OnceLock::new();

/// Creates a new, empty database with a unique name on the
/// [`try_server_url`] server and returns its URL; `Ok(None)` when no server
/// is available, for the caller to report.
pub async fn try_fresh_database() -> Result<Option<String>, String> {
    // The first call may run initdb: keep that off the async worker threads.
    let admin_url = match tokio::task::spawn_blocking(try_server_url).await {
        Ok(url) => match url? {
            Some(url) => url,
            None => return Ok(None),
        },
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(format!("server_url task failed: {e}")),
    };
    let name = unique_db_name();
    let (client, connection) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
        .await
        .map_err(|e| format!("cannot connect to {admin_url}: {e}"))?;
    let conn = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .await
        .map_err(|e| format!("CREATE DATABASE {name} on {admin_url} failed: {e}"))?;
    // Close the admin connection before handing out the database.
    drop(client);
    let _ = conn.await;
    Ok(Some(with_database(&admin_url, &name)))
}

/// [`try_fresh_database`] for tests: panics when a server exists but
/// cannot be used.
pub async fn fresh_database_if_available() -> Option<String> {
    try_fresh_database()
        .await
        .unwrap_or_else(|e| panic!("cannot make a test database: {e}"))
}

fn init_server() -> Result<Option<Server>, String> {
    let external = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if let Some(url) = external {
        return Ok(Some(Server::External(url.trim().to_owned())));
    }
    let Some(bin) = find_bin_dir() else {
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPING PostgreSQL tests: no initdb found (install postgresql or set DATABASE_URL) !!!\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return Ok(None);
    };
    let server = TempPostgres::start(&bin)?;
    // Best-effort cleanup on a normal exit; the watchdog covers the rest.
    unsafe {
        libc::atexit(stop_at_exit);
    }
    Ok(Some(Server::Temp(server)))
}

extern "C" fn stop_at_exit() {
    // Must not unwind into libc.
    let _ = std::panic::catch_unwind(|| {
        if let Some(Ok(Some(Server::Temp(pg)))) = SERVER.get() {
            pg.stop();
        }
    });
}

/// `initdb` on PATH (its directory, symlinks resolved), else the highest
/// `/usr/lib/postgresql/<version>/bin`.
fn find_bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let initdb = dir.join("initdb");
            if is_executable(&initdb) {
                let real = fs::canonicalize(&initdb).unwrap_or(initdb);
                let beside = real.parent().filter(|p| is_executable(&p.join("pg_ctl")));
                if let Some(parent) = beside {
                    return Some(parent.to_path_buf());
                }
                if is_executable(&dir.join("pg_ctl")) {
                    return Some(dir);
                }
            }
        }
    }
    let mut versions: Vec<(Vec<u64>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e
                .file_name()
                .to_str()?
                .split('.')
                .map(|p| p.parse::<u64>().ok())
                .collect::<Option<Vec<_>>>()?;
            let bin = e.path().join("bin");
            is_executable(&bin.join("initdb")).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn lookup_run_as() -> Result<RunAs, String> {
    let name = CString::new(PG_OS_USER).expect("no NUL in user name");
    // SAFETY: getpwnam returns NULL or a pointer to static storage, which is
    // read immediately. It is only called here, under the OnceLock.
    let (uid, gid) = unsafe {
        let pw = libc::getpwnam(name.as_ptr());
        if pw.is_null() {
            return Err(format!(
                "running as root, but there is no '{PG_OS_USER}' user to run PostgreSQL as \
                 (initdb refuses to run as root; install postgresql or set DATABASE_URL)"
            ));
        }
        ((*pw).pw_uid, (*pw).pw_gid)
    };
    let runuser = [
        "/usr/sbin/runuser",
        "/sbin/runuser",
        "/usr/bin/runuser",
        "/bin/runuser",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| is_executable(p));
    Ok(RunAs {
        user: PG_OS_USER.to_owned(),
        uid,
        gid,
        runuser,
    })
}

/// Where to create the server's directory. The Unix socket lives in it, so
/// the path must be short (sun_path is 108 bytes), and when the server runs
/// as another user that user must be able to reach it.
fn temp_base(other_user: bool) -> PathBuf {
    let base = std::env::temp_dir();
    let short = base.as_os_str().len() <= 60;
    let reachable = !other_user || world_searchable(&base);
    if short && reachable {
        base
    } else {
        PathBuf::from("/tmp")
    }
}

fn world_searchable(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    dir.ancestors()
        .all(|d| fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))
}

fn output_text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn cstring(path: &Path) -> Result<CString, String> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes()).map_err(|_| format!("NUL in path {}", path.display()))
}

/// A path as a single-quoted postgresql.conf string body.
fn conf_quote(path: &Path) -> String {
    path.to_string_lossy()
        .replace('\\', "\\\\")
        .replace('\'', "''")
}

/// Polls until `url` accepts a connection. Runs on its own thread with its
/// own runtime, so it works whether or not the caller is inside a runtime.
fn wait_until_connectable(url: &str, timeout: Duration) -> Result<(), String> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot build a tokio runtime: {e}"))?;
        rt.block_on(async {
            let deadline = Instant::now() + timeout;
            loop {
                let err = match tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
                    Ok((client, connection)) => {
                        let conn = tokio::spawn(connection);
                        let res = client.simple_query("SELECT 1").await;
                        drop(client);
                        let _ = conn.await;
                        match res {
                            Ok(_) => return Ok(()),
                            Err(e) => e.to_string(),
                        }
                    }
                    Err(e) => e.to_string(),
                };
                if Instant::now() >= deadline {
                    return Err(format!(
                        "server at {url} not connectable after {timeout:?}: {err}"
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    })
    .join()
    .unwrap_or_else(|_| Err("the connection check panicked".to_owned()))
}

/// `cdb_test_<pid>_<process start, base 36>_<counter>`: unique within the
/// process by the counter, and across processes sharing a `DATABASE_URL`
/// server by pid + start time.
fn unique_db_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static STARTED: OnceLock<u64> = OnceLock::new();
    let started = *STARTED.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("cdb_test_{}_{}_{n}", std::process::id(), base36(started))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// `url` with its database name replaced by `db`. Handles
/// `postgres[ql]://user@host:port/db?params` URLs and libpq
/// `key=value` strings.
fn with_database(url: &str, db: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        // key=value form: a later key wins.
        return format!("{url} dbname={db}");
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_end = rest
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| rest_start + i);
    let tail = &url[authority_end..];
    let query = tail.find(['?', '#']).map_or("", |i| &tail[i..]);
    format!("{}/{db}{query}", &url[..authority_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u@h/db?sslmode=disable", "x"),
            "postgresql://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h:1", "x"), "postgres://u@h:1/x");
        assert_eq!(
            with_database("postgres://u@h:1?application_name=a", "x"),
            "postgres://u@h:1/x?application_name=a"
        );
        assert_eq!(
            with_database("host=h user=u dbname=d", "x"),
            "host=h user=u dbname=d dbname=x"
        );
    }

    #[test]
    fn names_are_unique() {
        assert_ne!(unique_db_name(), unique_db_name());
        assert_eq!(base36(0), "0");
        assert_eq!(base36(36), "10");
    }
}
