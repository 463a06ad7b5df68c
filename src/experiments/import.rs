//! Importing an experiment's data from a CSV file, on its page and through the API. Two
//! layouts, each with its header (a contract; README, "Import data from a CSV"):
//!
//! ```text
//! metric,variant,units,conversions      (conversion metrics)
//! metric,variant,n,mean,sd              (continuous metrics)
//! ```
//!
//! Each row sets the data of the metric and variant it names, by name; data of pairs the file
//! does not name stay. The rows go into the experiment's form and through the same parsing
//! as a save, so the file is refused whole, with each message at its line, or changes
//! everything it says.

use std::collections::BTreeMap;

use super::forms::{DataRow, Form};
use crate::site::forms::FieldErrors;

/// The most rows a file may have (20 metrics by 10 variants is 200).
pub const MAX_ROWS: usize = 1_000;

/// One row of the file: where it is, what it names, and its figures as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    pub line: u64,
    pub metric: String,
    pub variant: String,
    pub cells: DataRow,
}

const CONVERSION: [&str; 4] = ["metric", "variant", "units", "conversions"];
const CONTINUOUS: [&str; 5] = ["metric", "variant", "n", "mean", "sd"];

/// The rows of a file, or why it cannot be read (keyed `line N`, or `csv` for the whole).
pub fn read(text: &str) -> Result<Vec<CsvRow>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_lowercase()).collect(),
        Err(e) => {
            errors.insert("csv", format!("The file is not CSV: {e}."));
            return Err(errors);
        }
    };
    let layout = match layout(&header) {
        Some(l) => l,
        None => {
            errors.insert(
                "csv",
                format!(
                    "The first line names the columns: {} for conversion metrics, or {} for \
                     continuous ones (it was {:?}).",
                    CONVERSION.join(","),
                    CONTINUOUS.join(","),
                    header.join(",")
                ),
            );
            return Err(errors);
        }
    };
    let line_at = |p: Option<&csv::Position>| line_of(text, p);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_at(e.position());
                errors.insert(format!("line {line}"), format!("Not readable as CSV: {e}."));
                continue;
            }
        };
        let line = line_at(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != layout.len() {
            errors.insert(
                format!("line {line}"),
                format!(
                    "{} values where the header has {}.",
                    record.len(),
                    layout.len()
                ),
            );
            continue;
        }
        rows.push(row(&record, layout, line));
        if rows.len() > MAX_ROWS {
            errors.insert("csv", format!("At most {MAX_ROWS} rows."));
            return Err(errors);
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.insert("csv", "The file has its header but no rows.");
    }
    errors.or_ok(rows)
}

/// The line a record starts on, counted from its byte offset (the reader's own line count
/// skips blank lines).
fn line_of(text: &str, p: Option<&csv::Position>) -> u64 {
    p.map_or(0, |p| {
        let mut at = usize::try_from(p.byte())
            .unwrap_or(usize::MAX)
            .min(text.len());
        // A record's position is where the blank lines before it begin.
        while matches!(text.as_bytes().get(at), Some(b'\n' | b'\r')) {
            at += 1;
        }
        text.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    })
}

/// The layout a header names, if it is one of the two.
fn layout(header: &[String]) -> Option<&'static [&'static str]> {
    if header == CONVERSION {
        Some(&CONVERSION)
    } else if header == CONTINUOUS {
        Some(&CONTINUOUS)
    } else {
        None
    }
}

/// A record of `layout` as a row, its cells by column name.
fn row(record: &csv::StringRecord, layout: &[&str], line: u64) -> CsvRow {
    let cell = |name: &str| {
        layout
            .iter()
            .position(|c| *c == name)
            .and_then(|i| record.get(i))
            .unwrap_or_default()
            .to_string()
    };
    CsvRow {
        line,
        metric: cell("metric"),
        variant: cell("variant"),
        cells: DataRow {
            units: cell("units"),
            conversions: cell("conversions"),
            n: cell("n"),
            mean: cell("mean"),
            sd: cell("sd"),
        },
    }
}

/// Puts the rows into the form's data; returns which line set which (metric row, variant
/// row), or the lines that name something the experiment does not have.
pub fn apply(
    form: &mut Form,
    rows: Vec<CsvRow>,
) -> Result<BTreeMap<(usize, usize), u64>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut lines = BTreeMap::new();
    let names = |list: Vec<&String>| {
        list.iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for row in rows {
        let m = form
            .metrics
            .iter()
            .position(|m| m.name.trim() == row.metric);
        let v = form
            .variants
            .iter()
            .position(|v| v.name.trim() == row.variant);
        let at = format!("line {}", row.line);
        match (m, v) {
            (None, _) => errors.insert(
                at,
                format!(
                    "There is no metric {:?}; the metrics are {}.",
                    row.metric,
                    names(form.metrics.iter().map(|m| &m.name).collect())
                ),
            ),
            (_, None) => errors.insert(
                at,
                format!(
                    "There is no variant {:?}; the variants are {}.",
                    row.variant,
                    names(form.variants.iter().map(|v| &v.name).collect())
                ),
            ),
            (Some(m), Some(v)) => {
                if let Some(first) = lines.insert((m, v), row.line) {
                    errors.insert(
                        at,
                        format!(
                            "{} in {} is already on line {first}.",
                            row.metric, row.variant
                        ),
                    );
                }
                form.data.insert((m, v), row.cells);
            }
        }
    }
    errors.or_ok(lines)
}

/// The form's messages about the imported data, said at the lines they came from
/// (`data_0_1_units` → `line 3`); other messages stay as they are.
pub fn at_lines(
    errors: FieldErrors,
    form: &Form,
    lines: &BTreeMap<(usize, usize), u64>,
) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        let pair = field.strip_prefix("data_").and_then(|rest| {
            let mut parts = rest.splitn(3, '_');
            Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
        });
        match pair.and_then(|p: (usize, usize)| Some((p, lines.get(&p)?))) {
            Some(((m, v), line)) => {
                let metric = form.metrics.get(m).map_or("", |x| x.name.as_str());
                let variant = form.variants.get(v).map_or("", |x| x.name.as_str());
                out.insert(
                    format!("line {line}"),
                    format!("{metric} in {variant}: {message}"),
                );
            }
            None => out.insert(field.clone(), message.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_are_read_with_their_line_numbers() {
        let rows = read("\u{feff}Metric,Variant,Units,Conversions\nstarts,control,15000,1500\n\n\"starts, all\",big, 15000 ,1650\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].line, rows[1].metric.as_str()), (4, "starts, all"));
        assert_eq!(rows[1].cells.units, "15000");
        let rows = read("metric,variant,n,mean,sd\nminutes,control,5000,52.3,20.1\n").unwrap();
        assert_eq!(rows[0].cells.sd, "20.1");
    }

    #[test]
    fn a_file_that_cannot_be_read_says_where() {
        assert!(
            read("metric,variant,units\nx,y,1\n").unwrap_err()["csv"].contains("names the columns")
        );
        assert!(read("metric,variant,units,conversions\n").unwrap_err()["csv"].contains("no rows"));
        let e = read("metric,variant,units,conversions\na,b,1,0\na,b,1\n").unwrap_err();
        assert!(e["line 3"].contains("3 values"), "{e:?}");
    }
}
