//! Who may set up which webhook: admins the org's and every unit's, a unit's leads (and its
//! tribe's) that unit's — the same people who may edit the unit.

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::ids::UnitId;
use crate::org::access::Access;
use crate::org::unit::Unit;
use crate::people::model::Person;

/// What one person may manage, read once per request.
pub struct Manage {
    pub is_admin: bool,
    /// The units whose webhooks they may set up, by name.
    pub units: Vec<Unit>,
}

impl Manage {
    pub fn load(c: &mut AnyConnection, me: &Person) -> AppResult<Manage> {
        let access = Access::load(c, Some(me))?;
        let mut units: Vec<Unit> = crate::org::unit_repo::all_units(c)?
            .into_iter()
            .filter(|u| access.can_edit(u))
            .collect();
        units.sort_by_key(|u| u.name.to_lowercase());
        Ok(Manage {
            is_admin: access.is_admin,
            units,
        })
    }

    /// Whether they may set up any webhook at all.
    pub fn any(&self) -> bool {
        self.is_admin || !self.units.is_empty()
    }

    pub fn may(&self, scope: Option<UnitId>) -> bool {
        match scope {
            None => self.is_admin,
            Some(u) => self.units.iter().any(|x| x.id == u),
        }
    }

    pub fn require(&self, scope: Option<UnitId>) -> AppResult<()> {
        if self.may(scope) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "Webhooks are set up by admins for the whole org, and by a unit's leads for \
                 their unit.",
            ))
        }
    }

    /// The choices of the form's scope field: (value, label).
    pub fn scopes(&self) -> Vec<(String, String)> {
        let org = self
            .is_admin
            .then(|| ("org".to_string(), "The whole org".to_string()));
        org.into_iter()
            .chain(self.units.iter().map(|u| {
                (
                    u.id.to_string(),
                    format!("{} ({})", u.name, u.kind().label().to_lowercase()),
                )
            }))
            .collect()
    }

    /// How a webhook's scope reads.
    pub fn scope_name(&self, scope: Option<UnitId>) -> String {
        match scope {
            None => "The whole org".into(),
            Some(u) => self
                .units
                .iter()
                .find(|x| x.id == u)
                .map_or_else(|| format!("Unit {u}"), |x| x.name.clone()),
        }
    }
}
