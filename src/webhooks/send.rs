//! The thread of every `fika serve` that posts webhook deliveries: at least once, by
//! whichever instance claims a delivery first. A claim lasts three times the request
//! timeout; an instance that dies holding one lets it lapse, and another sends the same
//! body under the same delivery id. The deliveries of a batch are posted side by side.
//!
//! fika posts only to public addresses unless the admin names internal ranges it may reach
//! (`--webhook-allow-internal`): a unit lead's webhook must not become a way to probe the
//! network fika runs in. Names are resolved here and only the checked addresses are
//! connected to, so a name cannot resolve to one address when checked and another when used.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
// The HTTP client the OpenID library brings (its version, its rustls): one client in the
// build, not two.
use openidconnect::reqwest;

use super::payload;
use super::repo::{self, Claimed, Outcome};
use crate::db::{AnyConnection, Db};
use crate::error::{AppError, AppResult};

/// Deliveries claimed at once.
const BATCH: i64 = 20;
/// How much of a receiver's answer the delivery log keeps.
const KEEP_BYTES: usize = 1000;

/// How webhooks are sent, from the command line.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// The public URL's origin; webhooks are off without one (their links must be absolute).
    pub origin: String,
    /// How long one request may take.
    pub timeout: Duration,
    /// Internal ranges webhooks may post to.
    pub allow_internal: Vec<ipnet::IpNet>,
}

/// Whether an address is not plainly on the internet: loopback, private, link-local,
/// shared, reserved, multicast, documentation — or an IPv6 address that carries one of those
/// (mapped, compatible, NAT64, 6to4).
pub fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0 // "this network"
                || a >= 240 // reserved, and the broadcast address
                || (a == 100 && (b & 0xc0) == 64) // carrier-grade NAT, 100.64.0.0/10
                || (a == 198 && (b & 0xfe) == 18) // benchmarking, 198.18.0.0/15
                || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
            };
            if let Some(v4) = v6.to_ipv4() {
                // Mapped (::ffff:a.b.c.d) and compatible (::a.b.c.d); `::1` and `::` too.
                return v6.is_loopback() || v6.is_unspecified() || internal(IpAddr::V4(v4));
            }
            if s[0] == 0x64 && s[1] == 0xff9b {
                // NAT64: the IPv4 address in the last 32 bits.
                return internal(IpAddr::V4(embedded(s[6], s[7])));
            }
            if s[0] == 0x2002 {
                // 6to4: the IPv4 address in bits 16 to 48.
                return internal(IpAddr::V4(embedded(s[1], s[2])));
            }
            v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] & 0xffc0) == 0xfec0 // site local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        }
    }
}

/// An address webhooks may reach: public, or in a range the admin allowed.
fn reachable(ip: IpAddr, allowed: &[ipnet::IpNet]) -> bool {
    !internal(ip) || allowed.iter().any(|n| n.contains(&ip))
}

fn refused(host: &str) -> String {
    format!(
        "{host} is an internal address; fika posts only to public ones unless its admin \
         allows the range (--webhook-allow-internal)"
    )
}

/// Resolves names and keeps only the addresses webhooks may reach.
struct Guarded(Arc<Vec<ipnet::IpNet>>);

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| reachable(a.ip(), &allowed))
                .collect();
            if ok.is_empty() {
                return Err(refused(&host).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(ok.into_iter());
            Ok(addrs)
        })
    }
}

/// What posts: an HTTP client on a runtime of its own (the worker is a plain thread).
pub struct Poster {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    settings: WebhookSettings,
}

impl Poster {
    pub fn new(settings: WebhookSettings) -> Result<Poster, String> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // A redirect is an answer to show in the log, not a second address to post to.
            .redirect(reqwest::redirect::Policy::none())
            // No idle connections kept: this runtime runs only while a batch is sent, so a
            // pooled connection the receiver closed meanwhile would not be noticed, and the
            // next delivery would fail on it.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("fika-webhook/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(Guarded(Arc::new(settings.allow_internal.clone()))))
            .build()
            .map_err(|e| format!("cannot make the webhook client: {e}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the webhook runtime: {e}"))?;
        Ok(Poster {
            client,
            runtime,
            settings,
        })
    }

    /// One delivery, once.
    async fn post(&self, d: &Claimed) -> Outcome {
        match self.try_post(d).await {
            Ok(outcome) => outcome,
            Err(e) => Outcome {
                status: None,
                response: e,
            },
        }
    }

    async fn try_post(&self, d: &Claimed) -> Result<Outcome, String> {
        let url = super::model::check_url(&d.url)?;
        // An address written as numbers is not resolved, so it is checked here.
        if let Some(ip) = url
            .host_str()
            .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
            && !reachable(ip, &self.settings.allow_internal)
        {
            return Err(refused(&ip.to_string()));
        }
        let body = d.delivery.payload.clone().into_bytes();
        let signed = payload::signature(&d.secret, Utc::now().timestamp(), &body)
            .map_err(|e| e.to_string())?;
        let mut answer = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Fika-Delivery", &d.delivery.delivery_key)
            .header("Fika-Event", &d.delivery.event_kind)
            .header("Fika-Signature", signed)
            .body(body)
            .send()
            .await
            .map_err(|e| chain(&e))?;
        let status = answer.status().as_u16();
        let mut kept = Vec::new();
        while kept.len() < KEEP_BYTES {
            match answer.chunk().await {
                Ok(Some(bytes)) => kept.extend_from_slice(&bytes),
                // The status is the answer; a body cut short does not change it.
                Ok(None) | Err(_) => break,
            }
        }
        kept.truncate(KEEP_BYTES);
        Ok(Outcome {
            status: Some(status),
            response: String::from_utf8_lossy(&kept).into_owned(),
        })
    }

    /// Claims and posts one batch; how many it took. What each post came to is written in
    /// one transaction after the batch: a crash before it leaves the batch claimed, and
    /// posted again, same delivery ids, once the claim lapses.
    pub fn send_due(&self, c: &mut AnyConnection) -> AppResult<usize> {
        let lease =
            chrono::Duration::from_std(self.settings.timeout * 3).map_err(AppError::internal)?;
        let batch = repo::claim(c, Utc::now().naive_utc(), lease, BATCH)?;
        if batch.is_empty() {
            return Ok(0);
        }
        let outcomes: Vec<Outcome> = self.runtime.block_on(futures_util::future::join_all(
            batch.iter().map(|d| self.post(d)),
        ));
        crate::db::write_transaction(c, |c| {
            for (d, outcome) in batch.iter().zip(&outcomes) {
                if !outcome.delivered() {
                    tracing::warn!(
                        delivery = %d.delivery.delivery_key,
                        attempt = d.delivery.attempts + 1,
                        status = ?outcome.status,
                        "webhook not delivered"
                    );
                }
                repo::settle(c, &d.delivery, outcome)?;
            }
            Ok(())
        })?;
        Ok(batch.len())
    }
}

/// The error and its causes in one line ("error sending request: … connection refused").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let said = c.to_string();
        if !out.contains(&said) {
            out.push_str(": ");
            out.push_str(&said);
        }
        cause = c.source();
    }
    out
}

/// Starts the posting thread.
pub fn spawn(db: Db, settings: WebhookSettings) -> Result<(), String> {
    let poster = Poster::new(settings)?;
    crate::db::worker("webhooks", db, Duration::from_secs(1), move |c| {
        poster.send_due(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "0.1.2.3",
            "240.0.0.1",
            "198.18.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(internal(ip(inside)), "{inside}");
        }
        for outside in [
            "1.1.1.1",
            "52.1.2.3",
            "2600::1",
            "100.128.0.1",
            "64:ff9b::808:808",
            "2002:808:808::",
        ] {
            assert!(!internal(ip(outside)), "{outside}");
        }
        let lan: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert!(reachable(ip("10.9.9.9"), &lan));
        assert!(!reachable(ip("192.168.1.1"), &lan));
    }
}
