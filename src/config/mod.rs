//! Settings from command-line flags and `FIKA_*` environment variables (clap reads both).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use crate::db::DbTarget;

mod sso;
pub use sso::*;

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
        let new = !self.data_dir.exists();
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", self.data_dir.display()))?;
        // A data dir fika makes is its own: the database, uploads and the index are nobody
        // else's to read on a shared machine (one made by hand keeps the mode it was given).
        #[cfg(unix)]
        if new {
            use std::os::unix::fs::PermissionsExt;
            let private = std::fs::Permissions::from_mode(0o750);
            std::fs::set_permissions(&self.data_dir, private).map_err(|e| {
                format!(
                    "cannot make data dir {} private: {e}",
                    self.data_dir.display()
                )
            })?;
        }
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

    /// The address people use to reach fika, e.g. https://fika.example.com (behind a reverse
    /// proxy, the proxy's). Forms are accepted only from this origin, feeds and exports link
    /// to it, and an https address marks the session cookie Secure.
    #[arg(long, env = "FIKA_PUBLIC_URL", value_name = "URL", value_parser = PublicUrl::parse)]
    // The comment above is also `--help` text, where a bare address reads best.
    #[allow(rustdoc::bare_urls)]
    pub public_url: Option<PublicUrl>,

    /// Reverse proxies whose X-Forwarded-For (and, without --public-url, X-Forwarded-Proto and
    /// -Host) fika believes: how many stand in front of it ("1" for one nginx), or their
    /// addresses and ranges ("127.0.0.1,10.0.0.0/8"). FIKA_TRUSTED_PROXY=1 still means one.
    #[arg(long, env = "FIKA_TRUSTED_PROXIES", value_name = "N|ADDRESSES",
          value_parser = TrustedProxies::parse)]
    pub trusted_proxies: Option<TrustedProxies>,

    /// The older way to trust one proxy; --trusted-proxies wins over it.
    #[arg(long, env = "FIKA_TRUSTED_PROXY", hide = true, value_name = "BOOL",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub trusted_proxy: Option<bool>,

    /// Force the session cookie's Secure flag on or off (default: on when --public-url is
    /// https).
    #[arg(long, env = "FIKA_COOKIE_SECURE", value_name = "BOOL",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub cookie_secure: Option<bool>,

    /// Keep the per-index-generation cache of search counts, facets and typo corrections
    /// (turn it off only to benchmark the uncached path).
    #[arg(long, env = "FIKA_SEARCH_CACHE", value_name = "BOOL", default_value = "true",
          action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    pub search_cache: bool,

    #[command(flatten)]
    pub sso: SsoArgs,

    #[command(flatten)]
    pub mail: MailArgs,

    #[command(flatten)]
    pub webhooks: WebhookArgs,

    #[command(flatten)]
    pub metrics: MetricsArgs,
}

/// `/metrics` for Prometheus: off unless one of these is set.
#[derive(Debug, Clone, Args)]
pub struct MetricsArgs {
    /// Serve `/metrics` (and nothing else) on this address too, without a token, e.g.
    /// 127.0.0.1:9464 or an address on the monitoring network; port 0 picks a free port.
    #[arg(long, env = "FIKA_METRICS_ADDR", value_name = "HOST:PORT")]
    pub metrics_addr: Option<SocketAddr>,

    /// A file holding the bearer token that opens `/metrics` on the main address (or set
    /// FIKA_METRICS_TOKEN), for a Prometheus that reaches fika only through its proxy.
    #[arg(long, value_name = "FILE")]
    pub metrics_token_file: Option<PathBuf>,
}

/// Outgoing webhooks to chat and the org's own tools (set up in fika, at /webhooks).
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// How long fika waits for a webhook's receiver, in seconds; a delivery is retried
    /// (same delivery id) when it got no answer in time.
    #[arg(long, env = "FIKA_WEBHOOK_TIMEOUT", value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub webhook_timeout: u64,

    /// Internal addresses webhooks may post to ("10.0.0.0/8,192.168.4.20"): by
    /// default fika posts only to public addresses, so a webhook cannot probe the network
    /// it runs in. Name your self-hosted Mattermost's range here.
    #[arg(long, env = "FIKA_WEBHOOK_ALLOW_INTERNAL", value_name = "RANGES",
          value_parser = parse_nets)]
    pub webhook_allow_internal: Option<Nets>,
}

/// Addresses and ranges, as `127.0.0.1,10.0.0.0/8` says them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Nets(pub Vec<ipnet::IpNet>);

/// Parses a list of addresses and ranges, separated by commas or spaces.
pub fn parse_nets(s: &str) -> Result<Nets, String> {
    s.split([',', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("{p:?} is neither an address nor a range (127.0.0.1, 10.0.0.0/8)")
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Nets)
}

/// Mail over SMTP: notifications and digests for the people who want them by mail.
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// The SMTP server that sends fika's mail; turns mail on. Needs --public-url (links in
    /// mail are absolute) and --mail-from.
    #[arg(long, env = "FIKA_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,

    /// Its port [default: 587 with starttls, 465 with tls, 25 with none].
    #[arg(long, env = "FIKA_SMTP_PORT", value_name = "PORT")]
    pub smtp_port: Option<u16>,

    /// How the connection is secured: starttls, tls (SMTPS), or none (a relay on a network
    /// you trust; no password is sent then).
    #[arg(long, env = "FIKA_SMTP_TLS", value_name = "MODE", default_value = "starttls",
          value_parser = ["starttls", "tls", "none"])]
    pub smtp_tls: String,

    /// The user fika signs in to the SMTP server as; the password comes from
    /// FIKA_SMTP_PASSWORD or --smtp-password-file, never the command line.
    #[arg(long, env = "FIKA_SMTP_USERNAME", value_name = "USER")]
    pub smtp_username: Option<String>,

    /// A file holding the SMTP password.
    #[arg(long, value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,

    /// The sender of fika's mail, e.g. "fika <fika@example.com>".
    #[arg(long, env = "FIKA_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
}

/// A secret from a file named on the command line or from an environment variable (never
/// the command line itself, where `ps` shows it); trimmed, none when empty.
pub fn secret(
    file: Option<&std::path::Path>,
    env: &str,
    what: &str,
) -> Result<Option<String>, String> {
    let value = match (file, std::env::var(env)) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the {what} file {}: {e}", path.display()))?,
        (None, Ok(value)) => value,
        (None, Err(_)) => return Ok(None),
    };
    Ok(Some(value.trim().to_string()).filter(|s| !s.is_empty()))
}

/// The site's canonical origin: scheme, host and port, no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
    https: bool,
}

impl PublicUrl {
    pub fn parse(s: &str) -> Result<PublicUrl, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| {
            format!("{s:?} is not a URL ({e}); write it like https://fika.example.com")
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "{s:?} must start with https:// or http:// and name a host"
            ));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "{s:?} has a path: fika must be served at the root of its address (e.g. \
                 https://fika.example.com, not https://example.com/fika)"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{s:?} must not contain a user name or password"));
        }
        Ok(PublicUrl {
            origin: url.origin().ascii_serialization(),
            https: url.scheme() == "https",
        })
    }

    /// `https://fika.example.com` (a port only when it is not the scheme's default).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn https(&self) -> bool {
        self.https
    }
}

/// Which peers are reverse proxies of fika's own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustedProxies {
    /// Nobody: forwarded headers are client-controlled and ignored.
    #[default]
    None,
    /// This many proxies stand in front, each appending to X-Forwarded-For.
    Count(usize),
    /// Proxies are these addresses or ranges.
    List(Vec<ipnet::IpNet>),
}

impl TrustedProxies {
    pub fn parse(s: &str) -> Result<TrustedProxies, String> {
        let s = s.trim();
        if let Ok(n) = s.parse::<usize>() {
            return Ok(if n == 0 {
                TrustedProxies::None
            } else {
                TrustedProxies::Count(n)
            });
        }
        let nets = parse_nets(s)
            .map_err(|e| format!("{e}: give a count of proxies (1) or addresses and ranges"))?
            .0;
        if nets.is_empty() {
            return Ok(TrustedProxies::None);
        }
        Ok(TrustedProxies::List(nets))
    }

    pub fn any(&self) -> bool {
        *self != TrustedProxies::None
    }
}

/// What the running app needs to know of its settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub public_read: bool,
    /// Mark cookies `Secure`: on when the public URL is https, or as `--cookie-secure` says.
    pub cookie_secure: bool,
    pub public_url: Option<PublicUrl>,
    /// Whose forwarded headers are believed (see the `request` module).
    pub proxies: TrustedProxies,
    /// This installation's lasting name (feed ids are made from it); read from the database
    /// at start.
    pub site_id: String,
    /// Single sign-on, when it is on (set at start, once the flags are checked).
    pub sso: Option<SsoSettings>,
    pub password_sign_in: PasswordSignIn,
    /// The SHA-256 of the SCIM bearer token, when provisioning is on.
    pub scim_token_digest: Option<String>,
    /// Mail is set up (`--smtp-host`): the settings page offers it.
    pub mail_on: bool,
    /// Who may read `/metrics` (set at start, once the listeners are bound).
    pub metrics: MetricsAccess,
}

/// Who may read `/metrics`: whoever comes in on the metrics address, and whoever brings the
/// token. Neither set: `/metrics` is not served.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// The metrics listener's bound address.
    pub addr: Option<SocketAddr>,
    /// The SHA-256 of the metrics bearer token.
    pub token_digest: Option<String>,
}

impl MetricsAccess {
    pub fn on(&self) -> bool {
        self.addr.is_some() || self.token_digest.is_some()
    }
}

impl Settings {
    pub fn new(args: &ServeArgs) -> Self {
        // The setting before --trusted-proxies existed: "trust the peer" is one proxy.
        let proxies = match &args.trusted_proxies {
            Some(p) => p.clone(),
            None if args.trusted_proxy == Some(true) => TrustedProxies::Count(1),
            None => TrustedProxies::None,
        };
        Settings {
            public_read: args.public_read,
            cookie_secure: args
                .cookie_secure
                .unwrap_or_else(|| args.public_url.as_ref().is_some_and(PublicUrl::https)),
            public_url: args.public_url.clone(),
            proxies,
            site_id: String::new(),
            sso: None,
            scim_token_digest: None,
            mail_on: false,
            metrics: MetricsAccess::default(),
            password_sign_in: if args.sso.password_sign_in == "off" {
                PasswordSignIn::Only(args.sso.break_glass_admin.clone().map(|u| u.to_lowercase()))
            } else {
                PasswordSignIn::Everyone
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_an_origin() {
        let u = PublicUrl::parse("https://fika.example.com/").expect("valid");
        assert_eq!(u.origin(), "https://fika.example.com");
        assert!(u.https());
        let u = PublicUrl::parse("http://intranet:8443").expect("valid");
        assert_eq!(u.origin(), "http://intranet:8443");
        assert_eq!(
            PublicUrl::parse("https://example.com:443")
                .expect("valid")
                .origin(),
            "https://example.com"
        );
        for bad in [
            "fika.example.com",
            "ftp://x",
            "https://example.com/fika",
            "https://a:b@x",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trusted_proxies_are_a_count_or_ranges() {
        assert_eq!(TrustedProxies::parse("2"), Ok(TrustedProxies::Count(2)));
        assert_eq!(TrustedProxies::parse("0"), Ok(TrustedProxies::None));
        let TrustedProxies::List(nets) =
            TrustedProxies::parse("127.0.0.1, 10.0.0.0/8,::1").expect("valid")
        else {
            panic!("a list")
        };
        assert_eq!(nets.len(), 3);
        assert!(nets[1].contains(&"10.2.3.4".parse::<std::net::IpAddr>().expect("ip")));
        assert!(TrustedProxies::parse("nginx").is_err());
    }
}
