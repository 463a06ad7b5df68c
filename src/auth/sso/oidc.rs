//! Single sign-on with the company's OpenID provider, the protocol half: discovery (cached,
//! and redone hourly so rotated signing keys are picked up), the authorization code flow with
//! PKCE, state and nonce, the ID token's signature and claims checked by the `openidconnect`
//! crate, the userinfo endpoint for claims the ID token lacks, and the provider's sign-out
//! address. What a sign-in yields is its verified claims; which person they are is
//! the `sso` module's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    ProviderMetadataWithLogout, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};

use crate::config::SsoSettings;
use crate::error::{AppError, AppResult};

/// Claims beyond the standard ones (the groups claim, a custom username claim), by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

/// A sign-in's claims by name, standard and other alike, as the provider sent them.
pub type Claims = serde_json::Map<String, serde_json::Value>;

type Tokens = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type SsoClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long a discovery is used before it is redone.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

/// The configured provider, discovered when first needed rather than at start: fika starts
/// (and the break-glass administrator can sign in) while the provider is down.
pub struct Provider {
    settings: SsoSettings,
    found: Mutex<Option<(Instant, Arc<Sso>)>>,
}

impl Provider {
    pub fn new(settings: SsoSettings) -> Self {
        Provider {
            settings,
            found: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &SsoSettings {
        &self.settings
    }

    /// Where to end the provider's session after fika's, for a session opened with
    /// `id_token` (`None`: the provider offers no sign-out, or cannot be reached; fika's own
    /// sign-out has happened either way).
    pub async fn logout_url(&self, id_token: &str) -> Option<String> {
        let sso = self.get().await.ok()?;
        sso.logout_url(Some(id_token), &self.settings.after_logout_uri)
    }

    /// The discovered provider; a 503 that says so when it cannot be reached.
    pub async fn get(&self) -> AppResult<Arc<Sso>> {
        if let Ok(found) = self.found.lock()
            && let Some((at, sso)) = found.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(sso.clone());
        }
        // Two requests may discover at once; the later result simply wins.
        let sso = Arc::new(Sso::discover(&self.settings).await.map_err(|e| {
            tracing::warn!(issuer = %self.settings.issuer, error = %e, "OpenID discovery failed");
            AppError::Unavailable(format!(
                "The sign-in provider ({}) cannot be reached just now. Try again in a \
                 minute; if it stays down, an administrator can sign in with a password.",
                self.settings.label
            ))
        })?);
        if let Ok(mut found) = self.found.lock() {
            *found = Some((Instant::now(), sso.clone()));
        }
        Ok(sso)
    }
}

/// A provider found by discovery, ready to start and finish sign-ins.
pub struct Sso {
    client: SsoClient,
    http: openidconnect::reqwest::Client,
    end_session: Option<EndSessionUrl>,
    client_id: String,
    scopes: Vec<String>,
}

/// What a started sign-in must keep until the provider sends the person back (on the
/// server, keyed by `state`): the PKCE verifier and the nonce the ID token must carry.
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A finished sign-in: its verified claims, and the ID token (the hint for signing out).
pub struct SignedIn {
    pub claims: Claims,
    pub id_token: String,
}

impl Sso {
    async fn discover(settings: &SsoSettings) -> Result<Sso, String> {
        // Redirects are never followed: discovery and token calls go to the issuer only.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("issuer: {e}"))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &http)
            .await
            .map_err(|e| format!("discovery failed: {e}"))?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect =
            RedirectUrl::new(settings.redirect_uri.clone()).map_err(|e| e.to_string())?;
        let client = SsoClient::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        Ok(Sso {
            client,
            http,
            end_session,
            client_id: settings.client_id.clone(),
            scopes: settings.scopes.clone(),
        })
    }

    /// Where to send the browser, and what to keep until it comes back.
    pub fn start(&self) -> (String, Pending) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(self.scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        (url.to_string(), pending)
    }

    /// Exchanges the code for tokens and checks the ID token (signature, issuer, audience,
    /// expiry, nonce). Claims in `wanted` that the ID token lacks are asked of the userinfo
    /// endpoint (some providers keep e-mail and groups there).
    pub async fn finish(
        &self,
        code: &str,
        pending: Pending,
        wanted: &[&str],
    ) -> Result<SignedIn, String> {
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| e.to_string())?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| format!("the provider did not accept the sign-in's code ({e})"))?;
        let id_token = tokens.id_token().ok_or("the provider sent no ID token")?;
        let verified = id_token
            .claims(&self.client.id_token_verifier(), &Nonce::new(pending.nonce))
            .map_err(|e| format!("the provider's ID token does not verify ({e})"))?;
        let mut claims = as_map(verified)?;
        if wanted.iter().any(|w| !claims.contains_key(*w))
            && let Ok(request) = self.client.user_info(
                tokens.access_token().clone(),
                Some(verified.subject().clone()),
            )
        {
            let info: UserInfoClaims<OtherClaims, CoreGenderClaim> = request
                .request_async(&self.http)
                .await
                .map_err(|e| format!("the provider's userinfo answer is not usable ({e})"))?;
            for (name, value) in as_map(&info)? {
                claims.entry(name).or_insert(value);
            }
        }
        Ok(SignedIn {
            claims,
            id_token: id_token.to_string(),
        })
    }

    /// The provider's sign-out address (RP-initiated logout) for a session opened with
    /// `id_token`, coming back to `after`; `None` when the provider offers none.
    pub fn logout_url(&self, id_token: Option<&str>, after: &str) -> Option<String> {
        let mut url = self.end_session.as_ref()?.url().clone();
        {
            let mut q = url.query_pairs_mut();
            if let Some(hint) = id_token {
                q.append_pair("id_token_hint", hint);
            }
            q.append_pair("client_id", &self.client_id);
            q.append_pair("post_logout_redirect_uri", after);
        }
        Some(url.to_string())
    }
}

fn as_map(claims: &impl Serialize) -> Result<Claims, String> {
    match serde_json::to_value(claims) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err("the provider's claims are not an object".into()),
    }
}
