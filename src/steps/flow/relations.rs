//! Who stands where around a person in today's org: their chapter leads and tribe leads, the
//! chapters a lead leads and the people a lead manages.

use std::collections::{HashMap, HashSet};

use crate::ids::{PersonId, UnitId};
use crate::org::rules::Snapshot;
use crate::org::unit::{Membership, Role, Unit, UnitKind};
use crate::steps::model::Relations;

/// Today's memberships by person, for work over many people at once (the snapshot indexes
/// them by unit only): without it, one person's relations scan every membership.
pub struct ByPerson<'a>(HashMap<PersonId, Vec<&'a Membership>>);

impl<'a> ByPerson<'a> {
    pub fn of(snap: &'a Snapshot) -> ByPerson<'a> {
        let mut map: HashMap<PersonId, Vec<&Membership>> = HashMap::new();
        for m in &snap.memberships {
            map.entry(m.person_id).or_default().push(m);
        }
        ByPerson(map)
    }

    pub fn of_person(&self, id: PersonId) -> &[&'a Membership] {
        self.0.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The relations of `person_id` in today's org.
pub fn relations(snap: &Snapshot, company: &[PersonId], person_id: PersonId) -> Relations {
    let mine: Vec<&Membership> = snap
        .memberships
        .iter()
        .filter(|m| m.person_id == person_id)
        .collect();
    relations_of(snap, company, person_id, &mine)
}

/// [`relations`], given the person's memberships.
pub fn relations_of(
    snap: &Snapshot,
    company: &[PersonId],
    person_id: PersonId,
    mine: &[&Membership],
) -> Relations {
    let mut chapter_leads = Vec::new();
    let mut tribes = HashSet::new();
    for m in mine {
        let Some(unit) = snap.unit(m.unit_id) else {
            continue;
        };
        match unit.kind() {
            UnitKind::Chapter => {
                tribes.extend(unit.tribe_id);
                if m.role() != Role::ChapterLead {
                    chapter_leads
                        .extend(active(snap.members_with_role(unit.id, Role::ChapterLead)));
                }
            }
            UnitKind::Squad | UnitKind::Trio => {
                tribes.extend(unit.tribe_id);
            }
            UnitKind::Tribe => {
                tribes.insert(unit.id);
            }
            _ => {}
        }
    }
    let mut tribe_leads = Vec::new();
    for t in &tribes {
        tribe_leads.extend(active(snap.members_with_role(*t, Role::TribeLead)));
        for trio in snap.in_tribe(*t, UnitKind::Trio) {
            tribe_leads.extend(active(snap.members_with_role(trio.id, Role::TribeLead)));
        }
    }
    let clean = |mut v: Vec<PersonId>| {
        v.retain(|id| *id != person_id);
        v.sort_unstable();
        v.dedup();
        v
    };
    Relations {
        person_id,
        chapter_leads: clean(chapter_leads),
        tribe_leads: clean(tribe_leads),
        company: clean(company.to_vec()),
    }
}

/// The ids of those who may still sign in: someone who left leads nobody.
fn active(people: Vec<&crate::org::unit_repo::PersonBrief>) -> impl Iterator<Item = PersonId> + '_ {
    people.into_iter().filter(|p| !p.disabled).map(|p| p.id)
}

/// The chapters `lead` currently leads.
pub fn led_chapters(snap: &Snapshot, lead: PersonId) -> Vec<&Unit> {
    snap.memberships
        .iter()
        .filter(|m| m.person_id == lead && m.role() == Role::ChapterLead)
        .filter_map(|m| snap.unit(m.unit_id))
        .filter(|u| u.kind() == UnitKind::Chapter)
        .collect()
}

/// The people whose chapter `lead` currently leads (not their co-leads).
pub fn led_by(snap: &Snapshot, lead: PersonId) -> Vec<PersonId> {
    let chapters: Vec<UnitId> = led_chapters(snap, lead).iter().map(|u| u.id).collect();
    let mut out: Vec<PersonId> = snap
        .memberships
        .iter()
        .filter(|m| chapters.contains(&m.unit_id) && m.role() != Role::ChapterLead)
        .map(|m| m.person_id)
        .filter(|p| *p != lead)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Everyone whose line manager `lead` is (see [`Relations::line_managers`]): the people of the
/// chapters they lead, and — for a tribe lead or a company-level role — those with nobody
/// nearer.
pub fn managed_by(snap: &Snapshot, company: &[PersonId], lead: PersonId) -> Vec<PersonId> {
    let mut candidates: HashSet<PersonId> = led_by(snap, lead).into_iter().collect();
    let leads_tribes = snap
        .memberships
        .iter()
        .any(|m| m.person_id == lead && m.role() == Role::TribeLead);
    if company.contains(&lead) {
        candidates.extend(snap.people.iter().map(|p| p.id));
    } else if leads_tribes {
        for m in snap
            .memberships
            .iter()
            .filter(|m| m.person_id == lead && m.role() == Role::TribeLead)
        {
            let tribe = snap.unit(m.unit_id).and_then(|u| match u.kind() {
                UnitKind::Tribe => Some(u.id),
                _ => u.tribe_id,
            });
            if let Some(t) = tribe {
                candidates.extend(snap.people_in_tribe(t));
            }
        }
    }
    let by_person = ByPerson::of(snap);
    let mut out: Vec<PersonId> = candidates
        .into_iter()
        .filter(|p| {
            *p != lead && relations_of(snap, company, *p, by_person.of_person(*p)).is_lead(lead)
        })
        .collect();
    out.sort_unstable();
    out
}
