//! `fika check`: reads the settings `fika serve` would run with and looks at what they point
//! to — the data dir, the database and its migrations, the search index and how far behind
//! the database it is, the public URL, the SMTP server — and says what is wrong in plain
//! words, one line each. It changes nothing: no migration, no index rebuild, no directory
//! made, so it is safe beside a running fika. A failure makes the exit status non-zero.

use std::path::Path;

use crate::config::ServeArgs;
use crate::db::AnyConnection;

/// How bad one finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Ok,
    Warn,
    Fail,
}

/// What was found, in the order it was looked at.
#[derive(Default)]
struct Report(Vec<(Level, &'static str, String)>);

impl Report {
    fn ok(&mut self, what: &'static str, said: impl Into<String>) {
        self.0.push((Level::Ok, what, said.into()));
    }
    fn warn(&mut self, what: &'static str, said: impl Into<String>) {
        self.0.push((Level::Warn, what, said.into()));
    }
    fn fail(&mut self, what: &'static str, said: impl Into<String>) {
        self.0.push((Level::Fail, what, said.into()));
    }
    fn result(&mut self, what: &'static str, r: Result<String, String>) {
        match r {
            Ok(s) => self.ok(what, s),
            Err(e) => self.fail(what, e),
        }
    }
}

/// Runs every check and prints the report; `Err` names how many failed.
pub fn run(args: &ServeArgs) -> Result<(), String> {
    let mut r = Report::default();
    settings(&mut r, args);
    data_dir(&mut r, &args.data.data_dir);
    if let Some(mut conn) = database(&mut r, args) {
        index(&mut r, &mut conn, &args.data.data_dir.join("index"));
    }
    for (level, what, said) in &r.0 {
        let tag = match level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        println!("{tag}  {what:<10}  {said}");
    }
    let failed = r.0.iter().filter(|(l, _, _)| *l == Level::Fail).count();
    match failed {
        0 => Ok(()),
        1 => Err("1 check failed".into()),
        n => Err(format!("{n} checks failed")),
    }
}

/// The settings that are checked when fika starts, and the public URL.
fn settings(r: &mut Report, args: &ServeArgs) {
    match &args.public_url {
        None => r.warn(
            "public URL",
            "none (--public-url): feeds link to whatever address a request came by, and mail \
             and webhooks are off",
        ),
        Some(u) if !u.https() && !is_local(u.origin()) => r.warn(
            "public URL",
            format!(
                "{} is not https: passwords and session cookies cross the network in clear",
                u.origin()
            ),
        ),
        Some(u) => r.ok("public URL", u.origin()),
    }
    match crate::config::SsoSettings::from_args(&args.sso, args.public_url.as_ref()) {
        Ok(Some(_)) => r.ok("sign-in", "single sign-on is set up"),
        Ok(None) => r.ok("sign-in", "passwords (no single sign-on)"),
        Err(e) => r.fail("sign-in", e),
    }
    if let Err(e) = crate::config::scim_token(&args.sso) {
        r.fail("SCIM", e);
    }
    match crate::mail::MailSettings::from_args(&args.mail, args.public_url.as_ref()) {
        Ok(None) => r.ok(
            "mail",
            "off (no --smtp-host): notifications reach the inbox only",
        ),
        Ok(Some(m)) => r.result(
            "mail",
            crate::mail::Mailer::new(&m)
                .and_then(|mailer| mailer.test_connection())
                .map(|()| format!("{}:{} answers and takes fika's sign-in", m.host, m.port))
                .map_err(|e| format!("{}:{}: {e}", m.host, m.port)),
        ),
        Err(e) => r.fail("mail", e),
    }
}

fn is_local(origin: &str) -> bool {
    ["http://localhost", "http://127.", "http://[::1]"]
        .iter()
        .any(|p| origin.starts_with(p))
}

/// The data dir: there, writable by fika, not open to every user of the machine.
fn data_dir(r: &mut Report, dir: &Path) {
    let shown = dir.display();
    let meta = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => m,
        Ok(_) => return r.fail("data dir", format!("{shown} is not a directory")),
        Err(e) => {
            return r.fail(
                "data dir",
                format!("{shown}: {e} (fika serve makes it; check the path)"),
            );
        }
    };
    let probe = dir.join(".fika-check");
    if let Err(e) = std::fs::write(&probe, b"ok").and_then(|_| std::fs::remove_file(&probe)) {
        return r.fail(
            "data dir",
            format!("{shown} is not writable by this user: {e}"),
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o002 != 0 {
            return r.fail(
                "data dir",
                format!("{shown} is writable by every user (mode {mode:o}): chmod 750 {shown}"),
            );
        }
        if mode & 0o004 != 0 {
            return r.warn(
                "data dir",
                format!(
                    "{shown} is readable by every user of this machine (mode {mode:o}), and \
                     so is the database in it: chmod 750 {shown}"
                ),
            );
        }
    }
    r.ok("data dir", format!("{shown}, writable, private"));
}

/// The database: reachable, and its migrations those of this build.
fn database(r: &mut Report, args: &ServeArgs) -> Option<AnyConnection> {
    let target = match crate::db::DbTarget::from_settings(
        args.data.database_url.as_deref(),
        &args.data.data_dir,
    ) {
        Ok(t) => t,
        Err(e) => {
            r.fail("database", e);
            return None;
        }
    };
    // Opening a SQLite file that is not there would make it.
    if let crate::db::DbTarget::Sqlite(file) = &target
        && !file.exists()
    {
        r.warn(
            "database",
            format!("{} is not there yet: fika serve makes it", file.display()),
        );
        return None;
    }
    let mut conn = match target.establish() {
        Ok(c) => c,
        Err(e) => {
            r.fail("database", e);
            return None;
        }
    };
    let applied = crate::db::applied_version(&mut conn);
    let pending = crate::db::pending_versions(&mut conn);
    match (applied, pending) {
        (Err(e), _) | (_, Err(e)) => r.fail("database", e),
        (Ok(Some(v)), _) if !crate::db::knows_version(&v).unwrap_or(true) => r.fail(
            "database",
            format!(
                "{} was last migrated by a newer fika ({v}): run that version",
                target.describe()
            ),
        ),
        (Ok(None), _) => r.warn(
            "database",
            format!("{} is empty: fika serve sets it up", target.describe()),
        ),
        (Ok(Some(_)), Ok(p)) if !p.is_empty() => r.warn(
            "database",
            format!(
                "{}: {} migration{} to apply (fika serve or fika migrate applies them)",
                target.describe(),
                p.len(),
                if p.len() == 1 { "" } else { "s" }
            ),
        ),
        (Ok(Some(v)), Ok(_)) => r.ok(
            "database",
            format!("{}, migrations up to date ({v})", target.describe()),
        ),
    }
    Some(conn)
}

/// The search index: there, whole, and how far behind the database's change log.
fn index(r: &mut Report, conn: &mut AnyConnection, dir: &Path) {
    use crate::search::Rebuild;
    let payload = match crate::search::Search::inspect(dir) {
        Ok(p) if p.schema != crate::search::schema::SCHEMA_VERSION => {
            return r.warn("index", "made by another version: fika serve rebuilds it");
        }
        Ok(p) if !p.complete => {
            return r.warn(
                "index",
                "a rebuild was not finished: fika serve finishes it",
            );
        }
        Ok(p) => p,
        Err(why) => {
            let said = match why {
                Rebuild::Missing => "none yet: fika serve builds it".to_string(),
                Rebuild::Corrupt(e) => format!("damaged ({e}): fika serve rebuilds it"),
                Rebuild::Outdated | Rebuild::Incomplete | Rebuild::Ahead => {
                    "not usable as it is: fika serve rebuilds it".to_string()
                }
            };
            return r.warn("index", said);
        }
    };
    let lag = match crate::db::changelog::lag(conn, payload.applied) {
        Ok(l) => l,
        Err(e) => return r.fail("index", format!("cannot read the change log: {e}")),
    };
    if payload.applied > lag.head {
        return r.warn(
            "index",
            "ahead of the database (built from another one): fika serve rebuilds it",
        );
    }
    let (behind, seconds) = (lag.changes, lag.seconds);
    let said = format!(
        "{behind} change{} behind, {seconds} s",
        if behind == 1 { "" } else { "s" }
    );
    if behind > 0 && seconds > 60 {
        r.warn(
            "index",
            format!("{said}: searches miss the newest changes until fika serve catches up"),
        );
    } else {
        r.ok("index", said);
    }
}
