//! Saving and the workflow: a draft saved or edited (by whom, and staying blameless once
//! published), sent to review and back, reviewed (with its publishing gate), and findings
//! dismissed with a reason.

use std::sync::Arc;

use super::super::model::{Involved, Postmortem, PostmortemInput, Status};
use super::super::repo::{self, Verdict};
use super::{Checker, editable, may_edit, may_review, open_findings, visible};
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::org::cache::OrgView;
use crate::site::forms::FieldErrors;
use crate::state::AppState;

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
        fn sorted<T: Ord + Copy>(v: &[T]) -> Vec<T> {
            let mut v = v.to_vec();
            v.sort_unstable();
            v
        }
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
    if to == Status::Review
        && let Some(why) = pm.input.ongoing()
    {
        return Err(AppError::Validation(why));
    }
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
    /// Open findings that point at a person: each is rewritten, or dismissed by the reviewer.
    PersonFindings(usize),
    Comments(String),
    /// It changed since the reviewer read it.
    Changed,
    /// The incident is not known to be over (see `PostmortemInput::ongoing`).
    Ongoing(String),
}

/// What a reviewer decided, on the version they read.
pub struct ReviewInput {
    pub verdict: Verdict,
    pub comments: String,
    /// How many open findings the reviewer accepts: the web form sends the number it showed,
    /// so findings that appeared since are not accepted unseen; the API sends "all". Findings
    /// that point at a person are never among them.
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

/// Records a review. Approving publishes, and needs no open finding that points at a person
/// (each is rewritten, or dismissed by the reviewer), and the other open findings none or
/// the reviewer's explicit acknowledgement of them; requesting changes needs a comment saying which. The
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
                if r.verdict == Verdict::Approved
                    && let Some(why) = pm.input.ongoing()
                {
                    return Ok(Err(ReviewRefused::Ongoing(why)));
                }
                let (personal, open): (Vec<_>, Vec<_>) = open_findings(c, &checker, &org, &pm)?
                    .into_iter()
                    .partition(|l| l.finding.points_at_person);
                if r.verdict == Verdict::Approved && !personal.is_empty() {
                    return Ok(Err(ReviewRefused::PersonFindings(personal.len())));
                }
                let open = open.len();
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

/// Dismisses a finding with a reason (recorded with who and when). A finding that points at
/// a person is dismissed only by a reviewer: someone who did not write it, while it is in
/// review; its authors rewrite it instead.
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
    let me = viewer.require_user()?;
    if Checker::of(state)?.rules.points_at_person(rule)
        && !may_review(pm.people(), pm.creator_id, Some(me), org)
    {
        return Err(AppError::forbidden(
            "A finding that points at a person is rewritten by the authors, or dismissed with a \
             reason by the reviewer (someone who did not write it) while it is in review.",
        ));
    }
    let me = me.id;
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
