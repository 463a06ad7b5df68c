//! The demo retrospectives as data: `data/retros.yaml` (whose header says what each field
//! means), embedded at build time and read here; the loader is in `retros.rs`.

use serde::Deserialize;

use crate::error::{AppError, AppResult};

/// An action item agreed in a demo retro.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoRetroAction {
    pub title: String,
    /// Owned by the n-th member of the squad (0-based, wraps around), or by the squad alone.
    pub owner: Option<usize>,
    /// Due date in days after the retro.
    pub due_in_days: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoRetro {
    pub squad: String,
    pub days_ago: i64,
    pub format: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub anonymous: bool,
    /// (column index, text).
    #[serde(default)]
    pub cards: Vec<(usize, String)>,
    /// (group title, indexes into `cards`, dot votes on the group).
    #[serde(default)]
    pub groups: Vec<(String, Vec<usize>, u32)>,
    #[serde(default)]
    pub actions: Vec<DemoRetroAction>,
    /// (index into the previous retro's `actions`, verdict).
    #[serde(default)]
    pub review: Vec<(usize, String)>,
}

const RETROS: &str = include_str!("data/retros.yaml");

/// Every demo retro, oldest first within each squad.
pub(super) fn retros() -> AppResult<Vec<DemoRetro>> {
    serde_yaml_ng::from_str(RETROS)
        .map_err(|e| AppError::internal(format!("src/demo/data/retros.yaml: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the header of the data file promises, so a slip in an edit shows here and not
    /// as an odd demo.
    #[test]
    fn the_demo_retros_read_and_keep_their_shape() {
        let retros = retros().unwrap();
        assert_eq!(retros.len(), 47);
        for r in &retros {
            let at = format!("{} {} days ago", r.squad, r.days_ago);
            if r.days_ago == 0 {
                assert!(r.cards.is_empty() && r.actions.is_empty(), "{at}: running");
                continue;
            }
            assert!(
                (6..=12).contains(&r.cards.len()),
                "{at}: {} cards",
                r.cards.len()
            );
            assert!((1..=3).contains(&r.actions.len()), "{at}: actions");
            assert!(
                r.cards.iter().all(|(_, t)| t.chars().count() <= 200),
                "{at}"
            );
            assert_eq!(r.format == "custom", !r.columns.is_empty(), "{at}: columns");
            let groups = r.groups.iter().flat_map(|(_, cards, _)| cards);
            assert!(groups.clone().all(|&i| i < r.cards.len()), "{at}: group");
            assert!(
                r.review
                    .iter()
                    .all(|(_, v)| ["done", "open", "dropped"].contains(&v.as_str())),
                "{at}: review"
            );
        }
    }
}
