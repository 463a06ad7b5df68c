//! What a webhook posts, and how a receiver knows fika sent it.
//!
//! Two bodies: a Slack-compatible incoming-webhook message (Mattermost reads the same), and
//! a generic JSON document for the org's own tools. Both carry only what the event carries —
//! a title, an address and a summary every signed-in person may read — and absolute links
//! from the public URL.
//!
//! Every request is signed, whatever its body: `Fika-Signature: t=<unix seconds>,v1=<hex>`,
//! where the hex is HMAC-SHA256 under the webhook's secret of `<t>.<body>`. `t` is the time
//! of the attempt, so a receiver rejects a request whose `t` is more than five minutes from
//! its clock (the replay window) and one whose signature does not match; `Fika-Delivery`
//! stays the same on every retry of one delivery, so a receiver that saw it already drops
//! it.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::db::events::{EventKind, EventRow};
use crate::error::{AppError, AppResult};

/// How far a receiver should let a signature's time be from its own clock, in seconds.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// A unit an event is filed under, as a payload names it.
#[derive(Debug, Clone)]
pub struct UnitRef {
    pub name: String,
    /// Site-relative address (`/squads/payments`).
    pub url: String,
}

/// What a payload is made of.
pub struct News<'a> {
    pub kind: Option<EventKind>,
    pub event: &'a EventRow,
    pub units: &'a [UnitRef],
    /// The public URL's origin (`https://fika.example.com`).
    pub origin: &'a str,
    pub delivery: &'a str,
}

/// The body for a webhook of `format` (`slack` or `json`).
pub fn body(format: super::model::Format, news: &News<'_>) -> String {
    let value = match format {
        super::model::Format::Slack => slack(news),
        super::model::Format::Json => generic(news),
    };
    value.to_string()
}

/// Text for a chat message: Slack's escaping of the three characters its messages give
/// meaning to (Mattermost's Markdown reads the entities back as the characters), and a
/// channel-wide mention (`@channel`, `@here`, `@all`) in a lesson's words kept from
/// notifying a whole channel, by an invisible word joiner after the `@`.
fn escape(s: &str) -> String {
    let mut out = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    for loud in ["channel", "here", "all", "everyone"] {
        out = out.replace(&format!("@{loud}"), &format!("@\u{2060}{loud}"));
    }
    out
}

/// The headline: what happened, and where.
fn headline(news: &News<'_>) -> String {
    let what = news.kind.map_or("Test message from fika", |k| k.label());
    match news.units.first() {
        Some(u) => format!("{what} · {}", u.name),
        None => what.to_string(),
    }
}

/// An incoming-webhook message: a headline, and an attachment whose title links to the
/// record (attachments' title and link are plain fields in both Slack and Mattermost, so no
/// link syntax of one can break in the other).
fn slack(news: &News<'_>) -> Value {
    let link = format!("{}{}", news.origin, news.event.url);
    let mut attachment = json!({
        "fallback": escape(&format!("{}: {}", headline(news), news.event.title)),
        "color": "#2f6f4f",
        "title": escape(&news.event.title),
        "title_link": link,
        "footer": "fika",
    });
    if !news.event.summary.is_empty() {
        attachment["text"] = json!(escape(&news.event.summary));
    }
    json!({ "text": escape(&headline(news)), "attachments": [attachment] })
}

/// The generic document: the event, its record, its units, with absolute addresses.
fn generic(news: &News<'_>) -> Value {
    let e = news.event;
    let abs = |path: &str| format!("{}{path}", news.origin);
    json!({
        "delivery": news.delivery,
        "event": news.kind.map_or("test", |k| k.key()),
        "event_id": e.id,
        "occurred_at": e.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "subject": {
            "kind": e.subject_kind,
            "id": e.subject_key,
            "title": e.title,
            "url": abs(&e.url),
        },
        "summary": e.summary,
        "units": news.units.iter().map(|u| json!({"name": u.name, "url": abs(&u.url)})).collect::<Vec<_>>(),
        "tags": e.tag_list(),
    })
}

/// The `Fika-Signature` header of `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> AppResult<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::internal(e.to_string()))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::model::Format;

    fn event() -> EventRow {
        EventRow {
            id: 9,
            kind: "lesson_published".into(),
            subject_kind: "lesson".into(),
            subject_key: "12".into(),
            actor_id: None,
            title: "Retries need <jitter> & budgets".into(),
            url: "/lessons/12".into(),
            summary: "Back off <fast>.".into(),
            units: "3".into(),
            tags: "reliability retries".into(),
            people: String::new(),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
                .and_then(|d| d.and_hms_opt(9, 30, 0))
                .unwrap(),
            announce: true,
        }
    }

    fn news<'a>(e: &'a EventRow, units: &'a [UnitRef]) -> News<'a> {
        News {
            kind: Some(EventKind::LessonPublished),
            event: e,
            units,
            origin: "https://fika.example.com",
            delivery: "d1",
        }
    }

    #[test]
    fn chat_gets_escaped_text_and_an_absolute_link() {
        let e = event();
        let units = [UnitRef {
            name: "Payments".into(),
            url: "/squads/payments".into(),
        }];
        let v: Value = serde_json::from_str(&body(Format::Slack, &news(&e, &units))).unwrap();
        assert_eq!(v["text"], "New lesson · Payments");
        let a = &v["attachments"][0];
        assert_eq!(a["title_link"], "https://fika.example.com/lessons/12");
        assert_eq!(a["title"], "Retries need &lt;jitter&gt; &amp; budgets");
        assert_eq!(a["text"], "Back off &lt;fast&gt;.");
    }

    #[test]
    fn words_in_a_lesson_do_not_ping_a_whole_channel() {
        assert_eq!(
            escape("tell @channel and @here"),
            "tell @\u{2060}channel and @\u{2060}here"
        );
        assert_eq!(escape("ask @alice"), "ask @alice");
    }

    #[test]
    fn the_generic_document_names_the_delivery_and_the_record() {
        let e = event();
        let v: Value = serde_json::from_str(&body(Format::Json, &news(&e, &[]))).unwrap();
        assert_eq!(v["delivery"], "d1");
        assert_eq!(v["event"], "lesson_published");
        assert_eq!(v["subject"]["url"], "https://fika.example.com/lessons/12");
        assert_eq!(v["occurred_at"], "2026-12-05T09:30:00Z");
        assert_eq!(v["tags"], json!(["reliability", "retries"]));
    }

    #[test]
    fn a_signature_is_the_hmac_of_time_and_body() {
        // Checked against `printf '1733390000.{}' | openssl dgst -sha256 -hmac s3cret`.
        assert_eq!(
            signature("s3cret", 1733390000, b"{}").unwrap(),
            "t=1733390000,v1=6a90d4997ec9a78c636374ea257cd7db464f941824466a6e4e4e88397137c0a7"
        );
    }
}
