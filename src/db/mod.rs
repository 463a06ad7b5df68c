//! Database access: the [`AnyConnection`] over SQLite and PostgreSQL, the connection pool,
//! migrations, and [`Db`], the handle handlers use to run diesel code off the actix workers.

pub mod changelog;
pub mod events;
mod fixups;
pub mod head_cache;
mod migrate;
pub mod outbox;
pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::CustomizeConnection;

use crate::error::{AppError, AppResult};

pub use changelog::{
    Change, EntityKind, Logged, Op, write_with_changes, write_with_changes_if_any,
};
pub use migrate::{
    applied_version, knows_version, latest_version, migrate_until, pending_versions, run_migrations,
};

/// One connection type for both backends (DESIGN.md). SQLite comes last because its
/// `establish` accepts any string as a path.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

impl AnyConnection {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, AnyConnection::Sqlite(_))
    }
}

/// Runs one diesel expression on whichever backend `conn` is. For the few statements the
/// multi-backend connection cannot build — `ON CONFLICT` above all, which makes an
/// insert-or-get safe under concurrent writers — the expression is compiled once per backend.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Postgresql($c) => $body,
            $crate::db::AnyConnection::Sqlite($c) => $body,
        }
    };
}

pub type Pool = r2d2::Pool<Manager>;

/// Opens pooled connections with [`DbTarget::establish`]. diesel's own manager opens a
/// multi-backend connection by trying every backend, so an unreachable PostgreSQL was logged
/// as "Invalid connection url"; this one says which database could not be reached and why.
#[derive(Debug)]
pub struct Manager(std::sync::Arc<DbTarget>);

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        self.0.establish().map_err(|e| {
            diesel::r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(e))
        })
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        diesel::r2d2::R2D2Connection::ping(conn).map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Where the data lives, decided once from `--database-url` / `--data-dir`.
#[derive(Debug, Clone)]
pub enum DbTarget {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl DbTarget {
    /// A URL is PostgreSQL when it says so; anything else is refused rather than being taken
    /// for a SQLite path, so a typo in `--database-url` cannot silently create a new database.
    pub fn from_settings(database_url: Option<&str>, data_dir: &Path) -> Result<Self, String> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DbTarget::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite://") => Ok(DbTarget::Sqlite(
                std::path::PathBuf::from(url.trim_start_matches("sqlite://")),
            )),
            Some(url) => Err(format!(
                "unsupported database URL {:?}: use postgres://user:password@host/db, or leave it out to use SQLite in the data dir",
                redact_url(url)
            )),
            None => Ok(DbTarget::Sqlite(data_dir.join("fika.db"))),
        }
    }

    /// Opens one connection of the right kind, with fika's settings applied.
    pub fn establish(&self) -> Result<AnyConnection, String> {
        let mut conn = match self {
            DbTarget::Sqlite(p) => diesel::SqliteConnection::establish(&p.to_string_lossy())
                .map(AnyConnection::Sqlite)
                .map_err(|e| format!("cannot open SQLite database {}: {e}", p.display()))?,
            DbTarget::Postgres(u) => diesel::PgConnection::establish(u)
                .map(AnyConnection::Postgresql)
                .map_err(|e| {
                    format!(
                        "cannot connect to PostgreSQL at {}: {}",
                        redact_url(u),
                        e.to_string().trim()
                    )
                })?,
        };
        ConnectionSettings
            .on_acquire(&mut conn)
            .map_err(|e| format!("cannot configure database connection: {e}"))?;
        Ok(conn)
    }

    pub fn describe(&self) -> String {
        match self {
            DbTarget::Sqlite(p) => format!("SQLite {}", p.display()),
            DbTarget::Postgres(u) => format!("PostgreSQL {}", redact_url(u)),
        }
    }
}

/// Hides the password of a connection URL before it reaches a log or a message.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Applied to every pooled connection. SQLite gets WAL (readers never block the writer, and a
/// CLI command can work next to a running server), foreign keys, a busy timeout instead of
/// instant "database is locked" errors, and synchronous=FULL so an answered write survives
/// power loss, not only a process crash.
#[derive(Debug, Clone, Copy)]
struct ConnectionSettings;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for ConnectionSettings {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        let sql = match conn {
            AnyConnection::Sqlite(_) => {
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
            }
            AnyConnection::Postgresql(_) => "SET TIME ZONE 'UTC';",
        };
        conn.batch_execute(sql)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The shared handle to the database. Cloning is cheap.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    target: std::sync::Arc<DbTarget>,
    /// One permit per pooled connection. Requests queue here, in arrival order, before they
    /// take a blocking thread: r2d2's own wait is not fair, and under load some requests
    /// would starve for hundreds of milliseconds while others overtook them.
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Requests queued for a permit just now, for `/metrics`.
    waiting: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Db {
    /// Opens the pool, failing fast (with a readable message) when the database is unreachable.
    pub fn open(target: DbTarget, max_size: u32) -> Result<Self, String> {
        if let DbTarget::Sqlite(path) = &target
            && let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))?;
        }
        // One connection first, so that a bad URL or an unwritable file gives its own error
        // instead of r2d2's generic timeout.
        drop(target.establish()?);
        let target = std::sync::Arc::new(target);
        let manager = Manager(target.clone());
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            // A PostgreSQL connection can die with its server or the network, so it is
            // checked before each use; a SQLite connection is a file handle that cannot, and
            // checking it would cost every request a statement prepared from scratch.
            .test_on_check_out(matches!(*target, DbTarget::Postgres(_)))
            .build(manager)
            .map_err(|e| format!("cannot open database pool: {e}"))?;
        Ok(Db {
            pool,
            target,
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(max_size as usize)),
            waiting: Default::default(),
        })
    }

    pub fn target(&self) -> &DbTarget {
        &self.target
    }

    /// A connection for code that already runs on a blocking thread (CLI, start-up).
    pub fn conn(&self) -> AppResult<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// A connection of its own, outside the pool, for a long-lived thread (the search
    /// indexer) that must not take a pooled connection away from requests.
    pub fn dedicated(&self) -> AppResult<AnyConnection> {
        self.target.establish().map_err(AppError::internal)
    }

    /// Runs diesel code on the blocking thread pool, never on an actix worker.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
    {
        let _permit = self.permit().await?;
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    async fn permit(&self) -> AppResult<tokio::sync::SemaphorePermit<'_>> {
        use std::sync::atomic::Ordering::Relaxed;
        // Counted down by a guard: a request whose client went away is dropped mid-wait.
        struct Waiting<'a>(&'a std::sync::atomic::AtomicI64);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Relaxed);
            }
        }
        self.waiting.fetch_add(1, Relaxed);
        let _waiting = Waiting(&self.waiting);
        self.permits
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable("database pool closed".into()))
    }

    /// The pool just now: connections in use and idle, and requests waiting for one.
    pub fn pool_use(&self) -> crate::metrics::PoolUse {
        let state = self.pool.state();
        crate::metrics::PoolUse {
            in_use: i64::from(state.connections - state.idle_connections),
            idle: i64::from(state.idle_connections),
            waiting: self.waiting.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Checks that the database answers, within `timeout`; used by `/healthz`.
    pub async fn ping(&self, timeout: Duration) -> AppResult<()> {
        let _permit = tokio::time::timeout(timeout, self.permit())
            .await
            .map_err(|_| AppError::Unavailable("database pool busy".into()))??;
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool
                .get_timeout(timeout)
                .map_err(|e| AppError::Unavailable(e.to_string()))?;
            conn.batch_execute("SELECT 1")
                .map_err(|e| AppError::Unavailable(e.to_string()))
        })
        .await?
    }
}

/// Runs `f` in a write transaction, committing on `Ok` and rolling back on `Err`. Inside a
/// transaction that is already open, `f` simply joins it, so several writes (a whole import,
/// the demo) can be made atomic by one outer call.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up front
/// (waiting under `busy_timeout`) instead of failing with SQLITE_BUSY when a read transaction
/// later tries to upgrade.
pub fn write_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    type Manager = <AnyConnection as Connection>::TransactionManager;
    if Manager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some()
    {
        return f(conn);
    }
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(c) => <AnsiTransactionManager as TransactionManager<
            diesel::PgConnection,
        >>::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Runs `f` in a write transaction that is always rolled back: a dry run of real writes, so a
/// preview reports exactly what the real run would do.
pub fn dry_run<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    let mut kept = None;
    let outcome = write_transaction(conn, |conn| {
        kept = Some(f(conn)?);
        Err::<(), _>(AppError::Internal("dry run: rolled back on purpose".into()))
    });
    match (kept, outcome) {
        (Some(value), Err(AppError::Internal(_))) => Ok(value),
        (_, Err(e)) => Err(e),
        (_, Ok(())) => Err(AppError::internal("a dry run was committed")),
    }
}

/// Takes a PostgreSQL advisory lock held until the current transaction ends, serialising
/// writers that must not interleave (e.g. a check followed by an insert). On SQLite, whose
/// write transactions are already serialised by `BEGIN IMMEDIATE`, it does nothing.
pub fn lock_for_transaction(conn: &mut AnyConnection, key: i64) -> AppResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({key})")).execute(c)?;
    }
    Ok(())
}

/// This installation's lasting name (`site_meta.site_id`, made by its migration).
pub fn site_id(conn: &mut AnyConnection) -> AppResult<String> {
    use schema::site_meta;
    Ok(site_meta::table
        .find("site_id")
        .select(site_meta::value)
        .first(conn)?)
}

/// A value of this installation's own bookkeeping (`site_meta`), if set.
pub fn site_meta(conn: &mut AnyConnection, key: &str) -> AppResult<Option<String>> {
    use schema::site_meta;
    Ok(site_meta::table
        .find(key)
        .select(site_meta::value)
        .first(conn)
        .optional()?)
}

/// A secret of this installation kept in `site_meta` under `key`: made once, at random, by
/// whichever instance asks first; every instance then reads the same one.
pub fn site_secret(conn: &mut AnyConnection, key: &str) -> AppResult<String> {
    use rand::Rng;
    use schema::site_meta;
    let fresh: String = (0..32)
        .map(|_| format!("{:02x}", rand::rng().random::<u8>()))
        .collect();
    crate::per_backend!(conn, |c| diesel::insert_into(site_meta::table)
        .values((site_meta::key.eq(key), site_meta::value.eq(&fresh)))
        .on_conflict_do_nothing()
        .execute(c))?;
    site_meta(conn, key)?.ok_or_else(|| AppError::internal("a site secret went missing"))
}

/// Sets a `site_meta` value. Bookkeeping, not content: not in the change log.
pub fn set_site_meta(conn: &mut AnyConnection, key: &str, value: &str) -> AppResult<()> {
    use schema::site_meta;
    crate::per_backend!(conn, |c| diesel::insert_into(site_meta::table)
        .values((site_meta::key.eq(key), site_meta::value.eq(value)))
        .on_conflict(site_meta::key)
        .do_update()
        .set(site_meta::value.eq(value))
        .execute(c))?;
    Ok(())
}

/// Advisory lock keys, one per purpose, in one place so they cannot collide.
pub mod locks {
    /// Serialises change-log appends so ids commit in order.
    pub const CHANGE_LOG: i64 = 0x66_69_6b_61_6c_6f_67; // "fikalog"
    /// Serialises the sign-in throttle's check-and-record.
    pub const SIGN_IN: i64 = 0x66_69_6b_61_73_69_6e; // "fikasin"
    /// Serialises membership changes, whose rules read the unit's other memberships.
    pub const MEMBERSHIPS: i64 = 0x66_69_6b_61_6d_65_6d; // "fikamem"
    /// Serialises career-step role changes: the catalogue's company-level flag against
    /// assignments of that role.
    pub const STEP_ROLES: i64 = 0x66_69_6b_61_72_6f_6c; // "fikarol"
    /// Makes "load the demo if the database is empty" one step across instances.
    pub const DEMO: i64 = 0x66_69_6b_61_64_65_6d; // "fikadem"
}

/// Background threads still at work; [`stop_background`] waits for them.
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Set when fika stops: background threads end after the step they are in.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `body`, a background thread's loop, counted among those [`stop_background`] waits
/// for. The loop asks [`stopping`] between steps and ends when it says so.
pub fn background(body: impl FnOnce()) {
    use std::sync::atomic::Ordering;
    RUNNING.fetch_add(1, Ordering::SeqCst);
    body();
    RUNNING.fetch_sub(1, Ordering::SeqCst);
}

/// Whether fika is stopping.
pub fn stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::SeqCst)
}

/// Sleeps `pause`, waking early when fika stops.
pub fn pause(pause: Duration) {
    let until = std::time::Instant::now() + pause;
    while !stopping() {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

/// Tells the background threads to stop and waits, at most `bound`, for those in a step to
/// finish it (the indexer its commit, a sender its batch's results); how many were still
/// working when the wait ended.
pub fn stop_background(bound: Duration) -> usize {
    use std::sync::atomic::Ordering;
    STOPPING.store(true, Ordering::SeqCst);
    let until = std::time::Instant::now() + bound;
    while RUNNING.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    RUNNING.load(Ordering::SeqCst)
}

/// Starts a background worker on its own thread with its own connection: `step` runs again
/// at once while it finds work (it returns how much it did), after `idle` when it found none,
/// and after a pause when it failed or panicked (with a new connection, since the old one may
/// be what failed). The notification dispatcher and the mail sender are such workers.
pub fn worker(
    name: &str,
    db: Db,
    idle: Duration,
    mut step: impl FnMut(&mut AnyConnection) -> AppResult<usize> + Send + 'static,
) -> Result<(), String> {
    let what = name.to_string();
    std::thread::Builder::new()
        .name(format!("fika-{name}"))
        .spawn(move || background(|| {
            let mut conn: Option<AnyConnection> = None;
            while !stopping() {
                let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let c = match &mut conn {
                        Some(c) => c,
                        None => conn.insert(db.dedicated()?),
                    };
                    step(c)
                }));
                let pause = match done {
                    Ok(Ok(0)) => idle,
                    Ok(Ok(_)) => Duration::ZERO,
                    Ok(Err(e)) => {
                        tracing::warn!(worker = %what, error = %e, "background work will retry");
                        conn = None;
                        Duration::from_secs(2)
                    }
                    Err(_) => {
                        tracing::error!(worker = %what, "background work panicked; it will retry");
                        conn = None;
                        Duration::from_secs(2)
                    }
                };
                self::pause(pause);
            }
        }))
        .map(|_| ())
        .map_err(|e| format!("cannot start the {name} worker: {e}"))
}
