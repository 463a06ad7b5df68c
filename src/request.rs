//! What a request says about where it came from and where the site is: the client's address
//! and the site's origin. Forwarded headers are read only from proxies the operator trusts
//! (`--trusted-proxies`); anything else a client sends in them is its own invention.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderMap};

use crate::config::{Settings, TrustedProxies};

/// Every request body is capped here; upload routes set their own, larger limit.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The routes that take multipart uploads, with their body limit. The composition lists them
/// (`app::UPLOAD_LIMITS`) and registers them with the state, so the body limit and the CSRF
/// check (which leaves an upload's token to its handler) read one list without knowing the
/// features that own the routes.
pub struct UploadRoutes(pub &'static [(&'static str, usize)]);

impl UploadRoutes {
    /// The body limit of an upload route; `None` for every other path.
    pub fn limit(&self, path: &str) -> Option<usize> {
        self.0.iter().find(|(p, _)| *p == path).map(|(_, l)| *l)
    }
}

/// The client's address, for sign-in throttling and logs. Behind trusted proxies it is the
/// right-most X-Forwarded-For entry that is not a proxy: each proxy appends the address it
/// saw, so entries to the left of the last trusted hop were written by the client and prove
/// nothing.
pub fn client_addr(req: &HttpRequest, proxies: &TrustedProxies) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = forwarded_for(req.headers());
    client_from(peer, &forwarded, proxies).unwrap_or_else(|| "unknown".into())
}

/// Every X-Forwarded-For entry, left to right, across repeated headers.
fn forwarded_for(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

/// An entry as an address: a bare IP, or one with a port ("1.2.3.4:5", "[::1]:5").
fn parse_ip(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

fn client_from(
    peer: Option<IpAddr>,
    forwarded: &[String],
    proxies: &TrustedProxies,
) -> Option<String> {
    // The hops from the client to fika: what the proxies recorded, then the peer itself.
    let mut chain: Vec<String> = forwarded.to_vec();
    chain.extend(peer.map(|p| p.to_string()));
    match proxies {
        TrustedProxies::None => peer.map(|p| p.to_string()),
        TrustedProxies::Count(n) => {
            let at = chain.len().saturating_sub(n + 1);
            chain.get(at).cloned()
        }
        TrustedProxies::List(nets) => {
            let trusted =
                |e: &str| parse_ip(e).is_some_and(|ip| nets.iter().any(|n| n.contains(&ip)));
            chain
                .iter()
                .rev()
                .find(|e| !trusted(e))
                .or(chain.first())
                .cloned()
        }
    }
}

/// Whether the peer is one of the operator's proxies.
fn from_trusted_proxy(req: &HttpRequest, proxies: &TrustedProxies) -> bool {
    match proxies {
        TrustedProxies::None => false,
        TrustedProxies::Count(_) => true,
        TrustedProxies::List(nets) => req
            .peer_addr()
            .is_some_and(|a| nets.iter().any(|n| n.contains(&a.ip()))),
    }
}

/// The site's origin (`https://fika.example.com`): the public URL when it is set; else, as
/// the request names it — through X-Forwarded-Proto and -Host only from a trusted proxy.
pub fn site_origin(req: &HttpRequest, settings: &Settings) -> String {
    if let Some(url) = &settings.public_url {
        return url.origin().to_string();
    }
    let headers = req.headers();
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let proxied = from_trusted_proxy(req, &settings.proxies);
    let scheme = proxied
        .then(|| first("x-forwarded-proto"))
        .flatten()
        .filter(|s| s == "https" || s == "http")
        .unwrap_or_else(|| "http".into());
    let host = proxied
        .then(|| first("x-forwarded-host"))
        .flatten()
        .or_else(|| first(header::HOST.as_str()))
        .unwrap_or_else(|| req.app_config().host().to_string());
    format!("{scheme}://{host}")
}

/// Whether a browser's `Origin` header names this site. Without a public URL, an origin on
/// the request's host with a port the Host header left out is accepted too: nginx's common
/// `proxy_set_header Host $host` drops the port of a non-default one.
pub fn same_origin(origin: &str, req: &HttpRequest, settings: &Settings) -> bool {
    let ours = site_origin(req, settings);
    if origin.eq_ignore_ascii_case(&ours) {
        return true;
    }
    if settings.public_url.is_some() {
        return false;
    }
    match (url::Url::parse(origin), url::Url::parse(&ours)) {
        (Ok(theirs), Ok(ours)) => {
            ours.port().is_none()
                && theirs.host_str().is_some()
                && theirs.host_str() == ours.host_str()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    fn chain(s: &[&str]) -> Vec<String> {
        s.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let got = client_from(ip("10.0.0.2"), &chain(&["6.6.6.6"]), &TrustedProxies::None);
        assert_eq!(got.as_deref(), Some("10.0.0.2"));
    }

    #[test]
    fn one_proxy_means_the_entry_it_appended() {
        // The client forged "6.6.6.6"; nginx appended the address it really saw.
        let fwd = chain(&["6.6.6.6", "203.0.113.9"]);
        let got = client_from(ip("127.0.0.1"), &fwd, &TrustedProxies::Count(1));
        assert_eq!(got.as_deref(), Some("203.0.113.9"));
        let got = client_from(ip("127.0.0.1"), &fwd, &TrustedProxies::Count(2));
        assert_eq!(got.as_deref(), Some("6.6.6.6"));
        // Fewer entries than proxies: the left-most there is.
        let got = client_from(ip("127.0.0.1"), &fwd, &TrustedProxies::Count(5));
        assert_eq!(got.as_deref(), Some("6.6.6.6"));
    }

    #[test]
    fn an_origin_matches_the_host_without_its_port() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::HOST, "fika.example.com"))
            .to_http_request();
        let plain = Settings::default();
        assert!(same_origin("http://fika.example.com", &req, &plain));
        assert!(same_origin("https://fika.example.com:8443", &req, &plain));
        assert!(!same_origin("https://evil.example", &req, &plain));
        let set = Settings {
            public_url: crate::config::PublicUrl::parse("https://fika.example.com:8443").ok(),
            ..Settings::default()
        };
        assert!(same_origin("https://fika.example.com:8443", &req, &set));
        assert!(!same_origin("http://fika.example.com", &req, &set));
        let with_port = actix_web::test::TestRequest::default()
            .insert_header((header::HOST, "fika.example.com:8080"))
            .to_http_request();
        assert!(!same_origin(
            "http://fika.example.com:9090",
            &with_port,
            &plain
        ));
    }

    #[test]
    fn a_list_skips_trusted_hops_from_the_right() {
        let nets = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").expect("valid");
        let fwd = chain(&["6.6.6.6", "198.51.100.7", "10.1.2.3"]);
        let got = client_from(ip("127.0.0.1"), &fwd, &nets);
        assert_eq!(got.as_deref(), Some("198.51.100.7"));
        // A peer that is not a proxy is the client, whatever it forwards.
        let got = client_from(ip("192.0.2.1"), &fwd, &nets);
        assert_eq!(got.as_deref(), Some("192.0.2.1"));
    }
}
