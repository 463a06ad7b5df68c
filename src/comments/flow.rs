//! What pages and the comment forms share: which records take comments and who may see them
//! (each feature answers for its own, through [`Commentables`], which the composition
//! registers), the thread a record's page shows, and the writes with their permission
//! checks, in the same transaction as the write.

use chrono::Utc;

use super::model::{Comment, parse_body};
use super::repo;
use crate::db::events::{self, Event, EventKind, Readers, Subject};
use crate::db::{AnyConnection, Change, EntityKind, Op, write_with_changes};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::markdown::{Resolve, SafeHtml, Unresolved};
use crate::people::model::Person;

/// A record that takes comments, as the person asking may see it.
pub struct Found {
    pub title: String,
    /// Its page (`/lessons/12`).
    pub url: String,
    /// The change log's key of the record (a page's slug, an id otherwise).
    pub log_key: String,
    /// Who may read it, so a mention reaches no one who could not follow it.
    pub everyone: bool,
    pub readers: Vec<PersonId>,
}

/// One kind of record that takes comments, answered by its feature.
pub trait Commentable: Send + Sync {
    fn kind(&self) -> EntityKind;

    /// The record, if `viewer` may see it and it takes comments now (a retro once closed);
    /// none otherwise, which the pages answer as "not found".
    fn find(&self, conn: &mut AnyConnection, viewer: &Person, id: i64) -> AppResult<Option<Found>>;
}

/// A kind of record every signed-in person reads: its feature says only whether record `id`
/// takes comments now, as (title, address, change-log key).
pub struct Open {
    pub kind: EntityKind,
    pub find: Finder,
}

/// A feature's answer for [`Open`]: record `id` as (title, address, change-log key), if it
/// takes comments now.
pub type Finder = fn(&mut AnyConnection, i64) -> AppResult<Option<(String, String, String)>>;

impl Commentable for Open {
    fn kind(&self) -> EntityKind {
        self.kind
    }

    fn find(
        &self,
        conn: &mut AnyConnection,
        _viewer: &Person,
        id: i64,
    ) -> AppResult<Option<Found>> {
        Ok((self.find)(conn, id)?.map(|(title, url, log_key)| Found {
            title,
            url,
            log_key,
            everyone: true,
            readers: vec![],
        }))
    }
}

/// Every kind of record that takes comments (a part the composition registers).
pub struct Commentables(pub Vec<Box<dyn Commentable>>);

impl Commentables {
    /// The record `kind`/`id` as `viewer` may comment on it, or "not found".
    pub fn find(
        &self,
        conn: &mut AnyConnection,
        viewer: &Person,
        kind: EntityKind,
        id: i64,
    ) -> AppResult<Found> {
        let Some(of_kind) = self.0.iter().find(|c| c.kind() == kind) else {
            return Err(AppError::NotFound);
        };
        of_kind.find(conn, viewer, id)?.ok_or(AppError::NotFound)
    }
}

/// One comment as a record's page shows it.
pub struct CommentView {
    pub id: i64,
    pub anchor: String,
    pub author: (String, String),
    pub when: String,
    pub edited: bool,
    /// Hidden by an administrator: (by whom, why); the text is shown to administrators only.
    pub hidden: Option<(String, String)>,
    pub html: Option<SafeHtml>,
    pub may_edit: bool,
    pub may_delete: bool,
    pub may_hide: bool,
}

/// The comments under a record, and the form to add one.
pub struct Thread {
    /// `lesson:12`: what the form posts to.
    pub on: String,
    pub comments: Vec<CommentView>,
    /// Signed in, so the form is shown.
    pub may_post: bool,
}

/// People named in comments, for the mentions' links: the others are left as text.
struct People(Vec<String>);

impl Resolve for People {
    fn page(&self, target: &str) -> Option<(String, String)> {
        Unresolved.page(target)
    }
    fn org(&self, kind: &str, slug: &str) -> Option<(String, String)> {
        match kind {
            "person" => self
                .0
                .iter()
                .any(|u| u == slug)
                .then(|| (format!("/people/{slug}"), slug.to_string())),
            _ => Unresolved.org(kind, slug),
        }
    }
}

/// The thread under record `kind`/`id`, which the caller has already let `viewer` see.
pub fn thread(
    conn: &mut AnyConnection,
    viewer: Option<&Person>,
    kind: EntityKind,
    id: i64,
) -> AppResult<Thread> {
    let written = repo::on(conn, kind, id)?;
    let mentioned: Vec<String> = written
        .iter()
        .flat_map(|(c, _, _)| crate::markdown::mentions::mentioned(&c.body))
        .collect();
    let known = People(crate::people::repo::active_usernames(conn, &mentioned)?);
    let hiders = hiders(conn, &written)?;
    let now = Utc::now().naive_utc();
    let admin = viewer.is_some_and(|v| v.is_admin);
    let comments = written
        .into_iter()
        .map(|(c, username, name)| {
            let mine = viewer.is_some_and(|v| v.id == c.author_id);
            let hidden = c.hidden_by.map(|by| {
                let who = hiders
                    .iter()
                    .find(|(id, _)| *id == by)
                    .map(|(_, n)| n.clone());
                (who.unwrap_or_default(), c.hidden_reason.clone())
            });
            let shown = hidden.is_none() || admin;
            CommentView {
                id: c.id,
                anchor: c.anchor(),
                author: (username, name),
                when: c.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                edited: c.edited_at.is_some(),
                html: shown.then(|| crate::markdown::render_with(&c.body, &known).html),
                may_edit: viewer.is_some_and(|v| c.editable_by(v.id, now)),
                may_delete: mine,
                may_hide: admin,
                hidden,
            }
        })
        .collect();
    Ok(Thread {
        on: format!("{}:{id}", kind.key()),
        comments,
        may_post: viewer.is_some(),
    })
}

/// The names of the administrators who hid comments of the thread.
fn hiders(
    conn: &mut AnyConnection,
    written: &[repo::Written],
) -> AppResult<Vec<(PersonId, String)>> {
    let mut out = Vec::new();
    for by in written.iter().filter_map(|(c, _, _)| c.hidden_by) {
        if !out.iter().any(|(id, _)| *id == by) {
            let name = crate::people::repo::name_of(conn, by)?.map(|(_, n)| n);
            out.push((by, name.unwrap_or_default()));
        }
    }
    Ok(out)
}

/// `lesson:12` → the kind and id of a record that takes comments.
pub fn parse_on(raw: &str) -> Option<(EntityKind, i64)> {
    let (kind, id) = raw.trim().split_once(':')?;
    Some((EntityKind::parse(kind)?, id.parse().ok()?))
}

/// Writes a comment on a record `me` may see; the address of the comment, or what is wrong
/// with the body. Its record's watchers hear of it, the people it mentions for the first
/// time too, and its author watches the record from now on.
pub fn post(
    conn: &mut AnyConnection,
    commentables: &Commentables,
    me: &Person,
    (kind, id): (EntityKind, i64),
    body: &str,
) -> AppResult<Result<String, String>> {
    let body = match parse_body(body) {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    write_with_changes(conn, Some(me.id), |c, log| {
        let found = commentables.find(c, me, kind, id)?;
        let comment = repo::insert(c, log, kind, id, me.id, &body)?;
        let url = format!("{}#comment-{comment}", found.url);
        let about = Subject {
            kind,
            key: id.to_string(),
            title: found.title.clone(),
            url: url.clone(),
        };
        let readers = if found.everyone {
            Readers::Everyone
        } else {
            Readers::Only(&found.readers)
        };
        let place = format!("{}#comment-{comment}", about.target());
        events::mentions(c, log, &about, &place, &body, readers)?;
        events::watch_own(c, log, &about.target())?;
        let mut said = Event::new(EventKind::Commented, about);
        said.summary = events::excerpt(&body, 280);
        events::emit(c, log, &said)?;
        Ok((Ok(url), vec![Change::new(kind, found.log_key, Op::Comment)]))
    })
}

/// What may be done to a comment, by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Its author, within the edit window.
    Edit,
    /// Its author, any time.
    Delete,
    /// An administrator: hide, or show again.
    Hide,
    Show,
}

/// A comment and its record, if `me` may do `act` to it; "not found" when they may not see
/// the record, "forbidden" when they may see it but not do this.
pub fn load_for(
    conn: &mut AnyConnection,
    commentables: &Commentables,
    me: &Person,
    id: i64,
    act: Act,
) -> AppResult<(Comment, Found)> {
    let comment = repo::get(conn, id)?;
    let kind = EntityKind::parse(&comment.subject_kind).ok_or(AppError::NotFound)?;
    let found = commentables.find(conn, me, kind, comment.subject_id)?;
    let allowed = match act {
        Act::Edit => comment.editable_by(me.id, Utc::now().naive_utc()),
        Act::Delete => comment.author_id == me.id,
        Act::Hide | Act::Show => me.is_admin,
    };
    if allowed {
        Ok((comment, found))
    } else {
        Err(AppError::forbidden(match act {
            Act::Edit => "A comment can be edited by its author, for 15 minutes after writing it.",
            Act::Delete => "Only its author may delete a comment.",
            Act::Hide | Act::Show => "Only administrators may hide comments.",
        }))
    }
}

/// Does `act` to comment `id`; the address of the record's page to go back to. An edit's
/// body is checked first (the error comes back for the form).
pub fn change(
    conn: &mut AnyConnection,
    commentables: &Commentables,
    me: &Person,
    id: i64,
    act: Act,
    text: &str,
) -> AppResult<Result<String, String>> {
    let body = match act {
        Act::Edit => match parse_body(text) {
            Ok(b) => b,
            Err(e) => return Ok(Err(e)),
        },
        _ => String::new(),
    };
    write_with_changes(conn, Some(me.id), |c, log| {
        let (comment, found) = load_for(c, commentables, me, id, act)?;
        let kind = EntityKind::parse(&comment.subject_kind).ok_or(AppError::NotFound)?;
        let back = match act {
            Act::Edit => {
                repo::set_body(c, log, id, &body)?;
                format!("{}#{}", found.url, comment.anchor())
            }
            Act::Delete => {
                repo::delete(c, log, id)?;
                found.url.clone()
            }
            Act::Hide | Act::Show => {
                let by = (act == Act::Hide).then_some(me.id);
                repo::set_hidden(c, log, id, by, text.trim())?;
                format!("{}#{}", found.url, comment.anchor())
            }
        };
        Ok((
            Ok(back),
            vec![Change::new(kind, found.log_key, Op::Comment)],
        ))
    })
}

/// [`thread`] in its own trip to the database, for a record the caller let `viewer` see.
pub async fn thread_for(
    state: &crate::state::AppState,
    viewer: &crate::auth::Viewer,
    kind: EntityKind,
    id: i64,
) -> AppResult<Thread> {
    let me = viewer.person().cloned();
    state
        .db
        .run(move |c| thread(c, me.as_ref(), kind, id))
        .await
}
