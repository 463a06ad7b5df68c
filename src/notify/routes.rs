//! The inbox (`/inbox`), the watch button's form (`/watch`) and the notification settings
//! (`/account/notifications`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::letters::{MailContext, SECRET_KEY};
use super::model::{NotificationKind, Target};
use super::repo;
use super::views::{InboxPage, KindRow, Line, SettingsPage, UnsubscribePage};
use crate::auth::{Viewer, safe_next};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::site::forms::Pairs;
use crate::site::views::{Shell, html, see_other};
use crate::state::AppState;

/// Notifications per inbox page.
const PAGE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbox", web::get().to(inbox))
        .route("/inbox/read", web::post().to(mark_read))
        .route("/inbox/{id}/open", web::get().to(open))
        .route("/watch", web::post().to(watch))
        .route("/account/notifications", web::get().to(settings))
        .route("/account/notifications", web::post().to(save_settings))
        .route(
            "/unsubscribe/{person}/{kind}/{sig}",
            web::get().to(unsubscribe_form),
        )
        .route(
            "/unsubscribe/{person}/{kind}/{sig}",
            web::post().to(unsubscribe),
        );
}

/// The kind a signed unsubscribe link stops, if its signature is this site's.
async fn signed(
    state: &AppState,
    path: (i64, String, String),
) -> AppResult<(PersonId, NotificationKind)> {
    let (person, kind, sig) = path;
    let kind = NotificationKind::parse(&kind).ok_or(AppError::NotFound)?;
    let secret = state
        .db
        .run(|c| crate::db::site_meta(c, SECRET_KEY))
        .await?
        .ok_or(AppError::NotFound)?;
    if MailContext::verify(&secret, PersonId(person), kind.key(), &sig) {
        Ok((PersonId(person), kind))
    } else {
        Err(AppError::NotFound)
    }
}

/// Asks before stopping: a link scanner that follows every link in a mail must not
/// unsubscribe anyone.
async fn unsubscribe_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, String, String)>,
) -> AppResult<HttpResponse> {
    let (_, kind) = signed(&state, path.clone()).await?;
    html(&UnsubscribePage {
        shell: Shell::new(&viewer, ""),
        kind,
        action: format!("/unsubscribe/{}/{}/{}", path.0, path.1, path.2),
        done: false,
    })
}

/// Stops one kind of mail: the button of the page above, or a mail program's one-click
/// POST (RFC 8058). The inbox is left as it is.
async fn unsubscribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, String, String)>,
) -> AppResult<HttpResponse> {
    let (person, kind) = signed(&state, path.clone()).await?;
    state
        .db
        .run(move |c| {
            let chosen = repo::settings_of(c, &[person])?;
            let (inbox, _) = chosen
                .get(&(person, kind.key().to_string()))
                .copied()
                .unwrap_or(kind.defaults());
            repo::set_setting(c, person, kind, inbox, false)
        })
        .await?;
    html(&UnsubscribePage {
        shell: Shell::new(&viewer, ""),
        kind,
        action: String::new(),
        done: true,
    })
}

#[derive(Deserialize)]
struct InboxQuery {
    #[serde(default)]
    unread: Option<String>,
    before: Option<i64>,
}

async fn inbox(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<InboxQuery>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let unread_only = super::flow::unread_only(q.unread.as_deref());
    let before = q.before;
    let items = state
        .db
        .run(move |c| repo::inbox(c, me, unread_only, before, PAGE + 1))
        .await?;
    let more = items.len() as i64 > PAGE;
    let lines: Vec<Line> = items.into_iter().take(PAGE as usize).map(line).collect();
    let older = match (more, lines.last()) {
        (true, Some(last)) => Some(format!(
            "/inbox?{}before={}",
            if unread_only { "unread=1&" } else { "" },
            last.id
        )),
        _ => None,
    };
    html(&InboxPage {
        shell: Shell::new(&viewer, "inbox"),
        lines,
        unread_only,
        older,
    })
}

fn line(item: repo::Item) -> Line {
    let what = super::flow::what(&item.event);
    Line {
        id: item.id,
        what,
        title: item.event.title,
        url: item.event.url,
        summary: item.event.summary,
        actor: item.actor,
        reason: item.reason,
        read: item.read,
        when: item.event.created_at,
    }
}

#[derive(Deserialize)]
struct ReadForm {
    /// One notification; none for all.
    notification: Option<i64>,
}

async fn mark_read(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<ReadForm>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let id = form.notification;
    state.db.run(move |c| repo::mark_read(c, me, id)).await?;
    Ok(see_other("/inbox"))
}

/// Follows a notification to what it is about, marking it read on the way.
async fn open(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let id = id.into_inner();
    let url = state
        .db
        .run(move |c| {
            let item = repo::item(c, me, id)?.ok_or(AppError::NotFound)?;
            repo::mark_read(c, me, Some(id))?;
            Ok(item.event.url)
        })
        .await?;
    Ok(see_other(&safe_next(Some(&url))))
}

async fn watch(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Pairs(form.into_inner());
    let target = Target::parse(form.get("what"))
        .ok_or_else(|| AppError::BadRequest("There is nothing to watch at that address.".into()))?;
    let watching = match form.get("watching") {
        "on" => true,
        "off" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Say whether to watch: on or off.".into(),
            ));
        }
    };
    let next = safe_next(Some(form.get("next")));
    state
        .db
        .run(move |c| repo::set_watch(c, me, &target.key(), watching))
        .await?;
    Ok(see_other(&next))
}

async fn settings_page(state: &AppState, viewer: &Viewer, saved: bool) -> AppResult<SettingsPage> {
    let person = viewer.require_user()?;
    let (me, has_email) = (person.id, person.email.is_some());
    let chosen = state.db.run(move |c| repo::settings_of(c, &[me])).await?;
    let kinds = NotificationKind::ALL
        .iter()
        .map(|&kind| {
            let (inbox, mail) = chosen
                .get(&(me, kind.key().to_string()))
                .copied()
                .unwrap_or(kind.defaults());
            KindRow { kind, inbox, mail }
        })
        .collect();
    Ok(SettingsPage {
        shell: Shell::new(viewer, "inbox"),
        kinds,
        saved,
        has_email,
        mail_on: state.settings.mail_on,
    })
}

async fn settings(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    html(&settings_page(&state, &viewer, false).await?)
}

/// Saves every kind at once: a box left unticked is that kind turned off.
async fn save_settings(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let me = viewer.require_user()?.id;
    let form = Pairs(form.into_inner());
    let (inbox, mail) = (form.all("inbox"), form.all("mail"));
    state
        .db
        .run(move |c| {
            crate::db::write_transaction(c, |c| {
                for kind in NotificationKind::ALL {
                    let key = kind.key().to_string();
                    let in_inbox = inbox.contains(&key) && !kind.mail_only();
                    repo::set_setting(c, me, *kind, in_inbox, mail.contains(&key))?;
                }
                Ok(())
            })
        })
        .await?;
    html(&settings_page(&state, &viewer, true).await?)
}
