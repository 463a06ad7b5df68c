//! The command line (a contract: scripts and docs depend on these names). Each command parses
//! its flags, opens the database and calls the feature code; errors become one line on stderr
//! and a non-zero exit.

use clap::{Parser, Subcommand};

use crate::config::{DataArgs, ServeArgs, Settings};
use crate::db::{Db, run_migrations};

mod blameless;
pub use blameless::BlamelessCommand;
mod check;
mod database;
mod healthcheck;

#[derive(Debug, Parser)]
#[command(
    name = "fika",
    version,
    about = "fika — the organizational knowledge and team-structure wiki"
)]
pub struct Cli {
    /// What to log, as a tracing filter: `info` (the default), `warn`, `fika=debug`, …
    #[arg(long, global = true, env = "FIKA_LOG", value_name = "FILTER")]
    pub log: Option<String>,

    /// How log lines are written: `text` for people, `json` (one object a line) for a log
    /// collector.
    #[arg(long, global = true, env = "FIKA_LOG_FORMAT", value_name = "FORMAT",
          default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DataArgs),
    /// Check the settings `fika serve` would run with, and what they point to: the data
    /// dir, the database and its migrations, the search index and its lag, the public URL,
    /// the SMTP server. Changes nothing; exits non-zero when something is wrong.
    Check(Box<ServeArgs>),
    /// Ask a running fika whether it is healthy (GET /healthz); exits 0 when it answers 200.
    /// For a container's HEALTHCHECK and for scripts.
    Healthcheck {
        /// Where fika listens; an address on every interface (0.0.0.0:8080) is asked on
        /// loopback.
        #[arg(
            long,
            env = "FIKA_ADDR",
            default_value = "127.0.0.1:8080",
            value_name = "HOST:PORT"
        )]
        addr: std::net::SocketAddr,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Add generated data for benchmarks and trials.
    Seed {
        /// Add a generated org of N people (tribes of up to 150, squads of 6–12).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        people: Option<u32>,
        /// Generated lessons, filed under the units and written by the people that exist.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        lessons: Option<u32>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Rebuild the search index from the database (stop `fika serve` first; a running
    /// server rebuilds a missing or broken index by itself).
    Reindex(DataArgs),
    /// Write a backup of all of fika's data to FILE ("-" for standard output): one consistent
    /// snapshot, safe to take while fika serves and writes, that restores into either backend.
    Backup {
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Restore a backup into an empty data dir or database (either backend), bring it up to
    /// this fika's schema and rebuild the search index. A damaged file changes nothing.
    Restore {
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Import org data from other tools.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export org data for other tools.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The blameless-language check on its own.
    Blameless {
        #[command(subcommand)]
        command: BlamelessCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import Backstage catalog YAML (Group and User entities; multi-document files). One bad
    /// document rolls back the whole import; importing the same files again changes nothing.
    /// An entity in another namespace is another entity: `user:development/guest` becomes the
    /// person `development-guest`. A group whose type maps to no kind is skipped, and a squad,
    /// chapter or trio below it goes into its nearest tribe ancestor; the report says so.
    Backstage {
        /// Catalog files (.yaml).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<std::path::PathBuf>,
        /// Print what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Map another Group spec.type to a kind, e.g. --map department=tribe (repeatable).
        #[arg(long = "map", value_name = "TYPE=KIND", value_parser = crate::org::backstage::import::parse_mapping)]
        map: Vec<(String, crate::org::unit::UnitKind)>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every page and lesson as Markdown with YAML front matter into DIR/pages and
    /// DIR/lessons, and every uploaded image into DIR/images (linked relatively).
    Markdown {
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
        /// Turn wikilinks and links to fika's pages and lessons into relative links between
        /// the files, for static-site tools.
        #[arg(long)]
        relative_links: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write the org as Backstage catalog YAML, valid against Backstage's schema (it imports
    /// back to the same org, membership history and original group types included).
    Backstage {
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person who can sign in. The password comes from FIKA_PASSWORD or standard input.
    Add {
        username: String,
        /// Full name, as people see it.
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// Make the new user an administrator.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set a user's password (from FIKA_PASSWORD or standard input); signs out their sessions.
    Passwd {
        username: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print a new personal API token for a user (or list or revoke their tokens).
    Token {
        username: String,
        /// A label that says what the token is for.
        #[arg(long, value_name = "LABEL", conflicts_with_all = ["list", "revoke"])]
        name: Option<String>,
        /// What the token may do: read, write or admin (administrators only). Default: all
        /// the person may (admin for an administrator, else write), as tokens always could.
        #[arg(long, value_name = "SCOPE", conflicts_with_all = ["list", "revoke"])]
        scope: Option<String>,
        /// Days until the token expires (default: never).
        #[arg(long, value_name = "DAYS", conflicts_with_all = ["list", "revoke"])]
        expires_days: Option<i64>,
        /// List the user's tokens (id, status, dates, label) instead of creating one.
        #[arg(long, conflicts_with = "revoke")]
        list: bool,
        /// Revoke the user's token with this id (see --list).
        #[arg(long, value_name = "ID")]
        revoke: Option<i64>,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// Opens the database named by `data` and brings its schema up to date.
fn open(data: &DataArgs, pool_size: u32) -> Result<Db, String> {
    let target = data.prepare()?;
    let db = Db::open(target, pool_size)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    let applied = run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(db)
}

fn with_conn<T>(
    data: &DataArgs,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> Result<T, String>,
) -> Result<T, String> {
    let db = open(data, 1)?;
    let mut conn = db.conn().map_err(|e| e.to_string())?;
    f(&mut conn)
}

pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Check(args) => check::run(&args),
        Command::Healthcheck { addr } => healthcheck::run(addr),
        Command::Migrate(data) => {
            let db = open(&data, 1)?;
            println!("database is up to date ({})", db.target().describe());
            Ok(())
        }
        Command::Seed {
            people,
            lessons,
            data,
        } => seed(people, lessons, &data),
        Command::Reindex(data) => database::reindex(&data),
        Command::Backup { file, data } => database::backup(&file, &data),
        Command::Restore { file, data } => database::restore(&file, &data),
        Command::Import {
            command:
                ImportCommand::Backstage {
                    files,
                    dry_run,
                    map,
                    data,
                },
        } => import_backstage(&files, dry_run, map, &data),
        Command::Export {
            command: ExportCommand::Backstage { out, data },
        } => export_backstage(out.as_deref(), &data),
        Command::Export {
            command:
                ExportCommand::Markdown {
                    dir,
                    relative_links,
                    data,
                },
        } => export_markdown(&dir, relative_links, &data),
        Command::User { command } => user(command),
        Command::Blameless { command } => blameless::run_command(command),
    }
}

/// `fika seed`: generated people and lessons, for trying fika at scale.
fn seed(people: Option<u32>, lessons: Option<u32>, data: &DataArgs) -> Result<(), String> {
    if people.is_none() && lessons.is_none() {
        return Err("say what to seed, e.g. fika seed --people 5000 --lessons 100000".into());
    }
    let show = std::io::IsTerminal::is_terminal(&std::io::stderr());
    with_conn(data, |c| {
        if let Some(n) = people {
            let start = std::time::Instant::now();
            let seeded =
                crate::org::seed::seed_people(c, n as usize, show).map_err(|e| e.to_string())?;
            let secs = start.elapsed().as_secs_f64();
            println!(
                "seeded {} people in {} tribes and {} squads in {secs:.1} s ({:.0} people/s)",
                seeded.people,
                seeded.tribes,
                seeded.squads,
                seeded.people as f64 / secs.max(0.001)
            );
        }
        if let Some(n) = lessons {
            let start = std::time::Instant::now();
            let made = crate::lessons::seed::seed_lessons(c, n as usize, show)
                .map_err(|e| e.to_string())?;
            let secs = start.elapsed().as_secs_f64();
            println!(
                "seeded {made} lessons in {secs:.1} s ({:.0} lessons/s)",
                made as f64 / secs.max(0.001)
            );
        }
        Ok(())
    })
}

/// `fika export markdown`: every page and lesson as files.
fn export_markdown(
    dir: &std::path::Path,
    relative_links: bool,
    data: &DataArgs,
) -> Result<(), String> {
    let options = crate::export::Options { relative_links };
    let w = with_conn(data, |c| crate::export::export(c, dir, options))?;
    println!(
        "wrote {} pages and {} lessons to {}, with {} images",
        w.pages,
        w.lessons,
        dir.display(),
        w.images
    );
    Ok(())
}

/// `fika user`: people and their API tokens, for the first admin and for scripts.
fn user(command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add {
            username,
            name,
            email,
            admin,
            data,
        } => with_conn(&data, |c| {
            crate::auth::cli::add(c, &username, &name, email.as_deref(), admin)
        }),
        UserCommand::Passwd { username, data } => {
            with_conn(&data, |c| crate::auth::cli::passwd(c, &username))
        }
        UserCommand::Token {
            username,
            name,
            scope,
            expires_days,
            list,
            revoke,
            data,
        } => {
            use crate::auth::cli::TokenAction;
            let action = match (list, revoke) {
                (true, _) => TokenAction::List,
                (_, Some(id)) => TokenAction::Revoke { id },
                _ => TokenAction::Create {
                    label: name.as_deref(),
                    scope: scope.as_deref(),
                    days: expires_days,
                },
            };
            with_conn(&data, |c| crate::auth::cli::token(c, &username, action))
        }
    }
}

fn import_backstage(
    files: &[std::path::PathBuf],
    dry_run: bool,
    map: Vec<(String, crate::org::unit::UnitKind)>,
    data: &DataArgs,
) -> Result<(), String> {
    use crate::org::backstage::import::{Options, Source, import};
    let mut sources = Vec::new();
    for f in files {
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        sources.push(Source {
            name: f.display().to_string(),
            text,
        });
    }
    let report = with_conn(data, |c| {
        import(c, None, &sources, &Options { dry_run, map }).map_err(|e| e.to_string())
    })?;
    for line in &report.actions {
        println!("{line}");
    }
    for line in &report.skipped {
        println!("skipped: {line}");
    }
    println!("{}", report.summary());
    Ok(())
}

fn export_backstage(out: Option<&std::path::Path>, data: &DataArgs) -> Result<(), String> {
    let yaml = with_conn(data, |c| {
        crate::org::backstage::export::export(c).map_err(|e| e.to_string())
    })?;
    match out {
        None => {
            print!("{yaml}");
            Ok(())
        }
        Some(path) => crate::files::write_bytes(path, yaml.as_bytes()),
    }
}

/// Starts the notification dispatcher and, with mail on, the mail sender.
fn start_notifications(
    state: &crate::state::AppState,
    mail: Option<&crate::mail::MailSettings>,
    mailer: Option<crate::mail::Mailer>,
    hooks: Option<crate::webhooks::send::WebhookSettings>,
) -> Result<(), String> {
    if let Some(h) = &hooks {
        let mut conn = state.db.conn().map_err(|e| e.to_string())?;
        crate::db::set_site_meta(&mut conn, crate::webhooks::repo::ORIGIN_KEY, &h.origin)
            .map_err(|e| format!("cannot record the public URL: {e}"))?;
        crate::webhooks::send::spawn(state.db.clone(), h.clone())?;
    }
    use crate::notify::letters::{MailContext, SECRET_KEY};
    let db = &state.db;
    let context = match mail {
        Some(m) => {
            let mut conn = db.conn().map_err(|e| e.to_string())?;
            let secret = crate::db::site_secret(&mut conn, SECRET_KEY)
                .map_err(|e| format!("cannot read the mail secret: {e}"))?;
            tracing::info!(host = %m.host, port = m.port, "mail is on");
            Some(MailContext {
                origin: m.origin.clone(),
                secret,
            })
        }
        None => None,
    };
    let hooks = hooks.map(|h| h.origin.clone());
    crate::notify::dispatch::spawn(db.clone(), context.clone(), hooks)?;
    match (mailer, context) {
        (Some(mailer), Some(ctx)) => {
            let commentables = state
                .part::<crate::comments::flow::Commentables>()
                .map_err(|e| e.to_string())?;
            let site = state.settings.site_id.clone();
            crate::notify::outbox::spawn(db.clone(), mailer, site, ctx, commentables)
        }
        _ => Ok(()),
    }
}

/// Webhooks are on when fika knows its public address: their links must be absolute.
fn webhook_settings(args: &ServeArgs) -> Option<crate::webhooks::send::WebhookSettings> {
    let origin = args.public_url.as_ref()?.origin().to_string();
    Some(crate::webhooks::send::WebhookSettings {
        origin,
        timeout: std::time::Duration::from_secs(args.webhooks.webhook_timeout),
        allow_internal: args
            .webhooks
            .webhook_allow_internal
            .clone()
            .unwrap_or_default()
            .0,
    })
}

/// The metrics listener, bound, and who may read `/metrics`; counting starts when either
/// the address or the token is set.
fn metrics(
    args: &crate::config::MetricsArgs,
) -> Result<(Option<std::net::TcpListener>, crate::config::MetricsAccess), String> {
    let listener = args
        .metrics_addr
        .map(|a| {
            std::net::TcpListener::bind(a)
                .map_err(|e| format!("cannot listen for metrics on {a}: {e}"))
        })
        .transpose()?;
    let addr = listener
        .as_ref()
        .map(std::net::TcpListener::local_addr)
        .transpose()
        .map_err(|e| format!("cannot read the metrics address: {e}"))?;
    let token = crate::config::secret(
        args.metrics_token_file.as_deref(),
        "FIKA_METRICS_TOKEN",
        "metrics token",
    )?;
    if token.as_ref().is_some_and(|t| t.chars().count() < 16) {
        return Err(
            "the metrics token is too short to keep a guesser out: use 16 \
                    characters or more (openssl rand -hex 32)"
                .into(),
        );
    }
    let access = crate::config::MetricsAccess {
        addr,
        token_digest: token.map(|t| crate::auth::token::digest(&t)),
    };
    if access.on() {
        crate::metrics::init()?;
    }
    Ok((listener, access))
}

fn serve(args: ServeArgs) -> Result<(), String> {
    // Bind before touching data: "port in use" must fail before a demo is written.
    let listener = std::net::TcpListener::bind(args.addr)
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    // Settings are checked before any data is touched.
    let sso = crate::config::SsoSettings::from_args(&args.sso, args.public_url.as_ref())?;
    let scim = crate::config::scim_token(&args.sso)?;
    let (metrics_listener, metrics) = metrics(&args.metrics)?;
    let mail = crate::mail::MailSettings::from_args(&args.mail, args.public_url.as_ref())?;
    let mailer = mail.as_ref().map(crate::mail::Mailer::new).transpose()?;
    if args.sso.password_sign_in == "off" {
        if sso.is_none() {
            return Err(
                "--password-sign-in off needs single sign-on (--oidc-issuer): else \
                        nobody but the break-glass administrator could sign in"
                    .into(),
            );
        }
        tracing::info!(break_glass = ?args.sso.break_glass_admin, "password sign-in is off");
    }
    let db = open(&args.data, args.db_pool)?;
    tracing::info!(database = %db.target().describe(), "database ready");
    if args.demo {
        let mut conn = db.conn().map_err(|e| e.to_string())?;
        crate::demo::load_if_empty(&mut conn)?;
    }
    let (search, rebuild) =
        crate::search::Search::open(&args.data.data_dir.join("index"), args.search_cache)?;
    let indexer = crate::search::indexer::Indexer::new(search.clone(), crate::app::projections())?;
    if let Some(why) = &rebuild {
        tracing::info!(reason = ?why, "the search index will be rebuilt while fika serves");
    }
    indexer.spawn(db.clone(), rebuild)?;
    // A broken rules file stops the start with a message naming it, rather than checking
    // post-mortems with rules the admin did not mean.
    let rules_file = args.data.data_dir.join(crate::postmortems::RULES_FILE);
    let blameless = crate::postmortems::blameless::Rules::load(&rules_file)?;
    for doubt in blameless.warnings() {
        tracing::warn!(file = %rules_file.display(), "blameless rules: {doubt}");
    }
    // Dismissals follow a change of rules (a new fika, a new rule file) before anyone looks.
    crate::postmortems::flow::carry_dismissals(
        &mut *db.conn().map_err(|e| e.to_string())?,
        &blameless,
    )
    .map_err(|e| format!("cannot carry blameless dismissals over to the rules: {e}"))?;
    let mut settings = Settings::new(&args);
    settings.sso = sso;
    settings.scim_token_digest = scim.map(|t| crate::auth::token::digest(&t));
    settings.site_id = crate::db::site_id(&mut *db.conn().map_err(|e| e.to_string())?)
        .map_err(|e| format!("cannot read the site id: {e}"))?;
    settings.mail_on = mail.is_some();
    settings.metrics = metrics;
    let state = crate::app::state(db, settings, search, blameless);
    let hooks = webhook_settings(&args);
    start_notifications(&state, mail.as_ref(), mailer, hooks)?;
    actix_web::rt::System::new().block_on(crate::app::serve(
        state,
        listener,
        metrics_listener,
        args.workers,
    ))?;
    // The requests are done; the indexer commits what it has, the workers settle their batch.
    let left = crate::db::stop_background(std::time::Duration::from_secs(10));
    if left > 0 {
        tracing::warn!(
            left,
            "stopped with background work unfinished; it resumes at start"
        );
    }
    tracing::info!("stopped");
    Ok(())
}
