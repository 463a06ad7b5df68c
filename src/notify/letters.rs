//! Notifications as mail: the message a notification becomes (plain text and HTML, absolute
//! links from the public URL), and the signed one-click unsubscribe link each carries, which
//! works without signing in.

use askama::Template;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::model::NotificationKind;
use super::outbox::Letter;
use super::repo::EventRow;
use crate::db::events::EventKind;
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;

/// What mail needs that the inbox does not: the public origin and the site's secret.
#[derive(Clone)]
pub struct MailContext {
    pub origin: String,
    pub secret: String,
}

/// `site_meta`'s key of the secret that signs unsubscribe links.
pub const SECRET_KEY: &str = "mail_secret";

impl MailContext {
    fn signature(secret: &str, person: PersonId, kind: &str) -> AppResult<String> {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .map_err(|e| AppError::internal(e.to_string()))?;
        mac.update(format!("unsubscribe:{person}:{kind}").as_bytes());
        let bytes = mac.finalize().into_bytes();
        Ok(bytes[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The link that stops `kind` of mail for `person`.
    pub fn unsubscribe_url(&self, person: PersonId, kind: &str) -> AppResult<String> {
        let sig = Self::signature(&self.secret, person, kind)?;
        Ok(format!("{}/unsubscribe/{person}/{kind}/{sig}", self.origin))
    }

    /// Whether `sig` is this site's signature of the link (compared in constant time).
    pub fn verify(secret: &str, person: PersonId, kind: &str, sig: &str) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(format!("unsubscribe:{person}:{kind}").as_bytes());
        let Some(given) = (0..sig.len())
            .step_by(2)
            .map(|i| {
                sig.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        given.len() == 16 && mac.verify_truncated_left(&given).is_ok()
    }
}

/// One notification, as its mail's two parts show it.
#[derive(Template)]
#[template(path = "notify/mail.txt")]
struct Text<'a> {
    m: &'a Body,
}

#[derive(Template)]
#[template(path = "notify/mail.html")]
struct Html<'a> {
    m: &'a Body,
}

struct Body {
    headline: String,
    title: String,
    url: String,
    summary: String,
    reason: String,
    kind_label: &'static str,
    unsubscribe: String,
    settings: String,
}

/// The person a message goes to.
pub struct Recipient {
    pub id: PersonId,
    pub email: String,
    pub name: String,
}

/// The mail of one notification.
pub fn letter(
    ctx: &MailContext,
    to: &Recipient,
    event: &EventRow,
    told_as: NotificationKind,
    reason: &str,
    actor: Option<&str>,
) -> AppResult<Letter> {
    let who = actor.unwrap_or("Someone");
    let title = &event.title;
    let headline = match EventKind::parse(&event.kind) {
        Some(EventKind::Mentioned) => format!("{who} mentioned you in “{title}”"),
        Some(EventKind::Commented) => format!("{who} commented on “{title}”"),
        Some(EventKind::PageEdited) => format!("{who} edited “{title}”"),
        Some(kind) => format!("{}: {title}", kind.label()),
        None => title.clone(),
    };
    let body = Body {
        headline: headline.clone(),
        title: title.clone(),
        url: format!("{}{}", ctx.origin, event.url),
        summary: event.summary.clone(),
        reason: reason.to_string(),
        kind_label: told_as.label(),
        unsubscribe: ctx.unsubscribe_url(to.id, told_as.key())?,
        settings: format!("{}/account/notifications", ctx.origin),
    };
    let render = |r: Result<String, askama::Error>| r.map_err(AppError::internal);
    Ok(Letter {
        person: to.id,
        kind: told_as.key(),
        to: to.email.clone(),
        to_name: to.name.clone(),
        subject: headline,
        text: render(Text { m: &body }.render())?,
        html: render(Html { m: &body }.render())?,
        unsubscribe: body.unsubscribe.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_links_are_signed() {
        let ctx = MailContext {
            origin: "https://fika.example.com".into(),
            secret: "s3cret".into(),
        };
        let url = ctx.unsubscribe_url(PersonId(7), "mention").unwrap();
        let sig = url.rsplit('/').next().unwrap();
        assert!(MailContext::verify("s3cret", PersonId(7), "mention", sig));
        assert!(!MailContext::verify("s3cret", PersonId(8), "mention", sig));
        assert!(!MailContext::verify("s3cret", PersonId(7), "watched", sig));
        assert!(!MailContext::verify("other", PersonId(7), "mention", sig));
        assert!(!MailContext::verify("s3cret", PersonId(7), "mention", "zz"));
    }
}
