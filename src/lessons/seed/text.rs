//! The text of one generated lesson: a title, a Markdown body that keeps coming back to its
//! topic, and tags, drawn from the vocabulary tables by a seeded random generator.

use rand::Rng;
use rand::rngs::StdRng;

use super::vocabulary::{EVENTS, METRICS, SENTENCES, SUBJECTS, TAGS, TITLES, WORDS};

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// A long tail (Zipf, exponent 1): the first items are common, the last rare — like words.
fn pick_zipf<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    let r: f64 = rng.random::<f64>();
    from[((from.len() as f64).powf(r) - 1.0) as usize % from.len()]
}

/// What one lesson is about: it keeps coming back to its subjects, like a real one does.
struct Topic {
    s: &'static str,
    s2: &'static str,
    e: &'static str,
    m: &'static str,
}

impl Topic {
    fn new(rng: &mut StdRng) -> Topic {
        let s = pick(rng, SUBJECTS);
        let mut s2 = pick(rng, SUBJECTS);
        if s2 == s {
            s2 =
                SUBJECTS[(SUBJECTS.iter().position(|x| *x == s).unwrap_or(0) + 1) % SUBJECTS.len()];
        }
        Topic {
            s,
            s2,
            e: pick(rng, EVENTS),
            m: pick(rng, METRICS),
        }
    }

    /// One of `templates` about this topic; now and then about a neighbouring subject.
    fn fill(&self, rng: &mut StdRng, templates: &[&str]) -> String {
        let template = pick(rng, templates);
        let s2 = if rng.random_bool(0.2) {
            pick(rng, SUBJECTS)
        } else {
            self.s2
        };
        let m = if rng.random_bool(0.3) {
            pick(rng, METRICS)
        } else {
            self.m
        };
        template
            .replace("{s2}", s2)
            .replace("{s}", self.s)
            .replace("{e}", self.e)
            .replace("{m}", m)
            .replace("{n}", &rng.random_range(2..95).to_string())
    }
}

fn capitalized(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// One generated lesson: a title, a Markdown body of one to nine paragraphs, tags.
pub(super) fn lesson(rng: &mut StdRng) -> (String, String, Vec<String>) {
    let topic = Topic::new(rng);
    let title = capitalized(topic.fill(rng, TITLES));
    let paragraphs = 1 + (rng.random::<f64>().powi(2) * 9.0) as usize;
    let mut body = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            body.push_str("\n\n");
        }
        if p > 0 && rng.random_bool(0.15) {
            body.push_str(&format!("## {}\n\n", capitalized(topic.fill(rng, TITLES))));
        }
        let sentences = rng.random_range(2..6);
        for i in 0..sentences {
            if i > 0 {
                body.push(' ');
            }
            if rng.random_bool(0.25) {
                // A sentence of freer vocabulary, so the index sees a long tail of words.
                let w: Vec<&str> = (0..rng.random_range(4..9))
                    .map(|_| pick_zipf(rng, WORDS))
                    .collect();
                body.push_str(&capitalized(format!(
                    "{} matters for the {}.",
                    w.join(" "),
                    topic.s
                )));
            } else {
                body.push_str(&topic.fill(rng, SENTENCES));
            }
        }
    }
    let mut tags: Vec<String> = (0..rng.random_range(1..5))
        .map(|_| pick_zipf(rng, TAGS).to_string())
        .collect();
    tags.sort();
    tags.dedup();
    (title, body, tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_lessons_vary() {
        let mut rng = StdRng::seed_from_u64(1);
        let lessons: Vec<_> = (0..200).map(|_| lesson(&mut rng)).collect();
        let titles: std::collections::HashSet<_> = lessons.iter().map(|l| &l.0).collect();
        assert!(
            titles.len() > 150,
            "titles repeat too much: {}",
            titles.len()
        );
        let words: Vec<usize> = lessons
            .iter()
            .map(|l| l.1.split_whitespace().count())
            .collect();
        assert!(words.iter().min() < Some(&40) && words.iter().max() > Some(&300));
        assert!(lessons.iter().all(|l| !l.2.is_empty() && l.2.len() <= 4));
        let vocabulary: std::collections::HashSet<&str> = lessons
            .iter()
            .flat_map(|l| l.1.split_whitespace())
            .collect();
        assert!(vocabulary.len() > 600, "vocabulary: {}", vocabulary.len());
    }
}
