//! Mail over SMTP (issue 25): the checked settings, and sending one message with a plain-text
//! and an HTML part, its unsubscribe headers and a lasting `Message-ID` (a message sent again
//! after a crash carries the same one, so mail systems can tell it is the same).

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};

use crate::config::{MailArgs, PublicUrl};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    StartTls,
    Wrapper,
    None,
}

/// Mail settings, checked at start.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    credentials: Option<(String, String)>,
    pub from: Mailbox,
    /// The public origin, which every link in mail starts with.
    pub origin: String,
}

impl MailSettings {
    /// The mail settings, `None` when mail is off; a message naming what is missing or
    /// wrong otherwise.
    pub fn from_args(args: &MailArgs, public: Option<&PublicUrl>) -> Result<Option<Self>, String> {
        let Some(host) = args
            .smtp_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        else {
            return Ok(None);
        };
        let public = public
            .ok_or("--smtp-host needs --public-url: links in mail must reach fika from anywhere")?;
        let from = args
            .mail_from
            .as_deref()
            .ok_or("--smtp-host needs --mail-from, e.g. \"fika <fika@example.com>\"")?
            .parse::<Mailbox>()
            .map_err(|e| format!("--mail-from is not an address ({e})"))?;
        let tls = match args.smtp_tls.as_str() {
            "tls" => Tls::Wrapper,
            "none" => Tls::None,
            _ => Tls::StartTls,
        };
        let password = crate::config::secret(
            args.smtp_password_file.as_deref(),
            "FIKA_SMTP_PASSWORD",
            "SMTP password",
        )?;
        let credentials = match (&args.smtp_username, password) {
            (Some(user), Some(pass)) => Some((user.clone(), pass)),
            (Some(_), None) => {
                return Err("--smtp-username needs a password: FIKA_SMTP_PASSWORD or \
                            --smtp-password-file"
                    .into());
            }
            (None, _) => None,
        };
        if tls == Tls::None && credentials.is_some() {
            return Err(
                "--smtp-tls none would send the SMTP password in the clear: use starttls or tls"
                    .into(),
            );
        }
        let port = args.smtp_port.unwrap_or(match tls {
            Tls::StartTls => 587,
            Tls::Wrapper => 465,
            Tls::None => 25,
        });
        Ok(Some(MailSettings {
            host: host.to_string(),
            port,
            tls,
            credentials,
            from,
            origin: public.origin().to_string(),
        }))
    }
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Where one click stops this kind of mail (`List-Unsubscribe`, RFC 8058).
    pub unsubscribe: Option<String>,
    /// Without the angle brackets; the same every time this message is sent.
    pub message_id: String,
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// The connection to the SMTP server: lettre keeps a small pool, so a batch of messages
/// shares connections.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    pub fn new(s: &MailSettings) -> Result<Mailer, String> {
        let builder = match s.tls {
            Tls::StartTls => SmtpTransport::starttls_relay(&s.host),
            Tls::Wrapper => SmtpTransport::relay(&s.host),
            Tls::None => Ok(SmtpTransport::builder_dangerous(&s.host)),
        }
        .map_err(|e| format!("cannot use SMTP server {}: {e}", s.host))?;
        let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(20)));
        if let Some((user, pass)) = &s.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: s.from.clone(),
        })
    }

    /// Connects to the SMTP server, greets it and signs in as a send would, without sending.
    pub fn test_connection(&self) -> Result<(), String> {
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err("the server did not answer as an SMTP server".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Sends one message; the SMTP server's refusal or the connection's failure as text.
    pub fn send(&self, m: &Outgoing) -> Result<(), String> {
        let to = Mailbox::new(
            Some(m.to_name.clone()).filter(|n| !n.is_empty()),
            m.to.parse().map_err(|e| format!("not an address: {e}"))?,
        );
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(format!("<{}>", m.message_id)));
        if let Some(url) = &m.unsubscribe {
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
