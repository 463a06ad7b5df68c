//! ID tokens fika must not believe: a small issuer of the test's own (discovery, keys and a
//! token endpoint on 127.0.0.1) hands fika a token made for each case — a good one first,
//! so the issuer is shown to work, then expired, signed with another key, for another
//! audience or issuer, or with another nonce. Each is refused and opens no session.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, Nonce, PrivateSigningKey,
    StandardClaims, SubjectIdentifier,
};

use crate::backend_tests;
use crate::harness::{Backend, TestData};
use crate::sso::{free_port, sso_server};

/// The issuer: answers discovery, its key set and the token endpoint (with whatever ID token
/// the test put in `next_token`).
struct FakeIssuer {
    url: String,
    next_token: Arc<Mutex<String>>,
}

impl FakeIssuer {
    fn start(key: &CoreRsaPrivateSigningKey) -> FakeIssuer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let next_token = Arc::new(Mutex::new(String::new()));
        let metadata = serde_json::json!({
            "issuer": url,
            "authorization_endpoint": format!("{url}/authorize"),
            "token_endpoint": format!("{url}/token"),
            "jwks_uri": format!("{url}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        let jwks = serde_json::json!({ "keys": [key.as_verification_key()] });
        let token = next_token.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let path = head.split_whitespace().nth(1).unwrap_or("");
                let answer = match path {
                    "/.well-known/openid-configuration" => metadata.clone(),
                    "/jwks" => jwks.clone(),
                    "/token" => serde_json::json!({
                        "access_token": "an-access-token",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": *token.lock().unwrap(),
                    }),
                    _ => serde_json::json!({}),
                }
                .to_string();
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        FakeIssuer { url, next_token }
    }
}

fn key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, None).expect("test key")
}

/// What one case changes in an otherwise good ID token.
#[derive(Default)]
struct Case {
    other_key: bool,
    expired: bool,
    audience: Option<&'static str>,
    issuer: Option<&'static str>,
    nonce: Option<&'static str>,
}

async fn forged_and_stale_id_tokens_are_refused(backend: Backend) {
    let good_key = key(include_str!("fixtures/oidc-test-key-a.pem"));
    let other_key = key(include_str!("fixtures/oidc-test-key-b.pem"));
    let issuer = FakeIssuer::start(&good_key);
    let port = free_port();
    let data = Arc::new(TestData::new(&backend));
    let s = sso_server(data, &issuer.url, port, &[]).await;
    let cases = [
        ("good", Case::default()),
        (
            "signed with another key",
            Case {
                other_key: true,
                ..Default::default()
            },
        ),
        (
            "expired",
            Case {
                expired: true,
                ..Default::default()
            },
        ),
        (
            "for another client",
            Case {
                audience: Some("not-fika"),
                ..Default::default()
            },
        ),
        (
            "from another issuer",
            Case {
                issuer: Some("http://127.0.0.1:9/"),
                ..Default::default()
            },
        ),
        (
            "with another nonce",
            Case {
                nonce: Some("replayed-nonce"),
                ..Default::default()
            },
        ),
    ];
    for (what, case) in cases {
        let c = s.client();
        let res = c.get("/auth/oidc/start").await;
        assert_eq!(res.status(), 303, "{what}");
        let to = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
        let param = |name: &str| {
            to.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| panic!("{name} in {to}"))
        };
        let (state, nonce) = (param("state"), param("nonce"));
        let now = Utc::now();
        let (iat, exp) = if case.expired {
            (now - Duration::minutes(20), now - Duration::minutes(10))
        } else {
            (now, now + Duration::minutes(5))
        };
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(case.issuer.map_or(issuer.url.clone(), str::to_string)).unwrap(),
            vec![Audience::new(case.audience.unwrap_or("fika").to_string())],
            exp,
            iat,
            StandardClaims::new(SubjectIdentifier::new("fake-subject".into()))
                .set_email(Some(EndUserEmail::new("fake@example.test".into())))
                .set_email_verified(Some(true)),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new(case.nonce.map_or(nonce, str::to_string))));
        let signer = if case.other_key {
            &other_key
        } else {
            &good_key
        };
        let token = CoreIdToken::new(
            claims,
            signer,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .unwrap();
        *issuer.next_token.lock().unwrap() = token.to_string();
        let res = c
            .get(&format!("/auth/oidc/callback?code=a-code&state={state}"))
            .await;
        let opened = res.headers().get_all("set-cookie").iter().any(|v| {
            v.to_str().unwrap().starts_with("fika_session=")
                && !v.to_str().unwrap().starts_with("fika_session=;")
        });
        if what == "good" {
            assert_eq!(res.status(), 303, "the good token signs in");
            assert!(opened);
        } else {
            assert_eq!(res.status(), 401, "{what}");
            assert!(!opened, "{what}: no session");
            let body = res.text().await.unwrap();
            assert!(
                body.contains("could not verify this sign-in"),
                "{what}: {body}"
            );
        }
    }
}

backend_tests!(forged_and_stale_id_tokens_are_refused);
