//! The demo org of Kanelbulle Audio: four tribes with trios, fifteen squads, chapters in every
//! tribe, five guilds, an alliance with initiatives, about a hundred people, and some history
//! (people who changed squads, a squad that moved tribe, a renamed squad). Everything is made
//! through the same functions the pages use, so every rule is checked. Who is who, the tribes,
//! squads, chapters and guilds are `data/org.yaml`, embedded at build time; the history is
//! told here.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::{PersonId, UnitId};
use crate::org::unit::{Role, Stage, UnitKind};
use crate::org::unit_repo::{self as units, NewMembership, UnitFields};
use crate::people::model::{Email, NewPerson, ProfileFields, Username};
use crate::people::repo as people;

/// A named person.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    username: String,
    name: String,
    #[serde(default)]
    admin: bool,
    discipline: String,
    title: String,
}

/// What the generated people are made from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generated {
    first_names: Vec<String>,
    last_names: Vec<String>,
    disciplines: Vec<String>,
}

/// A unit's name and mission (squads, guilds).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedUnit {
    name: String,
    mission: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TribePlan {
    name: String,
    mission: String,
    lead: String,
    product_lead: String,
    design_lead: String,
    squads: Vec<NamedUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChapterPlan {
    suffix: String,
    discipline: String,
    /// The disciplines of the people who belong.
    members: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgData {
    people: Vec<Named>,
    generated: Generated,
    tribes: Vec<TribePlan>,
    chapters: Vec<ChapterPlan>,
    guilds: Vec<NamedUnit>,
}

fn org_data() -> AppResult<OrgData> {
    demo_data!("org")
}

fn date(y: i32, m: u32, d: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| AppError::internal("bad demo date"))
}

fn unit(
    conn: &mut AnyConnection,
    kind: UnitKind,
    name: &str,
    mission: &str,
    tribe_id: Option<UnitId>,
    discipline: &str,
    alliance_tribes: Vec<UnitId>,
) -> AppResult<UnitId> {
    let slug = crate::org::unit::Slug::from_name(name)
        .ok_or_else(|| AppError::internal("demo name without slug"))?;
    let fields = UnitFields {
        slug: slug.as_str().to_string(),
        name: name.to_string(),
        mission: mission.to_string(),
        description: if kind == UnitKind::Guild {
            format!(
                "## How we meet\n\nEvery other Wednesday at 15:00 we take a long fika with a \
                 short talk from a member. Everyone is welcome in {name}: just press *Join*."
            )
        } else {
            format!(
                "## How we work\n\nWe plan every two weeks, demo on Fridays and keep our backlog \
             open to everyone. New in {name}? Start with our onboarding page and say hej in \
             the channel.\n\n- Stand-up at 09:30\n- Retro every other Thursday"
            )
        },
        links: format!("Chat https://chat.kanelbulle.example/{slug}"),
        tribe_id,
        discipline: discipline.to_string(),
        alliance_tribes,
    };
    Ok(units::create_unit(conn, None, kind, &fields)?.id)
}

fn join(
    conn: &mut AnyConnection,
    person_id: PersonId,
    unit_id: UnitId,
    role: Role,
    start_date: NaiveDate,
) -> AppResult<i64> {
    Ok(units::add_membership(
        conn,
        None,
        &NewMembership {
            person_id,
            unit_id,
            role,
            start_date,
        },
    )?
    .id)
}

/// Creates one person with the demo password; returns their id.
fn person(
    conn: &mut AnyConnection,
    hash: &str,
    username: &str,
    name: &str,
    admin: bool,
    discipline: &str,
    title: &str,
) -> AppResult<PersonId> {
    let username = Username::parse(username).map_err(AppError::Validation)?;
    let email =
        Email::parse(&format!("{username}@kanelbulle.example")).map_err(AppError::Validation)?;
    let p = people::create(
        conn,
        None,
        &NewPerson {
            username,
            display_name: name.to_string(),
            email: Some(email),
            is_admin: admin,
            password_hash: Some(hash.to_string()),
            profile: ProfileFields {
                discipline: discipline.to_string(),
                title: title.to_string(),
                bio: String::new(),
                links: String::new(),
            },
        },
    )?;
    Ok(p.id)
}

/// The demo's people, as the org is built from them.
struct Staff<'d> {
    named: HashMap<&'d str, PersonId>,
    /// The generated people who are not product owners: id and discipline.
    pool: Vec<(PersonId, String)>,
    product_owners: Vec<PersonId>,
}

impl Staff<'_> {
    fn id(&self, username: &str) -> AppResult<PersonId> {
        self.named
            .get(username)
            .copied()
            .ok_or_else(|| AppError::internal("demo person"))
    }
}

/// The named people, then generated ones: first × last names, in a fixed order.
fn hire<'d>(conn: &mut AnyConnection, hash: &str, data: &'d OrgData) -> AppResult<Staff<'d>> {
    let mut staff = Staff {
        named: HashMap::new(),
        pool: Vec::new(),
        product_owners: Vec::new(),
    };
    for p in &data.people {
        let id = person(
            conn,
            hash,
            &p.username,
            &p.name,
            p.admin,
            &p.discipline,
            &p.title,
        )?;
        staff.named.insert(p.username.as_str(), id);
    }
    let (firsts, lasts) = (&data.generated.first_names, &data.generated.last_names);
    for i in 0..100usize {
        let first = &firsts[i % firsts.len()];
        let last = &lasts[(i * 7 + i / firsts.len()) % lasts.len()];
        let username = format!(
            "{}.{}",
            first.to_lowercase(),
            crate::org::unit::Slug::from_name(last)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default()
        );
        let name = format!("{first} {last}");
        if i % 6 == 5 && staff.product_owners.len() < 15 {
            let id = person(
                conn,
                hash,
                &username,
                &name,
                false,
                "product",
                "Product owner",
            )?;
            staff.product_owners.push(id);
        } else {
            let disciplines = &data.generated.disciplines;
            let d = disciplines[i % disciplines.len()].as_str();
            let title = match d {
                "qa" => "QA engineer".to_string(),
                "design" => "Product designer".to_string(),
                "data" => "Data engineer".to_string(),
                d => format!("{}{} engineer", d[..1].to_uppercase(), &d[1..]),
            };
            let id = person(conn, hash, &username, &name, false, d, &title)?;
            staff.pool.push((id, d.to_string()));
        }
    }
    Ok(staff)
}

/// The tribes and squads as built, and who is in which squad.
#[derive(Default)]
struct Built {
    tribe_ids: Vec<UnitId>,
    /// (squad, tribe)
    squad_ids: Vec<(UnitId, UnitId)>,
    /// (person, tribe, discipline)
    squad_members: Vec<(PersonId, UnitId, String)>,
    radio_members: Vec<PersonId>,
}

/// Creates the demo org; `hash` is the demo password's hash, shared by every account.
pub fn load(conn: &mut AnyConnection, hash: &str) -> AppResult<usize> {
    let data = org_data()?;
    let staff = hire(conn, hash, &data)?;
    let built = tribes(conn, &data, &staff)?;
    let built = move_radio(conn, built)?;
    chapters(conn, &data, &built)?;
    guilds(conn, &data, &staff)?;
    alliance(conn, &built, &staff)?;
    history(conn, &built)?;
    Ok(data.people.len() + staff.pool.len() + staff.product_owners.len())
}

/// Every tribe with its trio, squads (a product owner and five or six people each) and coach.
fn tribes(conn: &mut AnyConnection, data: &OrgData, staff: &Staff) -> AppResult<Built> {
    let mut built = Built::default();
    let mut engineers = staff.pool.iter();
    let mut owners = staff.product_owners.iter();
    for (t_index, plan) in data.tribes.iter().enumerate() {
        let tribe = unit(
            conn,
            UnitKind::Tribe,
            &plan.name,
            &plan.mission,
            None,
            "",
            vec![],
        )?;
        built.tribe_ids.push(tribe);
        join(
            conn,
            staff.id(&plan.lead)?,
            tribe,
            Role::TribeLead,
            long_ago()?,
        )?;
        trio(conn, plan, tribe, staff)?;
        for (s_index, NamedUnit { name, mission }) in plan.squads.iter().enumerate() {
            let squad = unit(
                conn,
                UnitKind::Squad,
                name,
                mission,
                Some(tribe),
                "",
                vec![],
            )?;
            built.squad_ids.push((squad, tribe));
            let since = date(2024, 3 + s_index as u32, 1 + t_index as u32)?;
            // The last squad of the last tribe gets no product owner and only five people,
            // so the demo shows what the health warnings look like.
            let short = t_index == data.tribes.len() - 1 && s_index == plan.squads.len() - 1;
            if !short && let Some(po) = owners.next() {
                join(conn, *po, squad, Role::ProductOwner, since)?;
            }
            let size = if short {
                5
            } else {
                5 + (s_index + t_index) % 2
            };
            for _ in 0..size {
                let Some((pid, d)) = engineers.next() else {
                    break;
                };
                join(conn, *pid, squad, Role::Member, since)?;
                built.squad_members.push((*pid, tribe, d.clone()));
                if *name == "Radio" {
                    built.radio_members.push(*pid);
                }
            }
        }
        let coach = if t_index % 2 == 0 { "alice" } else { "nadia" };
        join(conn, staff.id(coach)?, tribe, Role::AgileCoach, long_ago()?)?;
    }
    Ok(built)
}

/// When the org was founded: the start of the first memberships.
fn long_ago() -> AppResult<NaiveDate> {
    date(2024, 2, 1)
}

/// A tribe's trio: its tribe lead, product lead and design lead.
fn trio(conn: &mut AnyConnection, plan: &TribePlan, tribe: UnitId, staff: &Staff) -> AppResult<()> {
    let trio = unit(
        conn,
        UnitKind::Trio,
        &format!("{} Trio", plan.name),
        "Tribe lead, product lead and design lead, deciding together.",
        Some(tribe),
        "",
        vec![],
    )?;
    for (lead, role) in [
        (&plan.lead, Role::TribeLead),
        (&plan.product_lead, Role::ProductLead),
        (&plan.design_lead, Role::DesignLead),
    ] {
        join(conn, staff.id(lead)?, trio, role, long_ago()?)?;
    }
    Ok(())
}

/// Radio started in Discovery and moved to Listening Experience (kept in its history).
fn move_radio(conn: &mut AnyConnection, mut built: Built) -> AppResult<Built> {
    let radio = units::unit(conn, UnitKind::Squad, "radio")?;
    let fields = units::UnitFields {
        slug: radio.slug.clone(),
        name: radio.name.clone(),
        mission: radio.mission.clone(),
        description: radio.description.clone(),
        links: radio.links.clone(),
        tribe_id: Some(built.tribe_ids[0]),
        discipline: String::new(),
        alliance_tribes: vec![],
    };
    units::update_unit(conn, None, radio.id, &fields)?;
    let (listening, radio_members) = (built.tribe_ids[0], &built.radio_members);
    for m in built
        .squad_members
        .iter_mut()
        .filter(|m| radio_members.contains(&m.0))
    {
        m.1 = listening;
    }
    Ok(built)
}

/// Chapters: every tribe's engineers by discipline; the first of them leads.
fn chapters(conn: &mut AnyConnection, data: &OrgData, built: &Built) -> AppResult<()> {
    for (plan, &tribe) in data.tribes.iter().zip(&built.tribe_ids) {
        let short_name = plan.name.split_whitespace().next().unwrap_or(&plan.name);
        for ChapterPlan {
            suffix,
            discipline,
            members: members_of,
        } in &data.chapters
        {
            let chapter = unit(
                conn,
                UnitKind::Chapter,
                &format!("{short_name} {suffix}"),
                "Growing our craft together, across the tribe's squads.",
                Some(tribe),
                discipline,
                vec![],
            )?;
            let members = built
                .squad_members
                .iter()
                .filter(|(_, t, d)| *t == tribe && members_of.contains(d));
            for (i, (pid, _, _)) in members.enumerate() {
                let role = if i == 0 {
                    Role::ChapterLead
                } else {
                    Role::Member
                };
                join(conn, *pid, chapter, role, long_ago()?)?;
            }
        }
    }
    Ok(())
}

/// Guilds: open communities; every fourth person joins one, coaches join theirs.
fn guilds(conn: &mut AnyConnection, data: &OrgData, staff: &Staff) -> AppResult<()> {
    let mut guild_ids = Vec::new();
    for NamedUnit { name, mission } in &data.guilds {
        guild_ids.push(unit(
            conn,
            UnitKind::Guild,
            name,
            mission,
            None,
            "",
            vec![],
        )?);
    }
    for (i, (pid, d)) in staff.pool.iter().enumerate() {
        let guild = match d.as_str() {
            "frontend" | "mobile" => Some(guild_ids[0]),
            "design" => Some(guild_ids[1]),
            "data" => Some(guild_ids[2]),
            _ if i % 4 == 0 => Some(guild_ids[3]),
            _ => None,
        };
        if let Some(g) = guild {
            let since = date(2025, 1 + (i % 12) as u32, 10)?;
            join(conn, *pid, g, Role::Member, since)?;
        }
    }
    let (coaching, design) = (guild_ids[4], guild_ids[1]);
    join(
        conn,
        staff.id("alice")?,
        coaching,
        Role::Coordinator,
        long_ago()?,
    )?;
    join(
        conn,
        staff.id("nadia")?,
        coaching,
        Role::Member,
        long_ago()?,
    )?;
    join(
        conn,
        staff.id("ines")?,
        design,
        Role::Coordinator,
        long_ago()?,
    )?;
    Ok(())
}

/// An alliance of the Listening and Platform tribes, with its initiatives.
fn alliance(conn: &mut AnyConnection, built: &Built, staff: &Staff) -> AppResult<()> {
    let alliance = unit(
        conn,
        UnitKind::Alliance,
        "Family Plan Alliance",
        "One subscription for the whole household, from sign-up to shared playlists.",
        None,
        "",
        vec![built.tribe_ids[0], built.tribe_ids[3]],
    )?;
    let since = date(2025, 9, 1)?;
    join(conn, staff.id("bjorn")?, alliance, Role::Coordinator, since)?;
    let alliance_unit = units::unit_by_id(conn, alliance)?;
    for (name, stage, what) in [
        (
            "Shared family playlists",
            Stage::BuildIt,
            "Playlists every family member can add to.",
        ),
        (
            "Family billing",
            Stage::ThinkIt,
            "One invoice, six accounts, fair currency handling.",
        ),
        (
            "Kid-safe mode",
            Stage::ShipIt,
            "Explicit content filtered for children's accounts.",
        ),
    ] {
        units::add_initiative(conn, None, &alliance_unit, name, stage, what)?;
    }
    Ok(())
}

/// History: two engineers changed squads last summer, and a squad was renamed.
fn history(conn: &mut AnyConnection, built: &Built) -> AppResult<()> {
    for (k, (pid, _, _)) in built.squad_members.iter().take(2).enumerate() {
        let (to, _) = built.squad_ids[k + 5];
        let old = units::memberships_of_person(conn, *pid)?
            .into_iter()
            .find(|(m, u)| u.kind() == UnitKind::Squad && m.end_date.is_none())
            .map(|(m, _)| m.id)
            .ok_or_else(|| AppError::internal("demo history"))?;
        units::end_membership(conn, None, old, date(2025, 6, 30)?)?;
        join(conn, *pid, to, Role::Member, date(2025, 7, 1)?)?;
    }
    let offline = units::unit(conn, UnitKind::Squad, "offline-mode")?;
    let fields = units::UnitFields {
        slug: "offline".into(),
        name: "Offline".into(),
        mission: offline.mission.clone(),
        description: offline.description.clone(),
        links: offline.links.clone(),
        tribe_id: offline.tribe_id,
        ..Default::default()
    };
    units::update_unit(conn, None, offline.id, &fields)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The tribes' leads are named people, and nobody is named twice.
    #[test]
    fn the_demo_org_reads_and_its_leads_exist() {
        let data = super::org_data().unwrap();
        let named: Vec<&str> = data.people.iter().map(|p| p.username.as_str()).collect();
        let mut unique = named.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), named.len());
        for t in &data.tribes {
            for lead in [&t.lead, &t.product_lead, &t.design_lead] {
                assert!(named.contains(&lead.as_str()), "{}: {lead}", t.name);
            }
        }
        assert_eq!(data.tribes.len(), 4);
        assert_eq!(
            data.tribes.iter().map(|t| t.squads.len()).sum::<usize>(),
            15
        );
    }
}
