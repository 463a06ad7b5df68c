//! The framework's texts, without I/O: the description of each step and behavior, the example
//! behaviors per step (prompts for a conversation, not a checklist) and the intended
//! distribution. fika ships defaults; admins edit any of them and an edit wins.

use std::collections::HashMap;

use super::model::{Behavior, Step};

/// The editable texts by key, with the defaults fika ships. Admins edit any of them; an
/// edit is stored by key and wins over the default.
pub fn default_texts() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (step, description, intended) in STEP_TEXTS {
        out.push((format!("step:{}:description", step.key()), description));
        out.push((format!("intended:{}", step.key()), intended));
    }
    for (behavior, description) in BEHAVIOR_TEXTS {
        out.push((
            format!("behavior:{}:description", behavior.key()),
            description,
        ));
    }
    for (step, behavior, examples) in EXAMPLES {
        out.push((
            format!("example:{}:{}", step.key(), behavior.key()),
            examples,
        ));
    }
    out
}

const STEP_TEXTS: [(Step, &str, &str); 4] = [
    (
        Step::Individual,
        "Your impact is your own work. You learn the craft, deliver what you took on with help when you need it, and grow your judgement by asking and listening.",
        "45",
    ),
    (
        Step::Squad,
        "Your impact reaches your squad and your chapter. Others rely on you to move the squad's mission forward and to raise the craft of the people around you.",
        "35",
    ),
    (
        Step::Tribe,
        "Your impact reaches a tribe or a guild. You shape how several squads work, solve problems that cross their borders, and grow people beyond your own team.",
        "15",
    ),
    (
        Step::Company,
        "Your impact reaches the whole company or its technology. You set direction others build on, and your work changes how the organization works and learns.",
        "5",
    ),
];

const BEHAVIOR_TEXTS: [(Behavior, &str); 5] = [
    (
        Behavior::Team,
        "Puts the team's goal before personal credit; helps others succeed.",
    ),
    (
        Behavior::Improves,
        "Learns, reflects and changes how things are done — for self and for others.",
    ),
    (
        Behavior::Accountable,
        "Owns outcomes, keeps commitments, and raises it kindly when others do not.",
    ),
    (
        Behavior::Impact,
        "Connects the work to what users and the business need, and chooses accordingly.",
    ),
    (
        Behavior::Mastery,
        "Is skilled in their discipline and keeps deepening and sharing that skill.",
    ),
];

/// Prompts for a conversation, one line each — not a checklist.
const EXAMPLES: [(Step, Behavior, &str); 20] = [
    (
        Step::Individual,
        Behavior::Team,
        "Asks for help early and offers it.\nShares credit in the squad's demo.",
    ),
    (
        Step::Individual,
        Behavior::Improves,
        "Asks for feedback on their work and acts on it.\nBrings one thing to each retro.",
    ),
    (
        Step::Individual,
        Behavior::Accountable,
        "Finishes what they start or says early that they can't.\nOwns their mistakes in post-mortems, blamelessly.",
    ),
    (
        Step::Individual,
        Behavior::Impact,
        "Can say why the task at hand matters to users.",
    ),
    (
        Step::Individual,
        Behavior::Mastery,
        "Delivers well-scoped work in their discipline with review.\nLearns the squad's tools and practices.",
    ),
    (
        Step::Squad,
        Behavior::Team,
        "Pairs and mentors in the squad.\nPicks up unglamorous work the squad needs.",
    ),
    (
        Step::Squad,
        Behavior::Improves,
        "Turns retro action items into changes that stick.\nImproves the chapter's practices.",
    ),
    (
        Step::Squad,
        Behavior::Accountable,
        "Keeps the squad's commitments visible and honest.\nGives direct, kind feedback to peers.",
    ),
    (
        Step::Squad,
        Behavior::Impact,
        "Shapes the squad's priorities with the product owner using data.",
    ),
    (
        Step::Squad,
        Behavior::Mastery,
        "The squad's go-to person for a part of the discipline.\nReviews and raises others' work.",
    ),
    (
        Step::Tribe,
        Behavior::Team,
        "Helps other squads succeed, even at a cost to their own.\nBuilds bridges between squads and chapters.",
    ),
    (
        Step::Tribe,
        Behavior::Improves,
        "Spreads a practice across the tribe or guild.\nGrows people outside their squad.",
    ),
    (
        Step::Tribe,
        Behavior::Accountable,
        "Owns a problem that crosses squads until it is solved.",
    ),
    (
        Step::Tribe,
        Behavior::Impact,
        "Influences the tribe's direction and trade-offs.",
    ),
    (
        Step::Tribe,
        Behavior::Mastery,
        "Recognised across the tribe or guild for their craft.\nTeaches it in talks, guilds and docs.",
    ),
    (
        Step::Company,
        Behavior::Team,
        "Makes the whole organization work better together.",
    ),
    (
        Step::Company,
        Behavior::Improves,
        "Changes how the company learns and improves.",
    ),
    (
        Step::Company,
        Behavior::Accountable,
        "Holds company-wide outcomes and the people who own them to account.",
    ),
    (
        Step::Company,
        Behavior::Impact,
        "Shapes company strategy and technology direction.",
    ),
    (
        Step::Company,
        Behavior::Mastery,
        "Known outside the company for their discipline.",
    ),
];

/// The framework as shown: defaults with the admins' edits on top.
#[derive(Debug, Clone)]
pub struct Framework {
    texts: HashMap<String, String>,
}

impl Framework {
    pub fn new(edits: HashMap<String, String>) -> Framework {
        let mut texts: HashMap<String, String> = default_texts()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        texts.extend(edits.into_iter().filter(|(k, _)| is_text_key(k)));
        Framework { texts }
    }

    pub fn text(&self, key: &str) -> &str {
        self.texts.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn step_description(&self, s: &Step) -> &str {
        self.text(&format!("step:{}:description", s.key()))
    }

    pub fn behavior_description(&self, b: &Behavior) -> &str {
        self.text(&format!("behavior:{}:description", b.key()))
    }

    /// The example behaviors of one step and behavior, a line each.
    pub fn examples(&self, s: &Step, b: &Behavior) -> Vec<&str> {
        self.text(&format!("example:{}:{}", s.key(), b.key()))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The intended share of people at a step, in percent.
    pub fn intended(&self, s: &Step) -> u32 {
        self.text(&format!("intended:{}", s.key()))
            .trim()
            .parse()
            .unwrap_or(0)
    }
}

/// Whether `key` names one of the framework's texts.
pub fn is_text_key(key: &str) -> bool {
    default_texts().iter().any(|(k, _)| k == key)
}

/// Checks an admin's edit of the framework: every text present and not too long, and the
/// intended distribution whole percentages adding up to 100.
pub fn check_texts(edits: &HashMap<String, String>) -> Result<(), HashMap<String, String>> {
    let mut errors = HashMap::new();
    for (key, _) in default_texts() {
        let value = edits.get(&key).map(|v| v.trim()).unwrap_or("");
        if key.starts_with("intended:") {
            continue;
        }
        if value.is_empty() {
            errors.insert(key, "Please keep some text here.".to_string());
        } else if value.chars().count() > 2_000 {
            errors.insert(key, "At most 2,000 characters.".to_string());
        }
    }
    let mut sum = 0;
    for s in Step::ALL {
        let key = format!("intended:{}", s.key());
        match edits
            .get(&key)
            .map(|v| v.trim())
            .unwrap_or("")
            .parse::<u32>()
        {
            Ok(v) if v <= 100 => sum += v,
            _ => {
                errors.insert(key, "A whole percentage from 0 to 100.".to_string());
            }
        }
    }
    if errors.is_empty() && sum != 100 {
        errors.insert(
            "intended:individual".into(),
            format!("The intended shares add up to {sum}%, not 100%."),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_texts_default_and_check() {
        let f = Framework::new(HashMap::from([(
            "step:squad:description".to_string(),
            "Edited.".to_string(),
        )]));
        assert_eq!(f.step_description(&Step::Squad), "Edited.");
        assert_eq!(f.examples(&Step::Squad, &Behavior::Team).len(), 2);
        let total: u32 = Step::ALL.iter().map(|s| f.intended(s)).sum();
        assert_eq!(total, 100);
        let mut edits: HashMap<String, String> = default_texts()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        assert!(check_texts(&edits).is_ok());
        edits.insert("intended:company".into(), "50".into());
        assert!(
            check_texts(&edits)
                .unwrap_err()
                .contains_key("intended:individual")
        );
    }
}
