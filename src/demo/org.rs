//! The demo org of Kanelbulle Audio: four tribes with trios, fifteen squads, chapters in every
//! tribe, five guilds, an alliance with initiatives, about a hundred people, and some history
//! (people who changed squads, a squad that moved tribe, a renamed squad). Everything is made
//! through the same functions the pages use, so every rule is checked. Who is who, the tribes,
//! squads, chapters and guilds are `data/org.yaml`, embedded at build time; the history is
//! told here.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
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
    tribe_id: Option<i64>,
    discipline: &str,
    alliance_tribes: Vec<i64>,
) -> AppResult<i64> {
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
    person_id: i64,
    unit_id: i64,
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

/// Creates the demo org; `hash` is the demo password's hash, shared by every account.
pub fn load(conn: &mut AnyConnection, hash: &str) -> AppResult<usize> {
    let data = org_data()?;
    let person = |conn: &mut AnyConnection,
                  username: &str,
                  name: &str,
                  admin: bool,
                  discipline: &str,
                  title: &str|
     -> AppResult<(i64, String)> {
        let username = Username::parse(username).map_err(AppError::Validation)?;
        let email = Email::parse(&format!("{username}@kanelbulle.example"))
            .map_err(AppError::Validation)?;
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
        Ok((p.id, discipline.to_string()))
    };
    let mut named = std::collections::HashMap::new();
    for p in &data.people {
        let id = person(conn, &p.username, &p.name, p.admin, &p.discipline, &p.title)?.0;
        named.insert(p.username.as_str(), id);
    }
    let id_of = |u: &str| {
        named
            .get(u)
            .copied()
            .ok_or_else(|| AppError::internal("demo person"))
    };

    // Generated people: first × last names, in a fixed order.
    let mut pool: Vec<(i64, String)> = Vec::new();
    let mut product_owners: Vec<i64> = Vec::new();
    for i in 0..100usize {
        let (firsts, lasts) = (&data.generated.first_names, &data.generated.last_names);
        let first = &firsts[i % firsts.len()];
        let last = &lasts[(i * 7 + i / firsts.len()) % lasts.len()];
        let username = format!(
            "{}.{}",
            first.to_lowercase(),
            crate::org::unit::Slug::from_name(last)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default()
        );
        if i % 6 == 5 && product_owners.len() < 15 {
            let (id, _) = person(
                conn,
                &username,
                &format!("{first} {last}"),
                false,
                "product",
                "Product owner",
            )?;
            product_owners.push(id);
        } else {
            let disciplines = &data.generated.disciplines;
            let d = disciplines[i % disciplines.len()].as_str();
            let title = match d {
                "qa" => "QA engineer".to_string(),
                "design" => "Product designer".to_string(),
                "data" => "Data engineer".to_string(),
                d => format!("{}{} engineer", d[..1].to_uppercase(), &d[1..]),
            };
            pool.push(person(
                conn,
                &username,
                &format!("{first} {last}"),
                false,
                d,
                &title,
            )?);
        }
    }

    let long_ago = date(2024, 2, 1)?;
    let mut engineers = pool.iter();
    let mut owners = product_owners.iter();
    let mut tribe_ids = Vec::new();
    let mut squad_ids: Vec<(i64, i64)> = Vec::new(); // (squad, tribe)
    let mut squad_members: Vec<(i64, i64, String)> = Vec::new(); // (person, tribe, discipline)
    let mut radio_members: Vec<i64> = Vec::new();
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
        tribe_ids.push(tribe);
        join(conn, id_of(&plan.lead)?, tribe, Role::TribeLead, long_ago)?;
        let trio = unit(
            conn,
            UnitKind::Trio,
            &format!("{} Trio", plan.name),
            "Tribe lead, product lead and design lead, deciding together.",
            Some(tribe),
            "",
            vec![],
        )?;
        join(conn, id_of(&plan.lead)?, trio, Role::TribeLead, long_ago)?;
        join(
            conn,
            id_of(&plan.product_lead)?,
            trio,
            Role::ProductLead,
            long_ago,
        )?;
        join(
            conn,
            id_of(&plan.design_lead)?,
            trio,
            Role::DesignLead,
            long_ago,
        )?;
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
            squad_ids.push((squad, tribe));
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
                squad_members.push((*pid, tribe, d.clone()));
                if *name == "Radio" {
                    radio_members.push(*pid);
                }
            }
        }
        let coach = if t_index % 2 == 0 { "alice" } else { "nadia" };
        join(conn, id_of(coach)?, tribe, Role::AgileCoach, long_ago)?;
    }
    // Radio started in Discovery and moved to Listening Experience (kept in its history).
    let radio = units::unit(conn, UnitKind::Squad, "radio")?;
    let fields = units::UnitFields {
        slug: radio.slug.clone(),
        name: radio.name.clone(),
        mission: radio.mission.clone(),
        description: radio.description.clone(),
        links: radio.links.clone(),
        tribe_id: Some(tribe_ids[0]),
        discipline: String::new(),
        alliance_tribes: vec![],
    };
    units::update_unit(conn, None, radio.id, &fields)?;
    for m in squad_members
        .iter_mut()
        .filter(|m| radio_members.contains(&m.0))
    {
        m.1 = tribe_ids[0];
    }
    // Chapters: every tribe's engineers by discipline; the first of them leads.
    for (t_index, plan) in data.tribes.iter().enumerate() {
        let tribe = tribe_ids[t_index];
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
            let members = squad_members
                .iter()
                .filter(|(_, t, d)| *t == tribe && members_of.contains(d));
            for (i, (pid, _, _)) in members.enumerate() {
                let role = if i == 0 {
                    Role::ChapterLead
                } else {
                    Role::Member
                };
                join(conn, *pid, chapter, role, long_ago)?;
            }
        }
    }
    // Guilds: open communities; every fourth person joins one, coaches join theirs.
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
    for (i, (pid, d)) in pool.iter().enumerate() {
        let guild = match d.as_str() {
            "frontend" | "mobile" => Some(guild_ids[0]),
            "design" => Some(guild_ids[1]),
            "data" => Some(guild_ids[2]),
            _ if i % 4 == 0 => Some(guild_ids[3]),
            _ => None,
        };
        if let Some(g) = guild {
            join(
                conn,
                *pid,
                g,
                Role::Member,
                date(2025, 1 + (i % 12) as u32, 10)?,
            )?;
        }
    }
    join(
        conn,
        id_of("alice")?,
        guild_ids[4],
        Role::Coordinator,
        long_ago,
    )?;
    join(conn, id_of("nadia")?, guild_ids[4], Role::Member, long_ago)?;
    join(
        conn,
        id_of("ines")?,
        guild_ids[1],
        Role::Coordinator,
        long_ago,
    )?;

    // An alliance of the Listening and Platform trios.
    let alliance = unit(
        conn,
        UnitKind::Alliance,
        "Family Plan Alliance",
        "One subscription for the whole household, from sign-up to shared playlists.",
        None,
        "",
        vec![tribe_ids[0], tribe_ids[3]],
    )?;
    join(
        conn,
        id_of("bjorn")?,
        alliance,
        Role::Coordinator,
        date(2025, 9, 1)?,
    )?;
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

    // History: two engineers changed squads last summer, and a squad was renamed.
    for (k, (pid, _, _)) in squad_members.iter().take(2).enumerate() {
        let (to, _) = squad_ids[k + 5];
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
    Ok(data.people.len() + pool.len() + product_owners.len())
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
