//! Embedded migrations, one set per backend, run at start by every command.

use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::AnyConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// An arbitrary constant naming fika's migration lock; it only has to be the same for every
/// instance of fika and unlikely to collide with another application's lock.
const PG_MIGRATION_LOCK: i64 = 0x66_69_6b_61_6d_69_67; // "fikamig"

/// Runs pending migrations, one at a time so that a data repair (`db::fixups`) can run
/// just before the migration that needs it. On PostgreSQL they run under a session advisory
/// lock, so several instances starting together wait for the first one instead of racing on
/// the same DDL. Returns how many migrations were applied.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, String> {
    migrate_until(conn, None)
}

/// Runs pending migrations up to and including `last` (all of them when `None`), under the
/// same lock as [`run_migrations`]. A restore uses it to build the schema its backup was
/// taken from, load the rows, and only then bring them up to date.
pub fn migrate_until(conn: &mut AnyConnection, last: Option<&str>) -> Result<usize, String> {
    if let AnyConnection::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
            .map_err(|e| fail(&e))?;
    }
    let applied = apply_pending(conn, last);
    if let AnyConnection::Postgresql(c) = conn {
        let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"));
        let applied = applied?;
        unlocked.map_err(|e| fail(&e))?;
        return Ok(applied);
    }
    applied
}

fn fail(e: &dyn std::fmt::Display) -> String {
    format!("database migration failed: {e}")
}

fn apply_pending(conn: &mut AnyConnection, last: Option<&str>) -> Result<usize, String> {
    let mut applied = 0;
    loop {
        let next = match conn {
            AnyConnection::Sqlite(c) => next_version(c, SQLITE),
            AnyConnection::Postgresql(c) => next_version(c, POSTGRES),
        }?;
        let Some(version) = next.filter(|v| last.is_none_or(|last| v.as_str() <= last)) else {
            return Ok(applied);
        };
        if let Some(repair) = super::fixups::before(&version) {
            repair(conn).map_err(|e| fail(&e))?;
        }
        match conn {
            AnyConnection::Sqlite(c) => run_next(c, SQLITE),
            AnyConnection::Postgresql(c) => run_next(c, POSTGRES),
        }?;
        applied += 1;
    }
}

/// The version of the newest migration this build of fika knows, e.g. `20261202000011`
/// (both backends have the same versions; a unit test holds them to it).
pub fn latest_version() -> Result<String, String> {
    use diesel::migration::MigrationSource;
    let all =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE).map_err(|e| fail(&e))?;
    all.iter()
        .map(|m| m.name().version().to_string())
        .max()
        .ok_or_else(|| "fika has no migrations".to_string())
}

/// Whether this build knows a migration of exactly this version.
pub fn knows_version(version: &str) -> Result<bool, String> {
    use diesel::migration::MigrationSource;
    let all =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE).map_err(|e| fail(&e))?;
    Ok(all
        .iter()
        .any(|m| m.name().version().to_string() == version))
}

/// The newest migration applied to this database, or `None` for a database fika has never
/// touched.
pub fn applied_version(conn: &mut AnyConnection) -> Result<Option<String>, String> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.applied_migrations(),
        AnyConnection::Postgresql(c) => c.applied_migrations(),
    }
    .map_err(|e| fail(&e))?;
    Ok(applied.iter().map(|v| v.to_string()).max())
}

/// The versions of the migrations this build has and the database has not had yet.
pub fn pending_versions(conn: &mut AnyConnection) -> Result<Vec<String>, String> {
    fn versions<DB: Backend>(
        c: &mut impl MigrationHarness<DB>,
        source: EmbeddedMigrations,
    ) -> Result<Vec<String>, String> {
        let pending = c.pending_migrations(source).map_err(|e| fail(&e))?;
        Ok(pending
            .iter()
            .map(|m| m.name().version().to_string())
            .collect())
    }
    match conn {
        AnyConnection::Sqlite(c) => versions(c, SQLITE),
        AnyConnection::Postgresql(c) => versions(c, POSTGRES),
    }
}

/// The version of the first pending migration, if any.
fn next_version<DB: Backend>(
    c: &mut impl MigrationHarness<DB>,
    source: EmbeddedMigrations,
) -> Result<Option<String>, String> {
    let pending = c.pending_migrations(source).map_err(|e| fail(&e))?;
    Ok(pending.first().map(|m| m.name().version().to_string()))
}

fn run_next<DB: Backend>(
    c: &mut impl MigrationHarness<DB>,
    source: EmbeddedMigrations,
) -> Result<(), String> {
    let pending = c.pending_migrations(source).map_err(|e| fail(&e))?;
    if let Some(m) = pending.first() {
        c.run_migration(m.as_ref()).map_err(|e| fail(&e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::Connection;

    #[test]
    fn sqlite_migrations_apply_and_are_idempotent() {
        let mut conn = AnyConnection::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("in-memory sqlite"),
        );
        use diesel::migration::MigrationSource;
        let all = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE)
            .expect("embedded")
            .len();
        assert_eq!(run_migrations(&mut conn).expect("first run"), all);
        assert_eq!(
            all,
            MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES)
                .expect("embedded")
                .len(),
            "both backends have the same migrations"
        );
        assert_eq!(run_migrations(&mut conn).expect("second run"), 0);
    }
}
