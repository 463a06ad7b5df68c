//! What each backend says about fika's tables (columns, types, primary keys,
//! self-references), and the SQL that reads rows as JSON and writes JSON back as rows. Each
//! backend's JSON functions do the per-value work, so a table moves as one statement per
//! batch instead of one per row.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::{ColType, Column};
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};

/// A table as the connected database has it.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The backend's own type of each column, for PostgreSQL's casts.
    pub decl: Vec<String>,
    /// Primary-key columns, in key order.
    pub key: Vec<String>,
    /// Columns that reference the table itself (`units.tribe_id`): loaded empty and filled in
    /// once every row exists, so rows need no particular order.
    pub self_refs: Vec<String>,
}

impl Table {
    pub fn column_type(&self, name: &str) -> Option<ColType> {
        self.columns.iter().find(|c| c.name == name).map(|c| c.ty)
    }
}

#[derive(QueryableByName)]
struct CatalogRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    decl: String,
    #[diesel(sql_type = BigInt)]
    pk: i64,
    #[diesel(sql_type = Bool)]
    self_ref: bool,
}

/// One text value per row: a JSON object, a count, a name.
#[derive(QueryableByName)]
pub struct Line {
    #[diesel(sql_type = Text)]
    pub line: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const SQLITE_COLUMNS: &str = "SELECT c.name AS name, c.type AS decl, c.pk AS pk, \
     EXISTS (SELECT 1 FROM pragma_foreign_key_list(?1) f \
             WHERE f.\"table\" = ?1 AND f.\"from\" = c.name) AS self_ref \
     FROM pragma_table_info(?1) c ORDER BY c.cid";

const PG_COLUMNS: &str = "SELECT a.attname::text AS name, \
     format_type(a.atttypid, a.atttypmod) AS decl, \
     COALESCE((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(att, n) \
               WHERE k.att = a.attnum), 0)::bigint AS pk, \
     EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' \
             AND f.conrelid = a.attrelid AND f.confrelid = a.attrelid \
             AND a.attnum = ANY (f.conkey)) AS self_ref \
     FROM pg_attribute a \
     LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary \
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attnum";

/// fika's type for a backend's declared type; the list is short because fika's migrations
/// use only these.
fn col_type(decl: &str) -> Option<ColType> {
    let d = decl.to_ascii_lowercase();
    Some(match d.as_str() {
        "integer" | "bigint" | "smallint" => ColType::Integer,
        "boolean" => ColType::Boolean,
        "text" => ColType::Text,
        "timestamp" | "timestamp without time zone" => ColType::Timestamp,
        "date" => ColType::Date,
        "blob" | "bytea" => ColType::Binary,
        _ => return None,
    })
}

/// Reads a table's description from the database.
pub fn table(conn: &mut AnyConnection, name: &str) -> AppResult<Table> {
    let sql = if conn.is_sqlite() {
        SQLITE_COLUMNS
    } else {
        PG_COLUMNS
    };
    let mut rows: Vec<CatalogRow> = diesel::sql_query(sql).bind::<Text, _>(name).load(conn)?;
    if rows.is_empty() {
        return Err(AppError::internal(format!(
            "table {name} is missing from the database"
        )));
    }
    let mut columns = Vec::new();
    let mut decl = Vec::new();
    for r in &rows {
        let ty = col_type(&r.decl).ok_or_else(|| {
            AppError::internal(format!(
                "column {name}.{} has type {}, which backups do not know",
                r.name, r.decl
            ))
        })?;
        columns.push(Column {
            name: r.name.clone(),
            ty,
        });
        decl.push(r.decl.clone());
    }
    let self_refs = rows
        .iter()
        .filter(|r| r.self_ref)
        .map(|r| r.name.clone())
        .collect();
    rows.retain(|r| r.pk > 0);
    rows.sort_by_key(|r| r.pk);
    let key: Vec<String> = rows.into_iter().map(|r| r.name).collect();
    if key.is_empty() {
        return Err(AppError::internal(format!(
            "table {name} has no primary key"
        )));
    }
    Ok(Table {
        name: name.to_string(),
        columns,
        decl,
        key,
        self_refs,
    })
}

/// Every table of a SQLite database with the tables it references; for the unit test that
/// holds [`super::TABLES`] to the migrations.
#[cfg(test)]
pub fn sqlite_tables(conn: &mut AnyConnection) -> AppResult<Vec<(String, Vec<String>)>> {
    let names: Vec<Line> = diesel::sql_query(
        "SELECT name AS line FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
    )
    .load(conn)?;
    let mut out = Vec::new();
    for n in names {
        let refs: Vec<Line> =
            diesel::sql_query("SELECT DISTINCT \"table\" AS line FROM pragma_foreign_key_list(?1)")
                .bind::<Text, _>(&n.line)
                .load(conn)?;
        out.push((n.line, refs.into_iter().map(|r| r.line).collect()));
    }
    Ok(out)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub fn count(conn: &mut AnyConnection, table: &str) -> AppResult<u64> {
    let c: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {}", quote(table)))
        .get_result(conn)?;
    Ok(c.n.max(0) as u64)
}

/// Where the next batch of a table's rows starts.
#[derive(Debug, Clone)]
pub enum Cursor {
    /// After this key: a table with one integer key is read by its index, so each batch
    /// costs the same however far into the table it is.
    Key(Option<i64>),
    /// After this many rows, for the few tables with composite or text keys (all small).
    Offset(u64),
}

impl Cursor {
    pub fn start(t: &Table) -> Cursor {
        if t.key.len() == 1 && t.column_type(&t.key[0]) == Some(ColType::Integer) {
            Cursor::Key(None)
        } else {
            Cursor::Offset(0)
        }
    }

    /// The position after a batch that ended with `last`, `read` rows into the table.
    pub fn after(&self, t: &Table, read: u64, last: Option<&String>) -> AppResult<Cursor> {
        Ok(match self {
            Cursor::Offset(_) => Cursor::Offset(read),
            Cursor::Key(_) => {
                let row: serde_json::Value =
                    serde_json::from_str(last.map_or("{}", |l| l)).map_err(AppError::internal)?;
                Cursor::Key(Some(row[&t.key[0]].as_i64().ok_or_else(|| {
                    AppError::internal(format!("a row of {} has no key", t.name))
                })?))
            }
        })
    }
}

/// The next `limit` rows in key order, each as one JSON object in the file's format.
pub fn read_rows(
    conn: &mut AnyConnection,
    t: &Table,
    limit: i64,
    from: &Cursor,
) -> AppResult<Vec<String>> {
    let order = t
        .key
        .iter()
        .map(|k| quote(k))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = if conn.is_sqlite() {
        let pairs = t
            .columns
            .iter()
            .map(|c| {
                let q = quote(&c.name);
                let value = match c.ty {
                    // A JSON true/false rather than SQLite's 1/0.
                    ColType::Boolean => format!(
                        "json(CASE WHEN {q} IS NULL THEN 'null' WHEN {q} THEN 'true' ELSE 'false' END)"
                    ),
                    ColType::Binary => format!("CASE WHEN {q} IS NULL THEN NULL ELSE lower(hex({q})) END"),
                    _ => q,
                };
                format!("'{}', {value}", c.name)
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "SELECT json_object({pairs}) AS line FROM {} WHERE {} ORDER BY {order} LIMIT ?1 OFFSET ?2",
            quote(&t.name),
            key_after(t, from, "?3")
        )
    } else {
        let cols = t
            .columns
            .iter()
            .map(|c| {
                let q = quote(&c.name);
                match c.ty {
                    ColType::Binary => format!("encode({q}, 'hex') AS {q}"),
                    ColType::Timestamp => {
                        format!("to_char({q}, 'YYYY-MM-DD HH24:MI:SS.US') AS {q}")
                    }
                    _ => q,
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "SELECT row_to_json(r)::text AS line FROM \
             (SELECT {cols} FROM {} WHERE {} ORDER BY {order} LIMIT $1 OFFSET $2) r",
            quote(&t.name),
            key_after(t, from, "$3")
        )
    };
    let (offset, key) = match from {
        Cursor::Offset(n) => (*n as i64, i64::MIN),
        Cursor::Key(k) => (0, k.unwrap_or(i64::MIN)),
    };
    let rows: Vec<Line> = diesel::sql_query(sql)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .bind::<BigInt, _>(key)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.line).collect())
}

/// The condition that starts a batch; the key parameter is always bound, so both paging
/// kinds share one statement shape.
fn key_after(t: &Table, from: &Cursor, param: &str) -> String {
    match from {
        Cursor::Key(_) => format!("{} > {param}", quote(&t.key[0])),
        Cursor::Offset(_) => format!("{param} IS NOT NULL"),
    }
}

/// The statement that inserts a JSON array of row objects (its one parameter), with the
/// self-referencing columns left empty.
pub fn insert_sql(sqlite: bool, t: &Table) -> String {
    let names = t
        .columns
        .iter()
        .map(|c| quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let values = t
        .columns
        .iter()
        .zip(&t.decl)
        .map(|(c, decl)| {
            if t.self_refs.contains(&c.name) {
                return "NULL".to_string();
            }
            // SQLite's ->> takes a JSON path, PostgreSQL's a key.
            let name = c.name.replace('\'', "''");
            match (sqlite, c.ty) {
                (true, ColType::Binary) => format!("unhex(value ->> '$.{name}')"),
                (true, _) => format!("value ->> '$.{name}'"),
                (false, ColType::Binary) => format!("decode(v ->> '{name}', 'hex')"),
                (false, _) => format!("(v ->> '{name}')::{decl}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if sqlite {
        format!(
            "INSERT INTO {} ({names}) SELECT {values} FROM json_each(?1)",
            quote(&t.name)
        )
    } else {
        // Ids keep their values: the identity columns are GENERATED ALWAYS.
        format!(
            "INSERT INTO {} ({names}) OVERRIDING SYSTEM VALUE SELECT {values} \
             FROM json_array_elements($1::json) AS r(v)",
            quote(&t.name)
        )
    }
}

/// The statement that fills a self-referencing column from a JSON array of
/// `{"k": key, "v": value}` pairs (its one parameter).
pub fn fill_self_ref_sql(sqlite: bool, t: &Table, column: &str) -> String {
    let table = quote(&t.name);
    let key = quote(&t.key[0]);
    let col = quote(column);
    if sqlite {
        format!(
            "UPDATE {table} SET {col} = (SELECT j.value ->> '$.v' FROM json_each(?1) j \
             WHERE j.value ->> '$.k' = {table}.{key}) \
             WHERE {key} IN (SELECT value ->> '$.k' FROM json_each(?1))"
        )
    } else {
        let decl_of = |name: &str| {
            t.columns
                .iter()
                .position(|c| c.name == name)
                .map(|i| t.decl[i].clone())
                .unwrap_or_else(|| "bigint".into())
        };
        format!(
            "UPDATE {table} SET {col} = (x.v ->> 'v')::{} \
             FROM json_array_elements($1::json) AS x(v) \
             WHERE {table}.{key} = (x.v ->> 'k')::{}",
            decl_of(column),
            decl_of(&t.key[0])
        )
    }
}

/// Moves PostgreSQL's identity counter past the restored ids, so the next insert does not
/// collide with one of them.
pub fn advance_identity(conn: &mut AnyConnection, t: &Table) -> AppResult<()> {
    if conn.is_sqlite() || t.key.len() != 1 || t.column_type(&t.key[0]) != Some(ColType::Integer) {
        return Ok(());
    }
    let table = quote(&t.name);
    let key = quote(&t.key[0]);
    let literal = format!("'{}'", table.replace('\'', "''"));
    diesel::sql_query(format!(
        "SELECT setval(s::regclass, m) FROM (SELECT pg_get_serial_sequence({literal}, '{}') AS s, \
         max({key}) AS m FROM {table}) x WHERE s IS NOT NULL AND m IS NOT NULL",
        t.key[0].replace('\'', "''")
    ))
    .execute(conn)?;
    Ok(())
}

/// The newest migration applied, read with plain SQL: diesel's own call would first try to
/// create its table, which a read-only snapshot refuses.
pub fn schema_version(conn: &mut AnyConnection) -> AppResult<Option<String>> {
    let v: Vec<Line> = diesel::sql_query(
        "SELECT max(version) AS line FROM __diesel_schema_migrations HAVING max(version) IS NOT NULL",
    )
    .load(conn)?;
    Ok(v.into_iter().next().map(|l| l.line))
}

/// Runs a statement without parameters.
pub fn execute_plain(conn: &mut AnyConnection, sql: &str) -> AppResult<()> {
    diesel::sql_query(sql).execute(conn)?;
    Ok(())
}

/// Runs a statement whose one parameter is JSON text.
pub fn execute_json(conn: &mut AnyConnection, sql: &str, json: &str) -> AppResult<usize> {
    Ok(diesel::sql_query(sql).bind::<Text, _>(json).execute(conn)?)
}
