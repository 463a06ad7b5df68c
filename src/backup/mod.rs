//! `fika backup FILE` and `fika restore FILE`: all of an organization's data in one file of
//! fika's own format, taken while the server runs and writes, and restorable into an empty
//! data dir or database of either backend.
//!
//! # The format
//!
//! One gzip stream of JSON Lines (`zcat FILE | head` shows what is inside):
//!
//! 1. a header: `{"format":"fika-backup","version":1,"schema":"20261202000011",…,
//!    "tables":[{"name":"people","rows":114},…]}` — `schema` is the newest database
//!    migration the data was written under;
//! 2. per table, in an order where every row's references come before it: a line
//!    `{"table":"people","columns":[{"name":"id","type":"integer"},…],"rows":114}` and then
//!    one JSON object per row. Column types are fika's own, not a backend's: `integer`,
//!    `boolean` (`true`/`false`), `text`, `timestamp` (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC),
//!    `date` (`YYYY-MM-DD`) and `binary` (lower-case hex; images live in the database, so
//!    they come along);
//! 3. the admin's files from the data dir, `{"file":"synonyms.txt","text":"…"}`;
//! 4. a last line `{"end":true,"rows":N}`. A file without it was cut short and is refused.
//!
//! The search index is not in the file: a restore rebuilds it from the rows.

mod catalog;
mod dump;
mod load;

use serde::{Deserialize, Serialize};

pub use dump::backup;
pub use load::{Restored, restore};

/// The value of the header's `format`.
pub const FORMAT: &str = "fika-backup";
/// The format's own version, raised when the layout above changes (not when the schema does).
pub const FORMAT_VERSION: u32 = 1;

/// fika's tables, each after every table it references (a unit test holds this list to the
/// migrations). The database's own bookkeeping (`__diesel_schema_migrations`) is not data: the
/// header's `schema` stands for it.
pub const TABLES: &[&str] = &[
    "people",
    "sessions",
    "api_tokens",
    "login_failures",
    "oidc_identities",
    "oidc_pending",
    "scim_people",
    "change_log",
    "units",
    "unit_slug_redirects",
    "alliance_tribes",
    "initiatives",
    "memberships",
    "unit_events",
    "pages",
    "page_revisions",
    "page_redirects",
    "page_links",
    "page_units",
    "page_tags",
    "images",
    "lessons",
    "lesson_revisions",
    "lesson_units",
    "lesson_tags",
    "experiments",
    "postmortems",
    "postmortem_squads",
    "postmortem_authors",
    "postmortem_reviews",
    "blameless_dismissals",
    "action_items",
    "retros",
    "retro_groups",
    "retro_cards",
    "retro_votes",
    "retro_reviews",
    "retro_action_topics",
    "retro_presence",
    "health_indicators",
    "health_sessions",
    "health_votes",
    "step_texts",
    "step_catalogue",
    "step_profiles",
    "step_person_roles",
    "step_assessments",
    "step_proposals",
    "step_feedback",
    "step_events",
    "site_meta",
    "events",
    "mentions",
    "watches",
    "notifications",
    "notification_settings",
    "comments",
    "mail_outbox",
    "digests",
    "reminders",
    "webhooks",
    "webhook_deliveries",
];

/// Tables the migrations fill by themselves (the default step catalogue, the site id). A
/// database holding only these rows is still empty; a restore replaces them with the
/// backup's, so a restored site keeps its identity (feed entry ids) and its catalogue.
pub const SEEDED: &[&str] = &["step_catalogue", "site_meta"];

/// The admin's files in the data dir that are part of the organization's data.
pub const DATA_DIR_FILES: &[&str] = &[
    crate::postmortems::RULES_FILE,
    crate::search::synonyms::ADMIN_FILE,
];

/// A column's type as the file says it, the same for both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColType {
    Integer,
    Boolean,
    Text,
    Timestamp,
    Date,
    Binary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColType,
}

/// The first line of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub schema: String,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The backend it was taken from: `sqlite` or `postgresql`.
    pub source: String,
    pub fika_version: String,
    pub tables: Vec<TableCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableCount {
    pub name: String,
    pub rows: u64,
}

/// The line that opens a table's rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableStart {
    pub table: String,
    pub columns: Vec<Column>,
    pub rows: u64,
}

/// A file from the data dir.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataFile {
    pub file: String,
    pub text: String,
}

/// The last line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct End {
    pub end: bool,
    pub rows: u64,
}

/// What a backup or a restore did, for the command's last line.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub schema: String,
    pub tables: usize,
    pub rows: u64,
    pub files: Vec<String>,
}

/// An error as the command's one line: the message alone for fika's own, with its kind for
/// the rest ("database error: …").
fn message(e: crate::error::AppError) -> String {
    use crate::error::AppError;
    match e {
        AppError::Internal(m) | AppError::Validation(m) => m,
        other => other.to_string(),
    }
}

/// Progress for the command's bar: rows done and rows in all.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::AnyConnection;
    use diesel::Connection;

    /// The list above must name every table the migrations make, each after the tables it
    /// references (a self-reference is loaded in two steps and does not count).
    #[test]
    fn the_table_list_matches_the_migrations() {
        let mut conn = AnyConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory sqlite"),
        );
        crate::db::run_migrations(&mut conn).expect("migrations");
        let made = catalog::sqlite_tables(&mut conn).expect("tables");
        let mut listed: Vec<&str> = TABLES.to_vec();
        listed.sort_unstable();
        let mut made_sorted: Vec<&str> = made.iter().map(|(t, _)| t.as_str()).collect();
        made_sorted.sort_unstable();
        assert_eq!(listed, made_sorted, "backup::TABLES lists every table");
        for (table, refs) in &made {
            let at = TABLES.iter().position(|t| t == table).expect("listed");
            for r in refs.iter().filter(|r| *r != table) {
                let before = TABLES.iter().position(|t| t == r).expect("listed");
                assert!(before < at, "{table} references {r}, which must come first");
            }
        }
        for t in SEEDED {
            assert!(TABLES.contains(t));
        }
    }
}
