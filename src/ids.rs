//! Typed ids for the records whose ids are easiest to mix up: a person and a unit. A
//! membership, a role holder or a squad's product owner names both side by side, and as two
//! `i64`s a swapped pair compiled and read a stranger's data; as [`PersonId`] and [`UnitId`] it
//! does not compile. Both are stored as the `BIGINT` they always were and serialize as the bare
//! number, so the database, the JSON API and the URLs see no change.
//!
//! A swapped pair is refused by the compiler:
//!
//! ```compile_fail
//! use fika::ids::{PersonId, UnitId};
//! fn join(person: PersonId, unit: UnitId) {}
//! join(UnitId(3), PersonId(7));
//! ```
//!
//! while the right order compiles:
//!
//! ```
//! use fika::ids::{PersonId, UnitId};
//! fn join(person: PersonId, unit: UnitId) {}
//! join(PersonId(7), UnitId(3));
//! ```

use std::fmt;
use std::str::FromStr;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};

/// Declares one id type: a `BIGINT` column on either backend, a bare number in JSON and text.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
            Serialize, Deserialize, AsExpression, FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = BigInt)]
        pub struct $name(pub i64);

        impl $name {
            /// The number as stored, for the places that talk to code outside the model
            /// (URLs, change-log rows, search documents).
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl<DB> ToSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB> FromSql<BigInt, DB> for $name
        where
            DB: Backend,
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
    };
}

typed_id!(
    /// A person's id (`people.id`).
    PersonId
);

typed_id!(
    /// A unit's id (`units.id`): a tribe, squad, chapter, guild, trio or alliance.
    UnitId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_write_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&PersonId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UnitId>("7").unwrap(), UnitId(7));
        assert_eq!("13".parse::<UnitId>().unwrap(), UnitId(13));
        assert_eq!(PersonId(5).to_string(), "5");
    }
}
