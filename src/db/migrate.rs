//! Embedded migrations, one set per backend, run at start by every command.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::AnyConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// An arbitrary constant naming fika's migration lock; it only has to be the same for every
/// instance of fika and unlikely to collide with another application's lock.
const PG_MIGRATION_LOCK: i64 = 0x66_69_6b_61_6d_69_67; // "fikamig"

/// Runs pending migrations. On PostgreSQL they run under a session advisory lock, so several
/// instances starting together wait for the first one instead of racing on the same DDL.
/// Returns how many migrations were applied.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, String> {
    let fail = |e: &dyn std::fmt::Display| format!("database migration failed: {e}");
    match conn {
        AnyConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.len())
            .map_err(|e| fail(&e)),
        AnyConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
                .map_err(|e| fail(&e))?;
            let applied = c.run_pending_migrations(POSTGRES).map(|v| v.len());
            let unlocked =
                c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"));
            let applied = applied.map_err(|e| fail(&e))?;
            unlocked.map_err(|e| fail(&e))?;
            Ok(applied)
        }
    }
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
