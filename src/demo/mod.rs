//! The demo organization: a fictional music-streaming company, Kanelbulle Audio. `fika serve
//! --demo` loads it into an empty database. Each feature adds its own demo records here.

/// Reads one of the demo's data files (`src/demo/data/NAME.yaml`, embedded at build time);
/// an error names the file.
macro_rules! demo_data {
    ($name:literal) => {
        // From the crate root, so that a loader in a folder of its own finds the same files.
        serde_yaml_ng::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/demo/data/",
            $name,
            ".yaml"
        )))
        .map_err(|e| {
            crate::error::AppError::internal(format!(
                concat!("src/demo/data/", $name, ".yaml: {}"),
                e
            ))
        })
    };
}

mod experiments;
mod health;
mod knowledge;
mod org;
mod postmortems;
mod retros;
mod steps;

use crate::auth::password::{self, Password};
use crate::db::{AnyConnection, lock_for_transaction, locks, write_transaction};
use crate::ids::PersonId;
use crate::people::repo as people;

/// Public on purpose: it is printed on the console and written in the README.
pub const DEMO_PASSWORD: &str = "fika-demo-2026";
pub const DEMO_ADMIN: &str = "alice";

/// Loads the demo into an empty database; a database with any person in it is left alone.
/// The emptiness check and the load are one transaction (under a lock on PostgreSQL), so
/// several instances started together with `--demo` load it once.
pub fn load_if_empty(conn: &mut AnyConnection) -> Result<(), String> {
    // One hash for every demo account: they share the published demo password anyway, and
    // hashing a hundred times would add seconds to the start.
    let pw = Password::parse(DEMO_PASSWORD)?;
    let hash = password::hash(&pw).map_err(|e| e.to_string())?;
    // All or nothing: a demo that fails half-way leaves the database empty, not half-filled.
    let loaded = write_transaction(conn, |conn| {
        lock_for_transaction(conn, locks::DEMO)?;
        if people::count(conn)? > 0 {
            return Ok(false);
        }
        org::load(conn, &hash)?;
        let authors: Vec<PersonId> = people::all(conn)?.iter().map(|p| p.id).take(40).collect();
        knowledge::load(conn, &authors)?;
        experiments::load(conn, &authors)?;
        postmortems::load(conn)?;
        retros::load(conn)?;
        health::load(conn)?;
        steps::load(conn)?;
        // The demo's history notifies nobody; its news does.
        crate::db::events::settle(conn)?;
        knowledge::news(conn)?;
        Ok(true)
    })
    .map_err(|e| format!("cannot load the demo: {e}"))?;
    if loaded {
        println!(
            "fika: demo loaded. Sign in as {DEMO_ADMIN} (admin) or any demo person, password {DEMO_PASSWORD}"
        );
    } else {
        println!("fika: the database already has content; demo content not loaded");
    }
    Ok(())
}
