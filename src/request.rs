//! What a request says about where it came from and where the site is: the client's address
//! and the site's origin. Forwarded headers are read only from proxies the operator trusts
//! (`--trusted-proxies`); anything else a client sends in them is its own invention. And what
//! its JSON body says: [`JsonBody`] names the fields that are wrong.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderMap};

use crate::config::{Settings, TrustedProxies};

/// A request's id, as `app::log_request` chose it (the proxy's, or a fresh one): in the
/// request's extensions for the error page, in the log line and the response header.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

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

/// The token of an `Authorization: Bearer …` header, trimmed.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
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

/// A JSON request body, read like `web::Json` but answered as the API promises: a body that
/// is not JSON is a 400 (`bad_request`); one whose fields are missing or of the wrong kind is
/// a 422 (`invalid`) whose `fields` name each by its path (`metrics[2].name`).
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for JsonBody<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for JsonBody<T> {
    type Error = crate::error::AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_none_or(|t| t == "application/json" || t.ends_with("+json"));
        let bytes = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            use crate::error::AppError;
            let bytes = bytes
                .await
                .map_err(|e| AppError::unreadable(e.as_response_error()))?;
            if !json_type {
                return Err(AppError::BadRequest(
                    "Send the body as JSON, with Content-Type: application/json.".into(),
                ));
            }
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// `bytes` as a `T`, or the error the API gives for them.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, crate::error::AppError> {
    use crate::error::AppError;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if !inner.is_data() {
            return AppError::BadRequest(format!("The body is not valid JSON: {inner}"));
        }
        let (field, problem) = field_problem(&path, &inner.to_string());
        AppError::InvalidFields(std::collections::BTreeMap::from([(field, problem)]))
    })
}

/// The field a serde message is about and the problem in plain words: the path of a missing
/// field ends at its object (serde names the field in the message); an unknown field's path
/// already ends with it.
fn field_problem(path: &str, message: &str) -> (String, String) {
    let message = message.split(" at line ").next().unwrap_or(message);
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(|name| match path {
                "." | "" => name.to_string(),
                p if p == name || p.ends_with(&format!(".{name}")) => p.to_string(),
                p => format!("{p}.{name}"),
            })
    };
    if let Some(field) = named("missing field `") {
        return (field, "is required".into());
    }
    if let Some(field) = named("unknown field `") {
        return (field, "is not a field of this object".into());
    }
    let field = if path == "." || path.is_empty() {
        "body".to_string()
    } else {
        path.to_string()
    };
    (field, message.to_string())
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Metric {
        name: String,
        weight: f64,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        metrics: Vec<Metric>,
    }

    fn fields(json: &str) -> Vec<(String, String)> {
        match parse_json::<Body>(json.as_bytes()) {
            Err(crate::error::AppError::InvalidFields(f)) => f.into_iter().collect(),
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn wrong_fields_are_named_by_their_path() {
        assert_eq!(fields("{}"), [("title".into(), "is required".into())]);
        assert_eq!(
            fields(r#"{"title": "t", "metrics": [{"name": "a", "weight": 1}, {"name": "b"}]}"#),
            [("metrics[1].weight".into(), "is required".into())]
        );
        assert_eq!(
            fields(r#"{"title": "t", "metrics": [{"name": "a", "weight": "heavy"}]}"#),
            [(
                "metrics[0].weight".into(),
                "invalid type: string \"heavy\", expected f64".into()
            )]
        );
        assert_eq!(
            fields(r#"{"title": "t", "metrics": [{"name": "a", "weight": 1, "colour": 2}]}"#),
            [(
                "metrics[0].colour".into(),
                "is not a field of this object".into()
            )]
        );
        assert!(matches!(
            parse_json::<Body>(b"{\"title\": "),
            Err(crate::error::AppError::BadRequest(_))
        ));
    }
}
