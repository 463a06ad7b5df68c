//! The grammar words the subject finder knows: determiners, pronouns, auxiliaries,
//! prepositions, the words that open a clause, and capitalised words that are no names; each
//! word looked up once in a table of the lists it is in.

use super::tokens::{Tok, sentence_around, strip_possessive};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

pub(super) const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "our",
    "their",
    "his",
    "her",
    "my",
    "your",
    "its",
    "each",
    "every",
    "any",
    "some",
    "no",
    "all",
    "both",
    "another",
    "other",
    "whichever",
    "either",
    "neither",
];
pub(super) const PERSON_PRONOUNS: &[&str] = &[
    "i",
    "me",
    "you",
    "he",
    "him",
    "she",
    "her",
    "they",
    "them",
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "nobody",
    "everyone",
    "everybody",
    "whoever",
];
pub(super) const THING_PRONOUNS: &[&str] = &[
    "it",
    "this",
    "that",
    "these",
    "those",
    "which",
    "what",
    "something",
    "nothing",
    "everything",
    "anything",
    "there",
];
/// Words that end a noun phrase: forms of be, have, do, and the modals.
pub(super) const AUXILIARIES: &[&str] = &[
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "being",
    "am",
    "has",
    "had",
    "have",
    "having",
    "did",
    "does",
    "do",
    "didn't",
    "doesn't",
    "don't",
    "wasn't",
    "weren't",
    "isn't",
    "aren't",
    "hasn't",
    "hadn't",
    "haven't",
    "should",
    "could",
    "would",
    "will",
    "can",
    "may",
    "might",
    "must",
    "ought",
    "shall",
    "shouldn't",
    "couldn't",
    "wouldn't",
    "won't",
    "can't",
    "cannot",
    "mustn't",
    "only",
    "just",
    "simply",
    "never",
    "not",
    "also",
    "still",
    "all",
];
pub(super) const PREPOSITIONS: &[&str] = &[
    "of", "on", "in", "at", "from", "for", "with", "by", "to", "into", "onto", "during", "after",
    "before", "about", "over", "under", "through", "without", "within", "between", "across",
    "against", "per", "via", "around", "since", "until", "near",
];
/// Words that start a new clause (its subject comes after them).
pub(super) const CLAUSE_WORDS: &[&str] = &[
    "and", "but", "or", "nor", "because", "since", "when", "whenever", "while", "so", "although",
    "though", "until", "unless", "if", "whereas", "which", "who", "whom", "that", "where", "then",
    "yet", "once", "as", "why", "how", "what", "like", "after", "before", "whether",
];
/// Words that may open a clause before its subject.
pub(super) const OPENERS: &[&str] = &[
    "then",
    "also",
    "still",
    "later",
    "meanwhile",
    "again",
    "already",
    "finally",
    "instead",
    "however",
    "even",
    "only",
    "just",
    "here",
    "now",
    "today",
    "yesterday",
    "tonight",
    "afterwards",
    "unfortunately",
    "ultimately",
    "frankly",
    "honestly",
    "overall",
];
/// Capitalised words that are not names.
pub(super) const NOT_NAMES: &[&str] = &[
    "we",
    "us",
    "ours",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "root",
    "cause",
    "timeline",
    "summary",
    "impact",
    "action",
    "lessons",
    "lesson",
    "note",
    "update",
    "step",
    "why",
    "how",
    "what",
    "yes",
    "no",
    "ok",
    "one",
    "two",
    "three",
    "once",
    "first",
    "then",
    "next",
    "finally",
];
/// Endings of common nouns, for a capitalised first word of a sentence that the word list
/// lacks ("Deduplication", "Staleness", "Observability"). Not the endings many names have
/// ("Florence", "Avery", "Emily", "Xiaoming"): words with those are in the list.
const COMMON_ENDINGS: &[&str] = &[
    "tion", "sion", "ment", "ness", "ity", "ure", "ism", "ics", "ogy", "tions", "sions", "ments",
    "ities", "ures",
];

pub(super) const DET: u16 = 1;
pub(super) const PERSON_PRONOUN: u16 = 2;
pub(super) const THING_PRONOUN: u16 = 4;
pub(super) const AUX: u16 = 8;
pub(super) const PREP: u16 = 16;
pub(super) const CLAUSE: u16 = 32;
pub(super) const OPENER: u16 = 64;
pub(super) const NOT_NAME: u16 = 128;

/// Every grammar word above with the lists it is in, looked up once per word (the checker
/// asks for each token several times; a hash lookup keeps that cheap).
static CLASSES: LazyLock<HashMap<&'static str, u16>> = LazyLock::new(|| {
    let mut m: HashMap<&'static str, u16> = HashMap::new();
    for (list, bit) in [
        (DETERMINERS, DET),
        (PERSON_PRONOUNS, PERSON_PRONOUN),
        (THING_PRONOUNS, THING_PRONOUN),
        (AUXILIARIES, AUX),
        (PREPOSITIONS, PREP),
        (CLAUSE_WORDS, CLAUSE),
        (OPENERS, OPENER),
        (NOT_NAMES, NOT_NAME),
    ] {
        for w in list {
            *m.entry(*w).or_default() |= bit;
        }
    }
    m
});

pub(super) fn classes(w: &str) -> u16 {
    CLASSES.get(w).copied().unwrap_or(0)
}

pub(super) fn class(bit: u16, w: &str) -> bool {
    classes(w) & bit != 0
}

pub(super) fn among(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

pub(super) fn adverb(w: &str) -> bool {
    // An -ly word the word list knows, or one made from a word of four letters or more it
    // knows: "Emily", "Kelly" and "Carly" are names, not adverbs.
    class(OPENER, w)
        || (w.len() > 4
            && !w.ends_with("ply")
            && w.strip_suffix("ly")
                .is_some_and(|stem| common_word(w) || long_word(stem)))
}

pub(super) fn number(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Common English words that are no one's name (`words.txt`, made by
/// `bench/common_words.py`), for the one place capitalisation says nothing: a sentence's first
/// word ("Calendar reminders leave with…").
static COMMON_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("words.txt")));

/// Common English words that are names too ("mark", "holiday"; `dual-words.txt`): words, not
/// names, in a sentence written without capitals.
static DUAL_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("dual-words.txt")));

/// The words of a word list (`words.txt`, `roles.txt`…): one a line, `#` lines are comments.
pub(super) fn word_list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Whether `w` (lower-case) is a word of the dictionary in any sense, names included.
pub(super) fn any_word(w: &str) -> bool {
    ordinary_word(w) || DUAL_WORDS.contains(w)
}

/// Whether `w` (lower-case), a sentence's first word, reads as an ordinary English word and
/// not a name: a listed word or the plural of one, a word with a common noun's ending, or the
/// -ing or -ed form of one ("Backfilling", "Autoscaling", "Expired" — forms the list lacks).
/// An -ing word is no name only so: "Xiaoming", "Jing" are names.
pub(super) fn ordinary_word(w: &str) -> bool {
    if common_word(w) || has_common_ending(w) {
        return true;
    }
    if let Some(stem) = w.strip_suffix("ings").or_else(|| w.strip_suffix("ing")) {
        return form_of_word(stem);
    }
    // Jargon the list lacks: "Rebased" (re + base), "Autoscaled", "Copied" (copy).
    w.strip_suffix("ed").is_some_and(|stem| {
        form_of_word(stem)
            || stem.ends_with('i') && form_of_word(&format!("{}y", &stem[..stem.len() - 1]))
    })
}

/// Whether `w` is an ordinary word of four letters or more that a form may be made from:
/// listed, or with a common noun's ending.
fn long_word(w: &str) -> bool {
    w.len() >= 4 && (common_word(w) || has_common_ending(w))
}

fn has_common_ending(w: &str) -> bool {
    COMMON_ENDINGS
        .iter()
        .any(|e| w.len() > e.len() + 2 && w.ends_with(e))
}

/// Whether `stem` + "ing" or "ed" is a form of an ordinary word of four letters or more:
/// "updat" (update), "logg" (log… too short: "Logging" is in the list), "backfill" (back +
/// fill), "autoscal" (auto + scale). Not "henn" or "jar": Henning and Jared are names.
fn form_of_word(stem: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "re", "un", "auto", "back", "over", "under", "pre", "post", "multi", "de", "dis", "mis",
        "sub", "co", "cross", "up", "down", "out", "non", "self", "hot", "load", "hand", "on",
    ];
    let base = |s: &str| {
        // "logg": a doubled final letter (ASCII, so cutting one byte stays on a character).
        let mut last = s.chars().rev();
        let doubled = s.len() > 3
            && matches!((last.next(), last.next()), (Some(a), Some(b)) if a == b && a.is_ascii());
        long_word(s) || long_word(&format!("{s}e")) || (doubled && long_word(&s[..s.len() - 1]))
    };
    base(stem)
        || PREFIXES
            .iter()
            .any(|p| stem.strip_prefix(p).is_some_and(base))
}

/// Whether `w` (lower-case) is a common English word, or the plural of one, and no name.
fn common_word(w: &str) -> bool {
    COMMON_WORDS.contains(w)
        || w.strip_suffix('s')
            .is_some_and(|s| COMMON_WORDS.contains(s))
        || w.strip_suffix("es")
            .is_some_and(|s| COMMON_WORDS.contains(s))
}

/// Whether `n`, after a name-like `first`, is a family name or the second half of a
/// hyphenated name ("Hyun-woo", "Jean-Luc"), not of a compound ("Customer-facing",
/// "Ravi-led", "Hermes-svc"): capitalised, or short after a short first half.
pub(super) fn name_half(first: &Tok, n: &Tok) -> bool {
    let l = strip_possessive(&n.lower).unwrap_or(&n.lower);
    n.after_hyphen
        && l.chars().all(char::is_alphabetic)
        && (n.cap
            || first.lower.chars().count() <= 4
                && (2..=4).contains(&l.len())
                && !among(SHORT_SUFFIXES, l)
                && (l.len() < 4 || !ordinary_word(l)))
}

/// Short words that end a hyphenated compound, not a name ("Ravi-led", "on-call-ish").
const SHORT_SUFFIXES: &[&str] = &[
    "led", "ish", "run", "ran", "era", "set", "off", "out", "due", "end", "old", "new", "day",
    "way", "ops", "dev", "fed", "won", "app", "bot", "key", "svc", "api", "web", "cli", "sdk",
    "bug", "fix", "job", "lab", "ci", "cd", "db", "ui", "ux", "qa", "io", "ai", "ml",
];

/// Whether `word`, a noun no list knows, names a person by its ending: a trade's
/// "-man" ("pumpman", "linesman"), "-ician" ("electrician"), "-arian" ("librarian") or
/// "-ist" ("machinist", "anaesthetist"). Every trade has roles no list can hold; these
/// endings name things only in the few words left out here.
pub(super) fn role_by_ending(word: &str) -> bool {
    const NOT_ROLES: &[&str] = &[
        "german", "roman", "talisman", "ottoman", "caiman", "specimen", "regimen", "abdomen",
        "acumen", "stamen", "assist", "insist", "resist", "persist", "consist", "subsist",
        "desist", "dolmen", "bitumen", "lumen", "ramen", "cayman", "mailman", "postman",
    ];
    let w = word
        .strip_suffix('s')
        .filter(|w| ["ist", "ician", "arian"].iter().any(|e| w.ends_with(e)))
        .unwrap_or(word);
    let ends = |suffix: &str, min: usize| w.len() >= min && w.ends_with(suffix);
    (ends("man", 5) || ends("men", 5) || ends("ician", 6) || ends("arian", 7) || ends("ist", 6))
        && !w.ends_with("list")
        && !among(NOT_ROLES, w)
}

/// Words that name a program in our field and a person in another trade ("the driver", "the
/// controller", "the master"): a thing, unless the sentence tells of a trade's work and of
/// no program (`in_a_trade`), or opens with it and then calls it "he" or "she".
const PROGRAM_OR_PERSON: &[&str] = &[
    "driver",
    "controller",
    "master",
    "pilot",
    "worker",
    "agent",
    "assistant",
    "chef",
    "registrar",
    "marshaller",
    "loader",
];

/// Whether `word` (or its plural) names a program in our field and a person in another
/// trade.
fn program_or_person(word: &str) -> bool {
    among(PROGRAM_OR_PERSON, word)
        || word
            .strip_suffix('s')
            .is_some_and(|w| among(PROGRAM_OR_PERSON, w))
}

/// Whether the sentence holding token `h` tells of a trade's work (a junction, a runway, a
/// berth, a ward, a kitchen) and of no program: there "the driver", "the controller" and
/// "the master" are people ("The driver ignored the red signal at the junction"). Words
/// that also tell of software (a train job, a ship date, a caller, a patient record) are
/// left out of the first list, and one word of the second ("service", "job", "kernel")
/// is enough to leave the noun a program.
fn in_a_trade(toks: &[Tok], h: usize) -> bool {
    #[rustfmt::skip]
    const TRADE: &[&str] = &[
        "speeding", "junction", "roundabout", "lorry", "truck", "taxi", "braking", "brakes",
        "passenger", "passengers", "motorway", "highway", "ambulance", "forklift", "vessel",
        "berth", "harbour", "harbor", "aircraft", "runway", "cockpit", "locomotive", "tram",
        "railway", "signaller", "mph", "pedestrian", "cyclist", "seatbelt", "kitchen", "ward",
        "overtaking", "crane", "shunting", "timetable", "depot", "wheelchair", "tug", "berthing",
        "mooring", "quay", "allergen", "allergens", "dish", "apron", "tanker", "trench", "galley",
        "pushback", "wagon",
    ];
    #[rustfmt::skip]
    const PROGRAM: &[&str] = &[
        "kernel", "gpu", "jdbc", "odbc", "nic", "firmware", "module", "package", "library",
        "version", "upgrade", "upgraded", "install", "installed", "pod", "pods", "replica",
        "replicas", "reconcile", "kubernetes", "k8s", "crd", "ingress", "cluster", "api", "sdk",
        "raid", "node", "nodes", "thread", "threads", "process", "pool", "connection",
        "connections", "timeout", "retry", "retries", "postgres", "mysql", "redis", "kafka",
        "printer", "usb", "storage", "disk", "deploy", "deployment", "config", "container",
        "service", "server", "job", "queue", "database", "request", "requests", "cache",
        "build", "app", "sync", "portal", "record", "records", "import", "flag", "setting",
        "header", "token", "writes", "booking", "ticketing", "dialer", "endpoint", "webhook",
    ];
    let (from, to) = sentence_around(toks, h);
    let sentence = &toks[from..to];
    let has = |list: &[&str]| sentence.iter().any(|t| among(list, &t.lower));
    has(TRADE) && !has(PROGRAM)
}

/// Whether the ambiguous noun `word` at token `h` is a person: its sentence tells of a
/// trade's work (`in_a_trade`), or its noun phrase opens the sentence (at most three words
/// in, nothing capitalised or a pronoun before it) and the first pronoun after it is "he",
/// "she" or "his" ("The driver ran the red because his mind was elsewhere"), or "her"
/// opening a clause. "It", a name, or "her" as an object ("The
/// controller overwriting her manual scale-up") leave it a thing.
pub(super) fn refers_back(toks: &[Tok], h: usize, word: &str) -> bool {
    // Pronouns that point at a person; ones that may point at someone else ("her" as an
    // object, "him"); and ones that point at a thing or a group.
    const PERSON: &[&str] = &[
        "he", "she", "he's", "she's", "he'd", "she'd", "his", "himself",
    ];
    const MAYBE_ANOTHER: &[&str] = &["her", "him", "hers", "herself"];
    const OTHERS: &[&str] = &[
        "it", "its", "they", "them", "their", "i", "we", "you", "itself",
    ];
    // Asked of every noun the lexicon does not know, so the cheap tests come first.
    if !program_or_person(word) {
        return false;
    }
    if in_a_trade(toks, h) {
        return true;
    }
    let Some(start) = (h.saturating_sub(3)..=h).rev().find(|&k| toks[k].first) else {
        return false;
    };
    let pronoun = |t: &Tok| {
        among(PERSON, &t.lower) || among(MAYBE_ANOTHER, &t.lower) || among(OTHERS, &t.lower)
    };
    if toks[start..h]
        .iter()
        .any(|t| (t.cap && !t.first) || pronoun(t))
    {
        return false;
    }
    let after = &toks[h + 1..];
    let first = after
        .iter()
        .take_while(|t| !t.first)
        .position(|t| pronoun(t) || (t.cap && t.lower.len() > 1));
    first.is_some_and(|k| {
        let t = &after[k];
        among(PERSON, &t.lower)
            || (t.lower == "her" && (k == 0 || class(CLAUSE, &after[k - 1].lower) || t.after_comma))
    })
}
