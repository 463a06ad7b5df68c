//! `fika blameless score`: the blameless check measured on labelled sentences, the figures
//! BENCHMARKS.md records; `fika blameless features`: what its model reads, to train it on.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::postmortems::blameless::score::{
    Label, Labelled, Score, parse_labelled, parse_people, score,
};
use crate::postmortems::blameless::{People, PersonRef, Rules};

#[derive(Debug, Subcommand)]
pub enum BlamelessCommand {
    /// Measure the check on labelled sentences: JSON Lines files of
    /// `{"label": "blame"|"ok", "place": "anywhere"|"factors", "text": "…"}`; prints
    /// precision and recall per file.
    Score {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<std::path::PathBuf>,
        /// The organization's people, one `username Display Name` per line.
        #[arg(long, value_name = "FILE")]
        people: Option<std::path::PathBuf>,
        /// An admin's rule file to extend the built-in rules with.
        #[arg(long, value_name = "FILE")]
        rules: Option<std::path::PathBuf>,
        /// Also list every sentence judged differently from its label.
        #[arg(long)]
        misses: bool,
        /// Weights for the model of `narrative-blame` instead of the shipped ones (a file
        /// in model.txt's format), so bench/blameless_model.py can measure a model it
        /// trained on some sets with the whole check on the others.
        #[arg(long, value_name = "FILE")]
        model: Option<std::path::PathBuf>,
    },
    /// Print the features the model of `narrative-blame` reads in each labelled sentence,
    /// one JSON line each (`{"label": …, "features": [hashes]}`), for
    /// bench/blameless_model.py to train it on.
    Features {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<std::path::PathBuf>,
        /// The organization's people, one `username Display Name` per line.
        #[arg(long, value_name = "FILE")]
        people: Option<std::path::PathBuf>,
    },
}

/// Runs a `fika blameless` command.
pub fn run_command(command: BlamelessCommand) -> Result<(), String> {
    match command {
        BlamelessCommand::Score {
            files,
            people,
            rules,
            misses,
            model,
        } => {
            let mut rules = match rules {
                Some(path) => Rules::load(&path)?,
                None => Rules::builtin()?,
            };
            for doubt in rules.warnings() {
                eprintln!("warning: {doubt}");
            }
            if let Some(path) = model {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                rules.use_model(&text)?;
            }
            run(&files, people.as_deref(), &rules, misses)
        }
        BlamelessCommand::Features { files, people } => features(&files, people.as_deref()),
    }
}

/// Scores each file and prints precision and recall (and, with `misses`, every sentence the
/// rules judged differently from its label, with what they found).
pub fn run(
    files: &[PathBuf],
    people: Option<&Path>,
    rules: &Rules,
    misses: bool,
) -> Result<(), String> {
    let known = People::new(&read_people(people)?);
    for file in files {
        let set = read_set(file)?;
        let s = score(rules, &known, &set);
        println!("{}", summary(&file.display().to_string(), &s));
        if misses {
            print_misses(&s);
        }
    }
    Ok(())
}

/// Prints each labelled sentence's model features as a JSON line.
pub fn features(files: &[PathBuf], people: Option<&Path>) -> Result<(), String> {
    let rules = Rules::builtin()?;
    let known = People::new(&read_people(people)?);
    let mut out = std::io::stdout().lock();
    for file in files {
        for s in &read_set(file)? {
            let label = match s.label {
                Label::Blame => "blame",
                Label::Ok => "ok",
            };
            let features = rules.model_features(&s.text, &known);
            let line = serde_json::json!({ "label": label, "features": features });
            // A reader that stops early (`| head`) ends the output, not the program.
            match writeln!(out, "{line}") {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                written => written.map_err(|e| format!("writing the features: {e}"))?,
            }
        }
    }
    Ok(())
}

fn summary(name: &str, s: &Score) -> String {
    let blame = s.true_positives + s.false_negatives;
    let ok = s.false_positives + s.true_negatives;
    format!(
        "{name}: {} sentences ({blame} blame, {ok} ok): precision {:.3}, recall {:.3} \
         (flagged {} of {blame} blaming, {} of {ok} blameless)",
        blame + ok,
        s.precision(),
        s.recall(),
        s.true_positives,
        s.false_positives,
    )
}

fn print_misses(s: &Score) {
    for m in &s.misses {
        let what = match m.sentence.label {
            Label::Blame => "not heard",
            Label::Ok => "false alarm",
        };
        println!("  {what}: {}", m.sentence.text);
        for f in &m.findings {
            println!("      {} \"{}\"", f.rule, f.phrase);
        }
    }
}

/// The people file of `--people`; nobody without one.
fn read_people(path: Option<&Path>) -> Result<Vec<PersonRef>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_people(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A labelled set's sentences.
fn read_set(file: &Path) -> Result<Vec<Labelled>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    parse_labelled(&text).map_err(|e| format!("{}: {e}", file.display()))
}
