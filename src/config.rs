//! Settings from command-line flags and `FIKA_*` environment variables (clap reads both).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use crate::db::DbTarget;

/// Where the data lives: shared by every command that touches data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory for fika's data: the SQLite database (fika.db) and, later, the search index.
    #[arg(
        long,
        env = "FIKA_DATA_DIR",
        default_value = "./fika-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user:password@host/db). Without it fika uses SQLite in the
    /// data dir.
    #[arg(
        long,
        env = "FIKA_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

impl DataArgs {
    /// Creates the data dir if needed and checks that it is writable, then names the database.
    pub fn prepare(&self) -> Result<DbTarget, String> {
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", self.data_dir.display()))?;
        let probe = self.data_dir.join(".fika-write-test");
        std::fs::write(&probe, b"ok")
            .and_then(|_| std::fs::remove_file(&probe))
            .map_err(|e| format!("data dir {} is not writable: {e}", self.data_dir.display()))?;
        DbTarget::from_settings(self.database_url.as_deref(), &self.data_dir)
    }
}

/// `fika serve` flags.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the log line says which).
    #[arg(
        long,
        env = "FIKA_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub data: DataArgs,

    /// Fill an empty database with the demo organization and print the demo sign-in.
    #[arg(long, env = "FIKA_DEMO")]
    pub demo: bool,

    /// Let visitors who are not signed in read (never write).
    #[arg(long, env = "FIKA_PUBLIC_READ")]
    pub public_read: bool,

    /// Database connections in the pool. More than the database's cores rarely helps: a
    /// small pool with a fair queue in front keeps tail latency low.
    #[arg(long, env = "FIKA_DB_POOL", default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub db_pool: u32,

    /// Worker threads for HTTP (default: one per core).
    #[arg(long, env = "FIKA_WORKERS", value_name = "N")]
    pub workers: Option<usize>,
}

/// What the running app needs to know of its settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub public_read: bool,
    /// Mark cookies `Secure` (set `FIKA_COOKIE_SECURE=1` when fika is served over HTTPS).
    pub cookie_secure: bool,
    /// Take the client address from `X-Forwarded-For`/`Forwarded` (`FIKA_TRUSTED_PROXY=1`),
    /// for sign-in throttling behind a reverse proxy. Off by default: the header is
    /// client-controlled when no proxy sets it.
    pub trust_proxy: bool,
}

fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
        .unwrap_or(false)
}

impl Settings {
    pub fn from_env(public_read: bool) -> Self {
        Settings {
            public_read,
            cookie_secure: env_flag("FIKA_COOKIE_SECURE"),
            trust_proxy: env_flag("FIKA_TRUSTED_PROXY"),
        }
    }
}
