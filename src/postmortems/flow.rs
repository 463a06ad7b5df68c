//! What pages and the API share: who may see and change a post-mortem, the blameless findings
//! of one, and the workflow draft → in review → published with its publishing gate. The
//! permission is checked here, on the blocking thread that also reads or writes.

use std::sync::Arc;

use super::blameless::{Finding, People, PersonRef, Rules};
use super::model::{Involved, Postmortem};
use super::model::{PostmortemInput, Status};
use super::repo::{self, Dismissal, Summary, Verdict};
use crate::auth::Viewer;
use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::people::model::Person;
use crate::site::forms::FieldErrors;
use crate::state::AppState;

/// Whether `viewer` is one of the people of a post-mortem: an author, its facilitator or a
/// current member of an involved squad. Admins count as involved.
fn involved(inv: Involved<'_>, viewer: &Person, org: &OrgView) -> bool {
    viewer.is_admin
        || inv.authors.contains(&viewer.id)
        || inv.facilitator == Some(viewer.id)
        || inv
            .squads
            .iter()
            .any(|s| org.snap.people_in(*s).contains(&viewer.id))
}

/// Published post-mortems are for everyone who may browse; drafts and those in review only
/// for the people involved (the incident is theirs to tell first).
pub fn may_see(inv: Involved<'_>, viewer: Option<&Person>, org: &OrgView) -> bool {
    inv.status == Status::Published || viewer.is_some_and(|v| involved(inv, v, org))
}

/// The people involved may change a post-mortem, before and after it is published.
pub fn may_edit(inv: Involved<'_>, viewer: Option<&Person>, org: &OrgView) -> bool {
    viewer.is_some_and(|v| involved(inv, v, org))
}

/// A reviewer is anyone who may see it and did not write it: not an author, and not the
/// person who created it (who could otherwise take themself off the authors and approve).
pub fn may_review(
    inv: Involved<'_>,
    creator: Option<i64>,
    viewer: Option<&Person>,
    org: &OrgView,
) -> bool {
    inv.status == Status::Review
        && viewer.is_some_and(|v| {
            !inv.authors.contains(&v.id) && creator != Some(v.id) && may_see(inv, Some(v), org)
        })
}

/// A post-mortem the viewer may see; a hidden one is "not found", so that drafts do not even
/// reveal that they exist.
pub fn visible(pm: Postmortem, viewer: Option<&Person>, org: &OrgView) -> AppResult<Postmortem> {
    if may_see(pm.people(), viewer, org) {
        Ok(pm)
    } else {
        Err(AppError::NotFound)
    }
}

fn require_edit(pm: &Postmortem, viewer: Option<&Person>, org: &OrgView) -> AppResult<()> {
    match viewer {
        None => Err(AppError::Unauthorized),
        Some(_) if may_edit(pm.people(), viewer, org) => Ok(()),
        Some(_) => Err(AppError::forbidden(
            "Only its authors, its facilitator, the involved squads and admins may change a \
             post-mortem.",
        )),
    }
}

/// Loads a post-mortem the viewer may see.
pub async fn load(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Postmortem> {
    let (org, me) = (org.clone(), viewer.person().cloned());
    state
        .db
        .run(move |c| visible(repo::get(c, id)?, me.as_ref(), &org))
        .await
}

/// Loads a post-mortem the viewer may change (404 if hidden, 403 if only readable).
pub async fn editable(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Postmortem> {
    let pm = load(state, org, viewer, id).await?;
    require_edit(&pm, viewer.person(), org)?;
    Ok(pm)
}

/// Saves checked input as a new draft or over `old`, or says why not, by form field:
/// - the writer must be among the people of the result, so nobody hands a draft away and
///   loses sight of it by accident;
/// - only its authors, facilitator, creator and admins change who is involved (a member of
///   an involved squad may improve the text, not take the draft from its authors);
/// - a published post-mortem stays blameless: an edit may not add open findings.
pub async fn store(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    old: Option<&Postmortem>,
    input: PostmortemInput,
) -> AppResult<Result<Postmortem, FieldErrors>> {
    let me = viewer.require_user()?.clone();
    let mut errors = FieldErrors::new();
    let inv = Involved {
        status: Status::Draft,
        authors: &input.authors,
        facilitator: input.facilitator,
        squads: &input.squads,
    };
    if !may_edit(inv, Some(&me), org) {
        errors.insert(
            "authors",
            "Keep yourself among the authors, or choose a squad you are in: otherwise you \
             could not see this post-mortem after saving.",
        );
    }
    if let Some(old) = old {
        let sorted = |v: &[i64]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v
        };
        let people_changed = sorted(&old.input.squads) != sorted(&input.squads)
            || sorted(&old.input.authors) != sorted(&input.authors)
            || old.input.facilitator != input.facilitator;
        let leads = me.is_admin
            || old.input.authors.contains(&me.id)
            || old.input.facilitator == Some(me.id)
            || old.creator_id == Some(me.id);
        if people_changed && !leads {
            errors.insert(
                "squads",
                "Only its authors, its facilitator and admins change the squads and people of \
                 a post-mortem.",
            );
        }
    }
    let (checker, org2) = (Checker::of(state)?, org.clone());
    let seen = old.map(|p| (p.id, p.status));
    state
        .db
        .run(move |c| {
            crate::db::write_transaction(c, |c| {
                let current = seen
                    .map(|(id, status)| repo::lock_in_status(c, id, status))
                    .transpose()?;
                let id = current.as_ref().map(|p| p.id);
                if let Some(old) = current.filter(|p| p.status == Status::Published) {
                    let dismissals = repo::dismissals(c, old.id)?;
                    let before = checker.findings(c, &org2, &old.input, &dismissals)?.0.len();
                    let after = checker.findings(c, &org2, &input, &dismissals)?.0.len();
                    if after > before {
                        errors.insert(
                            "blameless",
                            "A published post-mortem stays blameless: rewrite the wording the \
                             check finds (listed above), or dismiss a finding on the \
                             post-mortem's page with a reason.",
                        );
                    }
                }
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                Ok(Ok(match id {
                    Some(id) => repo::update(c, Some(me.id), id, &input)?,
                    None => repo::create(c, Some(me.id), &input)?,
                }))
            })
        })
        .await
}

/// Everyone the checker should recognise when people are named as the cause.
pub fn people(org: &OrgView) -> Vec<PersonRef> {
    org.snap
        .people
        .iter()
        .map(|p| PersonRef {
            username: p.username.clone(),
            display_name: p.display_name.clone(),
        })
        .collect()
}

/// One finding in a post-mortem: where it is and, when dismissed, why.
#[derive(Debug, Clone)]
pub struct Located {
    pub field: &'static str,
    pub label: String,
    pub finding: Finding,
    /// Up to a few words either side of the phrase.
    pub before: String,
    pub after: String,
    pub dismissed: Option<Dismissal>,
}

/// The organization's people indexed for the checker, kept until the change log moves on
/// (indexing a thousand people costs most of a millisecond; checking a page's texts less).
pub type PeopleCache = crate::db::head_cache::HeadCache<People>;

/// The indexed people of `org` (read at the same change-log head).
pub fn known(
    conn: &mut AnyConnection,
    cache: &PeopleCache,
    org: &OrgView,
) -> AppResult<Arc<People>> {
    cache.get(conn, (), |_| Ok(People::new(&people(org))))
}

/// Findings of every text of `input`: the open ones and the dismissed ones.
pub fn findings(
    rules: &Rules,
    input: &PostmortemInput,
    people: &People,
    dismissals: &[Dismissal],
) -> (Vec<Located>, Vec<Located>) {
    let (mut open, mut dismissed) = (Vec::new(), Vec::new());
    for t in input.texts() {
        let chars: Vec<char> = t.text.chars().collect();
        for f in rules.check_known(t.text, t.place, people) {
            let before: String = chars[f.start.saturating_sub(40)..f.start].iter().collect();
            let after: String = chars[f.end..(f.end + 40).min(chars.len())].iter().collect();
            let d = dismissals
                .iter()
                .find(|d| {
                    d.field == t.field
                        && d.rule == f.rule
                        && d.phrase == repo::normal_phrase(&f.phrase)
                })
                .cloned();
            let located = Located {
                field: t.field,
                label: t.label.clone(),
                finding: f,
                before: trim_start_word(&before),
                after: trim_end_word(&after),
                dismissed: d,
            };
            if located.dismissed.is_some() {
                dismissed.push(located);
            } else {
                open.push(located);
            }
        }
    }
    (open, dismissed)
}

/// Context cut at a word boundary, with an ellipsis where it was cut.
fn trim_start_word(s: &str) -> String {
    if s.chars().count() < 40 {
        return s.to_string();
    }
    match s.find(char::is_whitespace) {
        Some(i) => format!("…{}", &s[i..]),
        None => s.to_string(),
    }
}

fn trim_end_word(s: &str) -> String {
    if s.chars().count() < 40 {
        return s.to_string();
    }
    match s.rfind(char::is_whitespace) {
        Some(i) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Open findings of a saved post-mortem (for the publishing gate).
pub fn open_findings(
    conn: &mut AnyConnection,
    state: &Checker,
    org: &OrgView,
    pm: &Postmortem,
) -> AppResult<Vec<Located>> {
    let dismissals = repo::dismissals(conn, pm.id)?;
    let people = known(conn, &state.people, org)?;
    Ok(findings(&state.rules, &pm.input, &people, &dismissals).0)
}

/// What checking needs: the rules and the cache of indexed people (cheap to clone).
#[derive(Clone)]
pub struct Checker {
    pub rules: Arc<Rules>,
    pub people: Arc<PeopleCache>,
}

impl Checker {
    pub fn of(state: &AppState) -> AppResult<Checker> {
        Ok(Checker {
            rules: state.part::<Rules>()?,
            people: state.part::<PeopleCache>()?,
        })
    }

    /// Open and dismissed findings of `input` (on a blocking thread).
    pub fn findings(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        input: &PostmortemInput,
        dismissals: &[Dismissal],
    ) -> AppResult<(Vec<Located>, Vec<Located>)> {
        let people = known(conn, &self.people, org)?;
        Ok(findings(&self.rules, input, &people, dismissals))
    }
}

/// Sends a draft to review, or takes it back.
pub async fn move_to(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
    to: Status,
) -> AppResult<Postmortem> {
    let pm = editable(state, org, viewer, id).await?;
    let me = viewer.require_user()?.id;
    let from = pm.status;
    let ok = matches!(
        (pm.status, to),
        (Status::Draft, Status::Review) | (Status::Review, Status::Draft)
    );
    if !ok {
        return Err(AppError::Validation(match to {
            Status::Published => "A post-mortem is published by a reviewer's approval.".into(),
            _ => format!(
                "A post-mortem that is {} cannot become {}.",
                pm.status.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        }));
    }
    state
        .db
        .run(move |c| {
            repo::set_status(c, Some(me), id, from, to)?;
            repo::get(c, id)
        })
        .await
}

/// Why a review cannot be recorded, keyed by form field.
#[derive(Debug)]
pub enum ReviewRefused {
    /// Open findings that the reviewer did not acknowledge (or not all of them).
    Findings(usize),
    Comments(String),
    /// It changed since the reviewer read it.
    Changed,
}

/// What a reviewer decided, on the version they read.
pub struct ReviewInput {
    pub verdict: Verdict,
    pub comments: String,
    /// How many open findings the reviewer accepts: the web form sends the number it showed,
    /// so findings that appeared since are not accepted unseen; the API sends "all".
    pub acknowledge: Acknowledge,
    /// The `updated_at` (microseconds) of the version read; None: whatever is current.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledge {
    None,
    Count(usize),
    All,
}

/// The version a reviewer read, as the review form carries it.
pub fn version_of(pm: &Postmortem) -> i64 {
    pm.updated_at.and_utc().timestamp_micros()
}

/// Records a review. Approving publishes, and needs zero open findings or the reviewer's
/// explicit acknowledgement of them; requesting changes needs a comment saying which. The
/// checks and the write are one transaction on the current row, so two reviewers at once, or
/// an edit meanwhile, cannot publish twice or publish what nobody reviewed.
pub async fn review(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
    r: ReviewInput,
) -> AppResult<Result<Postmortem, ReviewRefused>> {
    let me = viewer.require_user()?.clone();
    if r.verdict == Verdict::Changes && r.comments.trim().is_empty() {
        return Ok(Err(ReviewRefused::Comments(
            "Say what should change, so the authors know.".into(),
        )));
    }
    let (checker, org) = (Checker::of(state)?, org.clone());
    state
        .db
        .run(move |c| {
            crate::db::write_transaction(c, |c| {
                crate::db::lock_for_transaction(c, crate::db::locks::CHANGE_LOG)?;
                let pm = visible(repo::get(c, id)?, Some(&me), &org)?;
                if !may_review(pm.people(), pm.creator_id, Some(&me), &org) {
                    return Err(AppError::forbidden(if pm.status != Status::Review {
                        "Only a post-mortem in review can be reviewed."
                    } else {
                        "A reviewer is someone who may see it and did not write it."
                    }));
                }
                if r.version.is_some_and(|v| v != version_of(&pm)) {
                    return Ok(Err(ReviewRefused::Changed));
                }
                let open = open_findings(c, &checker, &org, &pm)?.len();
                let accepted = match r.acknowledge {
                    Acknowledge::None => 0,
                    Acknowledge::Count(n) => n,
                    Acknowledge::All => open,
                };
                if r.verdict == Verdict::Approved && open > 0 && accepted != open {
                    return Ok(Err(ReviewRefused::Findings(open)));
                }
                let acknowledged = if r.verdict == Verdict::Approved {
                    open as i32
                } else {
                    0
                };
                repo::review(c, me.id, &pm, r.verdict, &r.comments, acknowledged)?;
                Ok(Ok(repo::get(c, id)?))
            })
        })
        .await
}

/// Post-mortems the viewer may see, newest incident first.
pub fn visible_summaries<'a>(
    all: &'a [Summary],
    viewer: Option<&'a Person>,
    org: &'a OrgView,
) -> impl Iterator<Item = &'a Summary> + 'a {
    all.iter().filter(move |s| may_see(s.people(), viewer, org))
}

/// Every post-mortem's summary, kept until the change log moves on.
pub type SummaryCache = crate::db::head_cache::HeadCache<Vec<Summary>>;

pub fn all(conn: &mut AnyConnection, cache: &SummaryCache) -> AppResult<Arc<Vec<Summary>>> {
    cache.get(conn, (), repo::all)
}

/// What the list and its API filter by, as typed.
#[derive(serde::Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub squad: String,
    #[serde(default)]
    pub tribe: String,
    #[serde(default)]
    pub status: String,
    /// Incidents that started on or after this date.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The page of the list, from 1 (the API answers every match).
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The list with these filters on another page.
    pub fn page_url(&self, page: usize) -> String {
        crate::site::views::page_url(
            "/postmortems",
            &[
                ("severity", &self.severity),
                ("squad", &self.squad),
                ("tribe", &self.tribe),
                ("status", &self.status),
                ("from", &self.from),
                ("to", &self.to),
            ],
            page,
        )
    }

    /// The post-mortems of `all` the viewer may see that match, newest incident first. An
    /// unknown squad or tribe matches nothing; an unreadable severity, status or date is a 400.
    pub fn select<'a>(
        &self,
        all: &'a [Summary],
        viewer: Option<&'a Person>,
        org: &'a OrgView,
    ) -> AppResult<Vec<&'a Summary>> {
        let bad = |what: &str, v: &str| AppError::BadRequest(format!("{v:?} is not a {what}."));
        let severity = match self.severity.trim() {
            "" => None,
            s => Some(super::model::Severity::parse(s).ok_or_else(|| bad("severity", s))?),
        };
        let status = match self.status.trim() {
            "" => None,
            s => Some(Status::parse(s).ok_or_else(|| bad("status", s))?),
        };
        let from = crate::site::forms::date_param(&self.from, "from:")?;
        let to = crate::site::forms::date_param(&self.to, "to:")?;
        let squads = org.squads_of(&self.squad, &self.tribe);
        Ok(visible_summaries(all, viewer, org)
            .filter(|s| severity.is_none_or(|v| s.severity == v))
            .filter(|s| status.is_none_or(|v| s.status == v))
            .filter(|s| {
                let day = s.times.started.map(|t| t.date());
                from.is_none_or(|f| day.is_some_and(|d| d >= f))
                    && to.is_none_or(|t| day.is_some_and(|d| d <= t))
            })
            .filter(|s| {
                squads
                    .as_ref()
                    .is_none_or(|q| s.squads.iter().any(|id| q.contains(id)))
            })
            .collect())
    }
}

/// Dismisses a finding with a reason (recorded with who and when).
#[allow(clippy::too_many_arguments)]
pub async fn dismiss(
    state: &AppState,
    org: &Arc<OrgView>,
    viewer: &Viewer,
    id: i64,
    field: &str,
    rule: &str,
    phrase: &str,
    reason: &str,
) -> AppResult<Postmortem> {
    let pm = editable(state, org, viewer, id).await?;
    let me = viewer.require_user()?.id;
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::Validation(
            "Say why this finding is not blame, e.g. \"quotes the alert's text\"; the reason is \
             kept for the reviewer."
                .into(),
        ));
    }
    if reason.chars().count() > 500
        || phrase.chars().count() > 200
        || field.len() > 40
        || rule.len() > 80
    {
        return Err(AppError::Validation("That dismissal is too long.".into()));
    }
    let (field, rule, phrase) = (field.to_string(), rule.to_string(), phrase.to_string());
    state
        .db
        .run(move |c| {
            repo::dismiss(c, me, id, &field, &rule, &phrase, &reason)?;
            Ok(pm)
        })
        .await
}

/// Post-mortems as the source of action items: their items are visible where the
/// post-mortem is, and its people may change them.
pub struct ItemsFrom(pub Arc<SummaryCache>);

impl crate::action_items::flow::ItemSource for ItemsFrom {
    fn kind(&self) -> &'static str {
        repo::KIND
    }

    fn visible(
        &self,
        conn: &mut AnyConnection,
        org: &OrgView,
        viewer: Option<&Person>,
    ) -> AppResult<std::collections::HashMap<i64, crate::action_items::flow::Origin>> {
        let all = all(conn, &self.0)?;
        Ok(visible_summaries(&all, viewer, org)
            .map(|s| {
                let origin = crate::action_items::flow::Origin {
                    title: s.title.clone(),
                    owned: may_edit(s.people(), viewer, org),
                };
                (s.id, origin)
            })
            .collect())
    }
}
