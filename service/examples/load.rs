//! A small load client for `POST /recommend` on loopback: fires N requests with C in flight,
//! checks every answer, and prints requests/s and latency percentiles.
//!
//! ```text
//! cargo run --release -p hcc-pathways-service --example load -- [--requests N] [--concurrency C]
//!     [--addr 127.0.0.1:PORT] [--case FILE]
//! ```
//!
//! Without `--addr` it starts the service in-process on an ephemeral loopback port (no request
//! logs), so client and server share the machine's cores. With `--addr` it loads a running
//! service, which must be on a loopback address. The run is bounded: at most 1,000,000 requests
//! and 300 s.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use hcc_pathways_service::{serve, Config};
use reqwest::header::CONTENT_TYPE;
use tokio::sync::Semaphore;

const MAX_REQUESTS: usize = 1_000_000;
const DEADLINE: Duration = Duration::from_secs(300);

struct Args {
    requests: usize,
    concurrency: usize,
    addr: Option<SocketAddr>,
    case: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        requests: 20_000,
        concurrency: 64,
        addr: None,
        case: root.join("examples/cases/r5_single_small_nodule.json"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--requests" => args.requests = number()?.clamp(1, MAX_REQUESTS),
            "--concurrency" => args.concurrency = number()?.clamp(1, 4096),
            "--addr" => {
                let addr: SocketAddr = value.parse().map_err(|e| format!("--addr: {e}"))?;
                if !addr.ip().is_loopback() {
                    return Err(format!("--addr {addr} is not a loopback address"));
                }
                args.addr = Some(addr);
            }
            "--case" => args.case = PathBuf::from(value),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    let case = std::fs::read_to_string(&args.case).map_err(|e| format!("{e}"))?;
    let body = format!("{{\"case\": {case}}}");

    let (addr, _stop) = match args.addr {
        Some(addr) => (addr, None),
        None => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(serve(listener, Config::default(), async move {
                let _ = stopped.await;
            }));
            (addr, Some(stop))
        }
    };
    let url = format!("http://{addr}/recommend");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .map_err(|e| e.to_string())?;

    // The reference answer, and a warm-up of one request per connection.
    let reference = post(&client, &url, &body).await?;
    let warm: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            tokio::spawn(async move { post(&client, &url, &body).await })
        })
        .collect();
    for w in warm {
        w.await.map_err(|e| e.to_string())??;
    }

    let gate = Arc::new(Semaphore::new(args.concurrency));
    let reference = Arc::new(reference);
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.requests)
        .map(|_| {
            let (client, url, body) = (client.clone(), url.clone(), body.clone());
            let (gate, reference) = (gate.clone(), reference.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
                let t = Instant::now();
                let answer = post(&client, &url, &body).await?;
                let latency = t.elapsed();
                if answer != *reference {
                    return Err("an answer differs from the reference".to_owned());
                }
                Ok::<Duration, String>(latency)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(args.requests);
    let collect = async {
        for t in tasks {
            latencies.push(t.await.map_err(|e| e.to_string())??);
        }
        Ok::<(), String>(())
    };
    tokio::time::timeout(DEADLINE, collect)
        .await
        .map_err(|_| format!("the run exceeded {} s", DEADLINE.as_secs()))??;
    let wall = started.elapsed();

    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1e3
    };
    println!(
        "POST /recommend on {addr} ({}): {} requests, {} in flight, all {} answers correct",
        if args.addr.is_some() {
            "external server"
        } else {
            "in-process server"
        },
        args.requests,
        args.concurrency,
        latencies.len(),
    );
    println!(
        "{:.0} requests/s over {:.2} s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.requests as f64 / wall.as_secs_f64(),
        wall.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
    );
    Ok(())
}

async fn post(client: &reqwest::Client, url: &str, body: &str) -> Result<Bytes, String> {
    let resp = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "status {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(bytes)
}
