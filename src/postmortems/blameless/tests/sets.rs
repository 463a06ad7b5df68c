//! The labelled sets keep their floors.

use super::*;

/// The labelled sets keep their floors (`fika blameless score` prints the figures
/// BENCHMARKS.md records): the bar on the set the rules were written against, and
/// today's figures, less a little, on the development sets written since. The held-out sets
/// (`heldout*.jsonl`) are only ever scored by the command, never read by a test whose failure
/// would print their sentences.
/// Each labelled training set's least precision and recall: what the check reached on it
/// once tuned, less a little room.
const FLOORS: &[(&str, f64, f64)] = &[
    ("labelled.jsonl", 0.9, 0.9),
    ("dev.jsonl", 0.97, 0.95),
    ("dev2.jsonl", 0.97, 0.97),
    ("dev3.jsonl", 0.95, 0.93),
    ("dev4.jsonl", 0.97, 0.95),
    ("dev5.jsonl", 0.97, 0.91),
    ("dev6.jsonl", 0.97, 0.95),
    ("dev7.jsonl", 0.97, 0.9),
    ("dev8.jsonl", 0.97, 0.95),
    ("dev9.jsonl", 0.97, 0.95),
    ("dev10.jsonl", 0.97, 0.95),
    ("dev11.jsonl", 0.97, 0.89),
    ("dev12.jsonl", 0.97, 0.95),
    ("dev13.jsonl", 0.97, 0.95),
    ("dev14.jsonl", 0.97, 0.95),
    // Mostly blameless narrative and timeline entries, where the rules' own false alarms
    // (8 in 300, 8 in 200) set the bar.
    ("dev15.jsonl", 0.9, 0.95),
    ("dev16.jsonl", 0.95, 0.95),
    // Session 42's sets, trained on: today's figures, less a little.
    ("dev17.jsonl", 0.97, 0.93),
    ("dev18.jsonl", 0.97, 0.95),
    ("dev19.jsonl", 0.97, 0.93),
    ("dev20.jsonl", 0.97, 0.95),
    ("dev21.jsonl", 0.97, 0.93),
    ("dev22.jsonl", 0.97, 0.93),
    // Short lines, 250 of 400 neutral: the rules' false alarms on four-word lines remain.
    ("dev23.jsonl", 0.92, 0.97),
    // Session 43's sets, trained on: blame told by sarcasm, motive, officialese and
    // habit rather than by loaded words (dev24 most of all).
    ("dev24.jsonl", 0.97, 0.88),
    ("dev25.jsonl", 0.97, 0.95),
    ("dev26.jsonl", 0.97, 0.95),
    ("dev27.jsonl", 0.97, 0.93),
    ("dev28.jsonl", 0.97, 0.95),
    ("dev29.jsonl", 0.97, 0.95),
    ("dev30.jsonl", 0.97, 0.95),
    ("dev31.jsonl", 0.97, 0.95),
    ("dev32.jsonl", 0.97, 0.93),
    ("dev33.jsonl", 0.97, 0.95),
    ("dev34.jsonl", 0.97, 0.93),
    ("dev35.jsonl", 0.97, 0.95),
    // Sentences of 20 to 45 words, where a phrase's finding needs the model's consent.
    ("dev36.jsonl", 0.97, 0.95),
    ("dev37.jsonl", 0.97, 0.95),
    ("dev38.jsonl", 0.97, 0.95),
    // Blame by meaning alone, by a causal chain, and by implication on retro cards.
    ("dev39.jsonl", 0.97, 0.95),
    ("dev40.jsonl", 0.97, 0.95),
    ("dev41.jsonl", 0.97, 0.92),
    // Motives without a judging word, a manager's polite sanctions, departments by name.
    ("dev42.jsonl", 0.97, 0.95),
    ("dev43.jsonl", 0.97, 0.95),
    ("dev44.jsonl", 0.97, 0.95),
    // Delay told as a person's; 5-whys chains; second-language writers; comments.
    ("dev45.jsonl", 0.97, 0.95),
    ("dev46.jsonl", 0.97, 0.95),
    ("dev47.jsonl", 0.97, 0.95),
    ("dev48.jsonl", 0.97, 0.95),
    // Heroes and villains; the passive; the first person; long report sentences.
    ("dev49.jsonl", 0.97, 0.95),
    ("dev50.jsonl", 0.97, 0.95),
    ("dev51.jsonl", 0.97, 0.95),
    ("dev52.jsonl", 0.97, 0.95),
    // Intentions told fairly, against the motives read into them.
    ("dev53.jsonl", 0.97, 0.95),
    // The near misses of the sanctions, departments, delay, passive and first-person briefs;
    // blame by meaning; short fair sentences that name someone.
    ("dev54.jsonl", 0.97, 0.92),
    ("dev55.jsonl", 0.97, 0.95),
    ("dev56.jsonl", 0.97, 0.95),
    ("dev57.jsonl", 0.97, 0.95),
    ("dev58.jsonl", 0.97, 0.93),
    ("dev59.jsonl", 0.96, 0.95),
    // Blame by meaning again; contributing factors; credit and backhanded praise; retro cards.
    ("dev60.jsonl", 0.97, 0.9),
    ("dev61.jsonl", 0.97, 0.95),
    ("dev62.jsonl", 0.95, 0.92),
    ("dev63.jsonl", 0.97, 0.92),
    // Blame by meaning with no checker's word, twice; long fair narrative; factors and
    // 5-whys chains by meaning.
    ("dev64.jsonl", 0.97, 0.93),
    ("dev65.jsonl", 0.97, 0.93),
    ("dev66.jsonl", 0.97, 0.95),
    ("dev67.jsonl", 0.97, 0.93),
    // Blame by meaning in chat and in formal reports; lessons and action items; personal
    // details told fairly and as a verdict.
    ("dev68.jsonl", 0.97, 0.85),
    ("dev69.jsonl", 0.97, 0.95),
    ("dev70.jsonl", 0.97, 0.93),
    ("dev71.jsonl", 0.97, 0.95),
    // Motives against fair intentions; credit against backhanded credit; what happens to
    // people after an incident; a formal report with no checker's word.
    ("dev72.jsonl", 0.97, 0.93),
    ("dev73.jsonl", 0.97, 0.93),
    ("dev74.jsonl", 0.97, 0.93),
    ("dev75.jsonl", 0.95, 0.93),
    // No checker's word, mixed registers; fair sentences with negative-sounding words; chat
    // in lower case; factors and 5-whys; new domains.
    ("dev76.jsonl", 0.97, 0.9),
    ("dev77.jsonl", 0.97, 0.95),
    ("dev78.jsonl", 0.97, 0.9),
    ("dev79.jsonl", 0.97, 0.95),
    ("dev80.jsonl", 0.97, 0.9),
    // No checker's word in ops teams and in a review meeting's notes; fair chat in lower
    // case; new domains.
    ("dev81.jsonl", 0.97, 0.9),
    ("dev82.jsonl", 0.97, 0.93),
    ("dev83.jsonl", 0.97, 0.9),
    ("dev84.jsonl", 0.97, 0.93),
    // Session 46: blame by meaning alone, near misses of the same shapes; a post-mortem's
    // long narrative; a retrospective's sticky notes; new domains; groups and roles as the
    // cause; factors half the set; chat in startups.
    ("dev85.jsonl", 0.97, 0.95),
    ("dev86.jsonl", 0.97, 0.95),
    ("dev87.jsonl", 0.97, 0.95),
    ("dev88.jsonl", 0.97, 0.95),
    ("dev89.jsonl", 0.97, 0.95),
    ("dev90.jsonl", 0.97, 0.95),
    ("dev91.jsonl", 0.97, 0.93),
    ("dev92.jsonl", 0.97, 0.9),
    ("dev93.jsonl", 0.97, 0.95),
    ("dev94.jsonl", 0.97, 0.93),
    ("dev95.jsonl", 0.97, 0.95),
    ("dev96.jsonl", 0.97, 0.93),
    ("dev97.jsonl", 0.97, 0.95),
    ("dev98.jsonl", 0.97, 0.93),
    ("dev99.jsonl", 0.97, 0.95),
    ("dev100.jsonl", 0.97, 0.93),
    ("dev101.jsonl", 0.97, 0.95),
    ("dev102.jsonl", 0.97, 0.95),
    ("dev103.jsonl", 0.97, 0.95),
    ("dev104.jsonl", 0.97, 0.95),
    ("dev105.jsonl", 0.97, 0.93),
    ("dev106.jsonl", 0.97, 0.9),
    ("dev107.jsonl", 0.97, 0.85),
    ("dev108.jsonl", 0.97, 0.95),
    ("dev109.jsonl", 0.97, 0.95),
    ("dev110.jsonl", 0.97, 0.95),
    ("dev111.jsonl", 0.97, 0.95),
    ("dev112.jsonl", 0.97, 0.95),
    // Session 47's sets: new trades, retrospectives and experiment learning logs, terse
    // bullet points.
    ("dev113.jsonl", 0.97, 0.95),
    ("dev114.jsonl", 0.97, 0.93),
    ("dev115.jsonl", 0.97, 0.89),
    ("dev116.jsonl", 0.97, 0.95),
    ("dev117.jsonl", 0.97, 0.92),
    ("dev118.jsonl", 0.97, 0.9),
    ("dev119.jsonl", 0.97, 0.93),
    ("dev120.jsonl", 0.97, 0.93),
    ("dev121.jsonl", 0.97, 0.93),
    ("dev122.jsonl", 0.97, 0.95),
    ("dev123.jsonl", 0.97, 0.95),
    ("dev124.jsonl", 0.97, 0.95),
    ("dev125.jsonl", 0.97, 0.95),
    ("dev126.jsonl", 0.97, 0.93),
    // Formal ITIL reviews, where blame hides in euphemism ("non-adherence by…").
    ("dev127.jsonl", 0.97, 0.95),
    ("dev128.jsonl", 0.97, 0.95),
    ("dev129.jsonl", 0.97, 0.93),
    ("dev130.jsonl", 0.97, 0.95),
    ("dev131.jsonl", 0.97, 0.91),
    ("dev132.jsonl", 0.97, 0.95),
    ("dev133.jsonl", 0.97, 0.86),
    ("dev134.jsonl", 0.97, 0.95),
    ("dev135.jsonl", 0.97, 0.87),
    ("dev136.jsonl", 0.97, 0.9),
    ("dev137.jsonl", 0.97, 0.95),
    ("dev138.jsonl", 0.97, 0.95),
    ("dev139.jsonl", 0.97, 0.9),
    // Chat pasted in, a tenth of it in German or Spanish, which the check does not read.
    ("dev140.jsonl", 0.97, 0.88),
    // Session 48's sets: blame by meaning alone in retrospectives, formal reports to a
    // board, a regulator or a risk committee (142, 147, 148), second-language English,
    // go-to-market reviews, and the trades of airlines, mines, railways and agencies.
    ("dev141.jsonl", 0.97, 0.97),
    ("dev142.jsonl", 0.97, 0.92),
    ("dev143.jsonl", 0.97, 0.95),
    ("dev144.jsonl", 0.97, 0.94),
    ("dev145.jsonl", 0.97, 0.93),
    ("dev146.jsonl", 0.97, 0.89),
    ("dev147.jsonl", 0.97, 0.89),
    ("dev148.jsonl", 0.97, 0.95),
    ("dev149.jsonl", 0.97, 0.97),
    ("dev150.jsonl", 0.97, 0.95),
    // "The driver" names a program in our field, so a railway's drivers are mostly unread.
    ("dev151.jsonl", 0.97, 0.86),
    ("dev152.jsonl", 0.97, 0.95),
    // Later rounds: formal reports of a public body, a safety board and a utility (153,
    // 154, 162), fleets and ambulances, product teams, long sentences whose blame sits in
    // one clause (158), IT operations, managers, hotels and parks, data teams.
    ("dev153.jsonl", 0.97, 0.95),
    ("dev154.jsonl", 0.97, 0.93),
    ("dev155.jsonl", 0.97, 0.93),
    ("dev156.jsonl", 0.97, 0.95),
    ("dev157.jsonl", 0.97, 0.96),
    ("dev158.jsonl", 0.97, 0.93),
    ("dev159.jsonl", 0.97, 0.94),
    ("dev160.jsonl", 0.97, 0.92),
    ("dev161.jsonl", 0.97, 0.96),
    ("dev162.jsonl", 0.97, 0.94),
    ("dev163.jsonl", 0.97, 0.95),
    ("dev164.jsonl", 0.97, 0.94),
    // The last round: formal reports of a compliance office and a university, and long
    // sentences (166, 168), where unread recall was lowest.
    ("dev165.jsonl", 0.97, 0.9),
    ("dev166.jsonl", 0.97, 0.91),
    ("dev167.jsonl", 0.97, 0.84),
    ("dev168.jsonl", 0.97, 0.92),
    // Session 49: formal and long writing, "we" beside named people, trades, chat, and
    // ten sets of blame by meaning alone (175-184; trades and health care are weakest).
    ("dev169.jsonl", 0.97, 0.96),
    ("dev170.jsonl", 0.97, 0.94),
    ("dev171.jsonl", 0.97, 0.94),
    ("dev172.jsonl", 0.97, 0.9),
    ("dev173.jsonl", 0.97, 0.95),
    ("dev174.jsonl", 0.97, 0.97),
    ("dev175.jsonl", 0.97, 0.92),
    ("dev176.jsonl", 0.97, 0.95),
    ("dev177.jsonl", 0.97, 0.94),
    ("dev178.jsonl", 0.97, 0.87),
    ("dev179.jsonl", 0.97, 0.94),
    ("dev180.jsonl", 0.95, 0.9),
    ("dev181.jsonl", 0.97, 0.87),
    ("dev182.jsonl", 0.97, 0.89),
    ("dev183.jsonl", 0.97, 0.97),
    ("dev184.jsonl", 0.97, 0.91),
    // Session 50's, all blame by meaning alone: insinuation, health care, trades, software
    // chat, formal findings, motive and cover-up, everyday speech, contributing factors.
    ("dev185.jsonl", 0.97, 0.94),
    ("dev186.jsonl", 0.97, 0.95),
    ("dev187.jsonl", 0.97, 0.96),
    ("dev188.jsonl", 0.95, 0.95),
    ("dev189.jsonl", 0.97, 0.93),
    ("dev190.jsonl", 0.97, 0.91),
    ("dev191.jsonl", 0.97, 0.94),
    ("dev192.jsonl", 0.97, 0.9),
    ("dev193.jsonl", 0.96, 0.97),
    // Session 51: blame by meaning alone, software, public services, health care, site work.
    ("dev194.jsonl", 0.97, 0.97),
    ("dev195.jsonl", 0.97, 0.93),
    ("dev196.jsonl", 0.97, 0.95),
    ("dev197.jsonl", 0.97, 0.97),
    ("dev198.jsonl", 0.97, 0.95),
    // Session 52: blame by meaning alone, in formal findings, timelines, managers' letters,
    // public services, second-language reports, banks, security incidents and factor bullets.
    ("dev199.jsonl", 0.97, 0.93),
    ("dev200.jsonl", 0.97, 0.97),
    ("dev201.jsonl", 0.97, 0.95),
    ("dev202.jsonl", 0.97, 0.95),
    ("dev203.jsonl", 0.97, 0.95),
    ("dev204.jsonl", 0.97, 0.93),
    ("dev205.jsonl", 0.96, 0.87),
    ("dev206.jsonl", 0.97, 0.95),
    ("dev207.jsonl", 0.97, 0.91),
    ("dev208.jsonl", 0.96, 0.89),
    ("dev209.jsonl", 0.97, 0.94),
    ("dev210.jsonl", 0.97, 0.85),
    // Session 53: blame by meaning alone, with the writers asked for ways of their own as well
    // (comparisons, a person's words quoted back, mock thanks, records the evidence belies):
    // software, health care, transport, industry, money and shops, public services, chat and
    // formal reports.
    ("dev211.jsonl", 0.97, 0.95),
    ("dev212.jsonl", 0.97, 0.93),
    ("dev213.jsonl", 0.96, 0.86),
    ("dev214.jsonl", 0.97, 0.95),
    ("dev215.jsonl", 0.97, 0.94),
    ("dev216.jsonl", 0.97, 0.94),
    ("dev217.jsonl", 0.97, 0.87),
    ("dev218.jsonl", 0.97, 0.93),
];

#[test]
fn the_labelled_sets_keep_their_floors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/blameless/");
    let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).expect("fixture");
    let people = score::parse_people(&read("people.txt")).expect("people");
    let known = People::new(&people);
    for &(file, precision, recall) in FLOORS {
        let set = score::parse_labelled(&read(file)).expect("labelled set");
        assert!(set.len() >= 160, "{file}");
        let s = score::score(&rules(), &known, &set);
        let misses: Vec<&str> = s.misses.iter().map(|m| m.sentence.text.as_str()).collect();
        assert!(
            s.precision() >= precision,
            "{file}: precision {}: {misses:#?}",
            s.precision()
        );
        assert!(
            s.recall() >= recall,
            "{file}: recall {}: {misses:#?}",
            s.recall()
        );
    }
}
