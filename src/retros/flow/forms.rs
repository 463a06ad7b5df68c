//! The forms that start a retro and agree on an action item in its discussion, as typed and
//! checked, and starting a retro from the first.

use crate::action_items::model::{ActionInput, Kind, Status};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::org::cache::OrgView;
use crate::org::unit::UnitKind;
use crate::people::model::Person;
use crate::retros::model::{Format, NewRetro, Retro, Topic, parse_columns, parse_vote_limit};
use crate::retros::repo;
use crate::site::forms::FieldErrors;
use crate::state::AppState;

/// The form (or API body) that starts a retro, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewForm {
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub columns: String,
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub vote_limit: String,
    /// `hidden` (the default when blank: tallies show once the vote closes) or `shown`.
    #[serde(default)]
    pub dots: String,
    /// Username; the starter when blank.
    #[serde(default)]
    pub facilitator: String,
}

impl NewForm {
    pub fn parse(&self, org: &OrgView, me: &Person) -> Result<NewRetro, FieldErrors> {
        let mut errors = FieldErrors::new();
        let squad = self.squad(org, &mut errors);
        let held_on = match self.held_on.trim() {
            "" => crate::dates::today(),
            s => crate::dates::parse_date(s).unwrap_or_else(|_| {
                errors.insert("held_on", crate::dates::not_a_date(s));
                crate::dates::today()
            }),
        };
        let format = match Format::parse(self.format.trim()) {
            Some(f) => f,
            None => {
                errors.insert(
                    "format",
                    format!("{:?} is not a retro format.", self.format.trim()),
                );
                Format::StartStopContinue
            }
        };
        let columns = if format == Format::Custom {
            parse_columns(&self.columns).unwrap_or_else(|e| {
                errors.insert("columns", e);
                vec![]
            })
        } else {
            format.columns().iter().map(|c| c.to_string()).collect()
        };
        let vote_limit = parse_vote_limit(&self.vote_limit).unwrap_or_else(|e| {
            errors.insert("vote_limit", e);
            3
        });
        let hide_votes = self.hide_votes(&mut errors);
        let facilitator = match self.facilitator.trim() {
            "" => Some(me.id),
            u => match org.person_by_username(u.trim_start_matches('@')) {
                Some(p) => Some(p.id),
                None => {
                    errors.insert("facilitator", format!("There is no person {u:?}."));
                    None
                }
            },
        };
        let title = match self.title.trim() {
            t if t.chars().count() > 120 => {
                errors.insert("title", "At most 120 characters.");
                String::new()
            }
            "" => squad
                .as_ref()
                .map(|s| format!("{} retro {held_on}", s.name))
                .unwrap_or_default(),
            t => t.to_string(),
        };
        match (squad, facilitator) {
            (Some(squad), Some(facilitator_id)) if errors.is_empty() => Ok(NewRetro {
                title,
                squad_id: squad.id,
                facilitator_id,
                held_on,
                format,
                columns,
                anonymous: matches!(self.anonymous.trim(), "on" | "true" | "1" | "yes"),
                vote_limit,
                hide_votes,
            }),
            _ => Err(errors),
        }
    }

    fn squad(&self, org: &OrgView, errors: &mut FieldErrors) -> Option<crate::org::unit::Unit> {
        let found = org.unit_by_key(UnitKind::Squad.as_str(), self.squad.trim());
        if found.is_none() {
            errors.insert(
                "squad",
                if self.squad.trim().is_empty() {
                    "Choose the squad whose retro it is.".into()
                } else {
                    format!("There is no squad {:?}.", self.squad.trim())
                },
            );
        }
        found.cloned()
    }

    /// The dots' choice: hidden until the vote closes unless `shown` was picked.
    fn hide_votes(&self, errors: &mut FieldErrors) -> bool {
        match self.dots.trim() {
            "" | "hidden" => true,
            "shown" => false,
            other => {
                errors.insert(
                    "dots",
                    format!("{other:?} is neither \"hidden\" nor \"shown\"."),
                );
                true
            }
        }
    }
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    org: &OrgView,
    form: &NewForm,
) -> AppResult<Result<Retro, FieldErrors>> {
    let me = viewer.require_user()?;
    let new = match form.parse(org, me) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let actor = me.id;
    let retro = state
        .db
        .run(move |c| repo::create(c, Some(actor), &new))
        .await?;
    Ok(Ok(retro))
}

/// An action item as typed in the discussion.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub title: String,
    /// Owner squad slug; the retro's squad when blank.
    #[serde(default)]
    pub squad: String,
    /// Owner username, optional.
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_on: String,
    /// The topic's key (`g12`, `c34`) the item is about; blank for none.
    #[serde(default)]
    pub topic: String,
}

impl ActionForm {
    /// The topic the item is about, if one was chosen.
    fn topic(&self, errors: &mut FieldErrors) -> Option<Topic> {
        match self.topic.trim() {
            "" => None,
            t => Topic::parse(t).or_else(|| {
                errors.insert("topic", format!("{t:?} is not a topic of this board."));
                None
            }),
        }
    }

    /// The item, and the topic it is about (checked against the board when it is added).
    pub fn parse(
        &self,
        org: &OrgView,
        retro: &Retro,
    ) -> Result<(ActionInput, Option<Topic>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let topic = self.topic(&mut errors);
        let title = self.title.trim();
        if title.is_empty() {
            errors.insert("title", "Say what will be done.");
        } else if title.chars().count() > 200 {
            errors.insert("title", "At most 200 characters.");
        }
        let squad_id = match self.squad.trim() {
            "" => Some(retro.squad_id),
            s => org
                .unit_by_key(UnitKind::Squad.as_str(), s)
                .map(|u| u.id)
                .or_else(|| {
                    errors.insert("squad", format!("There is no squad {s:?}."));
                    None
                }),
        };
        let person_id = match self.owner.trim().trim_start_matches('@') {
            "" => None,
            u => org.person_by_username(u).map(|p| p.id).or_else(|| {
                errors.insert("owner", format!("There is no person {u:?}."));
                None
            }),
        };
        let due_on = match self.due_on.trim() {
            "" => None,
            s => match crate::dates::parse_date(s) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.insert("due_on", crate::dates::not_a_date(s));
                    None
                }
            },
        };
        match squad_id {
            Some(squad_id) if errors.is_empty() => Ok((
                ActionInput {
                    id: None,
                    title: title.to_string(),
                    kind: Kind::Process,
                    squad_id,
                    person_id,
                    due_on,
                    status: Status::Open,
                    reason: String::new(),
                    tracker: String::new(),
                },
                topic,
            )),
            _ => Err(errors),
        }
    }
}
