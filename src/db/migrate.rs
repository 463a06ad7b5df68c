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

/// Runs pending migrations, one at a time so that a data repair ([`super::fixups`]) can run
/// just before the migration that needs it. On PostgreSQL they run under a session advisory
/// lock, so several instances starting together wait for the first one instead of racing on
/// the same DDL. Returns how many migrations were applied.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, String> {
    if let AnyConnection::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
            .map_err(|e| fail(&e))?;
    }
    let applied = apply_pending(conn);
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

fn apply_pending(conn: &mut AnyConnection) -> Result<usize, String> {
    let mut applied = 0;
    loop {
        let next = match conn {
            AnyConnection::Sqlite(c) => next_version(c, SQLITE),
            AnyConnection::Postgresql(c) => next_version(c, POSTGRES),
        }?;
        let Some(version) = next else {
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
