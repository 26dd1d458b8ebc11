//! The HTTP baseline: nginx (one worker process, keep-alive, no access log)
//! serving files of the same sizes as the server's answers, started from
//! the system's nginx binary on a free port and stopped when dropped.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    root: PathBuf,
}

/// Where nginx is, if installed.
fn binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("nginx"))
            .find(|candidate| candidate.is_file())
    });
    on_path.or_else(|| {
        [
            "/usr/sbin/nginx",
            "/usr/local/sbin/nginx",
            "/usr/local/nginx/sbin/nginx",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|candidate| candidate.is_file())
    })
}

pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port: {e}"))
}

impl Nginx {
    /// Starts nginx in `dir` (its configuration, logs and the files it serves).
    pub fn start(dir: &Path) -> Result<Nginx, String> {
        let binary = binary().ok_or(
            "nginx is not installed (the HTTP baseline): install it, e.g. `apt-get install nginx-light`",
        )?;
        let root = dir.join("www");
        std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        let port = free_port()?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        // One process (no master), so nginx runs as the current user and
        // can read the scratch directory; one worker, as measured in the issue.
        let config = format!(
            "master_process off;\ndaemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\n\
             error_log {dir}/error.log warn;\nevents {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  keepalive_requests 1000000;\n  keepalive_timeout 120s;\n\
             default_type application/json;\n  client_body_temp_path {dir}/body;\n\
             proxy_temp_path {dir}/proxy;\n  fastcgi_temp_path {dir}/fastcgi;\n\
             uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port};\n    root {root};\n  }}\n}}\n",
            dir = dir.display(),
            root = root.display(),
        );
        let config_file = dir.join("nginx.conf");
        std::fs::write(&config_file, config)
            .map_err(|e| format!("{}: {e}", config_file.display()))?;
        let child = Command::new(&binary)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&config_file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut nginx = Nginx { child, addr, root };
        nginx.wait_until_listening(dir)?;
        Ok(nginx)
    }

    fn wait_until_listening(&mut self, dir: &Path) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(self.addr).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}): {log}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err("nginx did not start listening within 10 s".into())
    }

    /// Serves `bytes` at `/{name}`.
    pub fn serve(&self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let path = self.root.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(format!("/{name}"))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
