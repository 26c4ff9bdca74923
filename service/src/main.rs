//! `hcc-pathways-service`: serves the HTTP API on `--addr` (or `HCC_PATHWAYS_ADDR`, default
//! `127.0.0.1:8080`), writing one JSON log line per request to standard output.
//!
//! ```text
//! hcc-pathways-service [--addr HOST:PORT] [--policy FILE] [--log text|json]
//! ```
//!
//! `--policy` sets the policy used when a request gives none (a centre's thresholds); the log
//! level follows `RUST_LOG` (default `info`). Stops cleanly on Ctrl-C or SIGTERM.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use hcc_pathways::Policy;
use hcc_pathways_service::{serve, Config, DEFAULT_ADDR};
use tracing_subscriber::EnvFilter;

const USAGE: &str =
    "usage: hcc-pathways-service [--addr HOST:PORT] [--policy FILE] [--log text|json]
  --addr    address to listen on (default: $HCC_PATHWAYS_ADDR, else 127.0.0.1:8080)
  --policy  policy JSON used when a request gives none (default: the library's)
  --log     log format (default: json); level from RUST_LOG (default: info)";

struct Args {
    addr: String,
    policy: Option<String>,
    json_logs: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: std::env::var("HCC_PATHWAYS_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_owned()),
        policy: None,
        json_logs: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => args.addr = value("--addr")?,
            "--policy" => args.policy = Some(value("--policy")?),
            "--log" => {
                args.json_logs = match value("--log")?.as_str() {
                    "json" => true,
                    "text" => false,
                    other => return Err(format!("--log must be text or json, not `{other}`")),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if args.json_logs {
        logs.json().init();
    } else {
        logs.init();
    }

    let mut config = Config::default();
    if let Some(path) = &args.policy {
        let policy = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| Policy::from_json(&text).map_err(|e| e.to_string()));
        match policy {
            Ok(p) => config.policy = p,
            Err(e) => {
                eprintln!("error: policy {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(&args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .map_or(args.addr.clone(), |a| a.to_string());
    tracing::info!(addr = %local, "hcc-pathways-service listening");
    match serve(listener, config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
