//! `fika seed --people N`: adds a generated org of N people for benchmarks and trials —
//! tribes of up to 150 people, squads of 6–12 with a product owner, three chapters and a trio
//! per tribe, and ten guilds — through the same functions the pages use, one tribe per
//! transaction, with a progress bar.

use chrono::NaiveDate;

use super::unit::{Role, UnitKind};
use super::unit_repo::{self as repo, NewMembership, UnitFields};
use crate::db::{AnyConnection, write_transaction};
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::people::model::{NewPerson, ProfileFields, Username};
use crate::people::repo as people;

const WORDS: &[&str] = &[
    "Aurora", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Glacier", "Harbor", "Iris", "Juniper",
    "Kestrel", "Lagoon", "Meadow", "Nimbus", "Orchid", "Pine", "Quartz", "Reef", "Summit",
    "Tundra", "Umber", "Valley", "Willow", "Xenon", "Yarrow", "Zephyr",
];
const FIRST: &[&str] = &[
    "Alex", "Bo", "Chen", "Dana", "Eli", "Fay", "Gil", "Hedda", "Ilse", "Jon", "Kai", "Lin", "Mo",
    "Nia", "Oda", "Pia", "Rui", "Sol", "Tor", "Uma", "Vik", "Wen", "Yui", "Zed",
];
const LAST: &[&str] = &[
    "Ahl",
    "Berg",
    "Carlsson",
    "Dahl",
    "Engström",
    "Falk",
    "Grön",
    "Holm",
    "Isaksson",
    "Jung",
    "Krona",
    "Lind",
    "Mörk",
    "Norén",
    "Ohlin",
    "Palm",
    "Qvist",
    "Rask",
    "Strand",
    "Tell",
];
const DISCIPLINES: &[&str] = &[
    "backend", "frontend", "backend", "mobile", "qa", "data", "design", "backend", "frontend",
];
const CHAPTERS: &[(&str, &[&str])] = &[
    ("Backend", &["backend", "data"]),
    ("Web & Mobile", &["frontend", "mobile"]),
    ("Quality & Design", &["qa", "design"]),
];
const SQUADS_PER_TRIBE: usize = 12;

/// What a seed run added.
pub struct Seeded {
    pub people: usize,
    pub tribes: usize,
    pub squads: usize,
}

fn unit(
    c: &mut AnyConnection,
    kind: UnitKind,
    slug: String,
    name: String,
    tribe_id: Option<UnitId>,
    discipline: &str,
) -> AppResult<UnitId> {
    let fields = UnitFields {
        mission: format!("{name}: a generated {kind} for trying fika at scale."),
        slug,
        name,
        tribe_id,
        discipline: discipline.to_string(),
        ..Default::default()
    };
    Ok(repo::create_unit(c, None, kind, &fields)?.id)
}

fn join(
    c: &mut AnyConnection,
    person: PersonId,
    unit: UnitId,
    role: Role,
    since: NaiveDate,
) -> AppResult<()> {
    repo::add_membership(
        c,
        None,
        &NewMembership {
            person_id: person,
            unit_id: unit,
            role,
            start_date: since,
        },
    )?;
    Ok(())
}

/// The next squad's size: `nominal`, adjusted so that what remains is never a squad of fewer
/// than six (unless fewer than six people are seeded at all).
fn squad_size(nominal: usize, remaining: usize) -> usize {
    let size = nominal.min(remaining);
    let rest = remaining - size;
    if rest == 0 || rest >= 6 {
        size
    } else if remaining <= 12 {
        remaining
    } else {
        remaining - 6
    }
}

/// Adds `n` people in a generated org. Names carry a run number, so seeding twice adds a
/// second org beside the first instead of colliding with it.
pub fn seed_people(c: &mut AnyConnection, n: usize, show_progress: bool) -> AppResult<Seeded> {
    let run = repo::units_of_kind(c, UnitKind::Guild)?
        .iter()
        .filter(|g| g.slug.starts_with("seed"))
        .count()
        / 10
        + 1;
    let template = "{bar:40} {pos}/{len} people  {elapsed_precise}  {msg}";
    let bar = crate::progress::bar(n as u64, show_progress, template)?;
    let since = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or_else(|| AppError::internal("date"))?;
    let guilds = write_transaction(c, |c| seed_guilds(c, run))?;
    let mut made = 0usize;
    let mut tribes = 0usize;
    let mut squads = 0usize;
    while made < n {
        let t = tribes;
        let word = WORDS[t % WORDS.len()];
        let tribe_name = format!("{word} {run}.{t}");
        bar.set_message(tribe_name.clone());
        let (added, added_squads) = write_transaction(c, |c| {
            let tribe = unit(
                c,
                UnitKind::Tribe,
                format!("seed{run}-tribe-{t}"),
                tribe_name.clone(),
                None,
                "",
            )?;
            let mut members: Vec<(PersonId, &'static str)> = Vec::new();
            let mut added = 0;
            let mut squad_count = 0;
            for s in 0..SQUADS_PER_TRIBE {
                if made + added >= n {
                    break;
                }
                let size = squad_size(6 + (t * 7 + s * 3) % 7, n - made - added);
                let squad = unit(
                    c,
                    UnitKind::Squad,
                    format!("seed{run}-squad-{t}-{s}"),
                    format!("{word} Squad {run}.{t}.{s}"),
                    Some(tribe),
                    "",
                )?;
                squad_count += 1;
                for k in 0..size {
                    let i = made + added;
                    let (person, discipline) = seed_person(c, run, i, k == 0)?;
                    let role = if k == 0 {
                        Role::ProductOwner
                    } else {
                        Role::Member
                    };
                    join(c, person, squad, role, since)?;
                    if k > 0 {
                        members.push((person, discipline));
                    }
                    if i.is_multiple_of(4) {
                        join(c, person, guilds[i % guilds.len()], Role::Member, since)?;
                    }
                    added += 1;
                    bar.inc(1);
                }
            }
            seed_chapters_and_trio(c, (run, t, word), tribe, &members, since)?;
            Ok((added, squad_count))
        })?;
        made += added;
        squads += added_squads;
        tribes += 1;
    }
    bar.finish_and_clear();
    Ok(Seeded {
        people: made,
        tribes,
        squads,
    })
}

/// Ten guilds for one run of `fika seed`.
fn seed_guilds(c: &mut AnyConnection, run: usize) -> AppResult<Vec<UnitId>> {
    (0..10)
        .map(|g| {
            let word = WORDS[g % WORDS.len()];
            unit(
                c,
                UnitKind::Guild,
                format!("seed{run}-guild-{g}"),
                format!("{word} Guild {run}.{g}"),
                None,
                "",
            )
        })
        .collect()
}

/// The `i`-th seeded person (a squad's product owner, or an engineer of a discipline in
/// turn): their id and discipline.
fn seed_person(
    c: &mut AnyConnection,
    run: usize,
    i: usize,
    product_owner: bool,
) -> AppResult<(PersonId, &'static str)> {
    let discipline = if product_owner {
        "product"
    } else {
        DISCIPLINES[i % DISCIPLINES.len()]
    };
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let username = Username::parse(&format!("s{run}.{}.{i}", first.to_lowercase()))
        .map_err(AppError::Validation)?;
    let person = people::create(
        c,
        None,
        &NewPerson {
            username,
            display_name: format!("{first} {last} {i}"),
            email: None,
            is_admin: false,
            password_hash: None,
            profile: ProfileFields {
                discipline: discipline.to_string(),
                title: if product_owner {
                    "Product owner".into()
                } else {
                    format!("{discipline} engineer")
                },
                ..Default::default()
            },
        },
    )?;
    Ok((person.id, discipline))
}

/// A seeded tribe's chapters (its squads' engineers by discipline, the first one leading)
/// and, with three people or more, its trio.
fn seed_chapters_and_trio(
    c: &mut AnyConnection,
    (run, t, word): (usize, usize, &str),
    tribe: UnitId,
    members: &[(PersonId, &'static str)],
    since: NaiveDate,
) -> AppResult<()> {
    for (name, disciplines) in CHAPTERS {
        let chapter = unit(
            c,
            UnitKind::Chapter,
            format!("seed{run}-chapter-{t}-{}", disciplines[0]),
            format!("{word} {run}.{t} {name}"),
            Some(tribe),
            disciplines[0],
        )?;
        let mut lead = true;
        for (pid, _) in members.iter().filter(|(_, d)| disciplines.contains(d)) {
            let role = if lead {
                Role::ChapterLead
            } else {
                Role::Member
            };
            lead = false;
            join(c, *pid, chapter, role, since)?;
        }
    }
    if members.len() >= 3 {
        let trio = unit(
            c,
            UnitKind::Trio,
            format!("seed{run}-trio-{t}"),
            format!("{word} {run}.{t} Trio"),
            Some(tribe),
            "",
        )?;
        join(c, members[0].0, tribe, Role::TribeLead, since)?;
        for (m, role) in members
            .iter()
            .zip([Role::TribeLead, Role::ProductLead, Role::DesignLead])
        {
            join(c, m.0, trio, role, since)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::squad_size;

    #[test]
    fn squads_keep_six_to_twelve() {
        for n in 6..400 {
            let mut left = n;
            let mut k = 0;
            while left > 0 {
                let size = squad_size(6 + (k * 3) % 7, left);
                assert!((6..=12).contains(&size), "n={n}: a squad of {size}");
                left -= size;
                k += 1;
            }
        }
        assert_eq!(squad_size(9, 4), 4, "tiny seeds are what they are");
    }
}
