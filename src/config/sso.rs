//! Single sign-on settings: the OpenID provider, the claims fika reads, who may still sign in
//! with a password, and the SCIM provisioning token.

use std::path::PathBuf;

use clap::Args;

use super::{PublicUrl, secret};

/// Single sign-on with the company's OpenID provider, and who may still use a password.
#[derive(Debug, Clone, Args)]
pub struct SsoArgs {
    /// The OpenID provider's issuer URL (at Keycloak, the realm's address); turns single
    /// sign-on on. Needs --public-url (the provider sends people back to the public URL's
    /// /auth/oidc/callback) and --oidc-client-id.
    #[arg(long, env = "FIKA_OIDC_ISSUER", value_name = "URL")]
    pub oidc_issuer: Option<String>,

    /// The client id fika has at the provider.
    #[arg(long, env = "FIKA_OIDC_CLIENT_ID", value_name = "ID")]
    pub oidc_client_id: Option<String>,

    /// A file holding the client secret. The secret may also come from FIKA_OIDC_CLIENT_SECRET,
    /// never from the command line (where other users of the machine could read it). With
    /// neither, fika signs in as a public client (PKCE only).
    #[arg(long, env = "FIKA_OIDC_CLIENT_SECRET_FILE", value_name = "FILE")]
    pub oidc_client_secret_file: Option<PathBuf>,

    /// The claim a new person's username is made from (an e-mail or UPN gives its local part).
    #[arg(
        long,
        env = "FIKA_OIDC_USERNAME_CLAIM",
        default_value = "preferred_username",
        value_name = "CLAIM"
    )]
    pub oidc_username_claim: String,

    /// The scopes fika asks for, separated by spaces (add `groups` where the provider sends the
    /// groups claim only when asked, as Okta does).
    #[arg(
        long,
        env = "FIKA_OIDC_SCOPES",
        default_value = "openid email profile",
        value_name = "SCOPES"
    )]
    pub oidc_scopes: String,

    /// The claim with the person's display name.
    #[arg(
        long,
        env = "FIKA_OIDC_NAME_CLAIM",
        default_value = "name",
        value_name = "CLAIM"
    )]
    pub oidc_name_claim: String,

    /// The claim with the person's e-mail address.
    #[arg(
        long,
        env = "FIKA_OIDC_EMAIL_CLAIM",
        default_value = "email",
        value_name = "CLAIM"
    )]
    pub oidc_email_claim: String,

    /// Treat the e-mail claim as verified without an `email_verified` claim: only for providers
    /// that issue addresses they own (Entra ID work accounts send no `email_verified`).
    #[arg(long, env = "FIKA_OIDC_EMAIL_IS_VERIFIED")]
    pub oidc_email_is_verified: bool,

    /// The claim listing the person's groups.
    #[arg(
        long,
        env = "FIKA_OIDC_GROUPS_CLAIM",
        default_value = "groups",
        value_name = "CLAIM"
    )]
    pub oidc_groups_claim: String,

    /// Members of this group are fika administrators and others are not, set at each sign-in.
    /// Without it, administrators are chosen in fika. Groups grant nothing else.
    #[arg(long, env = "FIKA_OIDC_ADMIN_GROUP", value_name = "GROUP")]
    pub oidc_admin_group: Option<String>,

    /// The provider's name on the sign-in button ("Sign in with …").
    #[arg(
        long,
        env = "FIKA_OIDC_LABEL",
        default_value = "single sign-on",
        value_name = "NAME"
    )]
    pub oidc_label: String,

    /// Whether people may sign in with a password: `on`, or `off` when single sign-on is
    /// everyone's way in (API tokens keep working).
    #[arg(long, env = "FIKA_PASSWORD_SIGN_IN", default_value = "on",
          value_parser = ["on", "off"], value_name = "on|off")]
    pub password_sign_in: String,

    /// A file holding the bearer token the identity provider uses for SCIM provisioning
    /// (/scim/v2); it may also come from FIKA_SCIM_TOKEN. Without either, SCIM is off.
    #[arg(long, env = "FIKA_SCIM_TOKEN_FILE", value_name = "FILE")]
    pub scim_token_file: Option<PathBuf>,

    /// With password sign-in off, the one username that may still use a password: the
    /// break-glass administrator for the day the provider is down.
    #[arg(long, env = "FIKA_BREAK_GLASS_ADMIN", value_name = "USERNAME")]
    pub break_glass_admin: Option<String>,
}

/// The SCIM bearer token from `--scim-token-file` or FIKA_SCIM_TOKEN (`None`: SCIM is off);
/// a short one is refused, since it guards who may create and disable people.
pub fn scim_token(args: &SsoArgs) -> Result<Option<String>, String> {
    let token = match (&args.scim_token_file, std::env::var("FIKA_SCIM_TOKEN")) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the SCIM token file {}: {e}", path.display()))?,
        (None, Ok(token)) => token,
        (None, Err(_)) => return Ok(None),
    };
    let token = token.trim().to_string();
    if token.chars().count() < 32 {
        return Err(
            "the SCIM token must have at least 32 characters (e.g. from \
                    `openssl rand -hex 32`)"
                .into(),
        );
    }
    Ok(Some(token))
}

/// Who may sign in with a password.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PasswordSignIn {
    #[default]
    Everyone,
    /// Only this username (the break-glass administrator), or nobody.
    Only(Option<String>),
}

impl PasswordSignIn {
    pub fn allows(&self, username: &str) -> bool {
        match self {
            PasswordSignIn::Everyone => true,
            PasswordSignIn::Only(who) => who.as_deref() == Some(username),
        }
    }
}

/// The provider and the claims fika reads, once the flags are checked.
#[derive(Debug, Clone)]
pub struct SsoSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// `<public URL>/auth/oidc/callback`.
    pub redirect_uri: String,
    /// Where the provider sends people after signing them out: the sign-in page.
    pub after_logout_uri: String,
    /// The scopes asked for besides `openid` (which is always asked for).
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub name_claim: String,
    pub email_claim: String,
    pub email_is_verified: bool,
    pub groups_claim: String,
    pub admin_group: Option<String>,
    pub label: String,
}

impl SsoSettings {
    /// The single sign-on settings, `None` when it is off; a message naming what is missing
    /// when the flags are half there.
    pub fn from_args(
        args: &SsoArgs,
        public_url: Option<&PublicUrl>,
    ) -> Result<Option<SsoSettings>, String> {
        let Some(issuer) = args.oidc_issuer.as_deref().map(str::trim) else {
            if args.oidc_client_id.is_some() {
                return Err("--oidc-client-id is set but --oidc-issuer is not".into());
            }
            return Ok(None);
        };
        let public = public_url.ok_or(
            "--oidc-issuer needs --public-url: the provider sends people back to \
             <public URL>/auth/oidc/callback",
        )?;
        let client_id = args
            .oidc_client_id
            .clone()
            .filter(|c| !c.trim().is_empty())
            .ok_or("--oidc-issuer needs --oidc-client-id")?;
        let secret = secret(
            args.oidc_client_secret_file.as_deref(),
            "FIKA_OIDC_CLIENT_SECRET",
            "client secret",
        )?;
        Ok(Some(SsoSettings {
            // As given: the ID token's `iss` must equal it, trailing slash and all (Auth0's
            // issuers end in one).
            issuer: issuer.to_string(),
            client_id,
            client_secret: secret,
            redirect_uri: format!("{}/auth/oidc/callback", public.origin()),
            after_logout_uri: format!("{}/login", public.origin()),
            scopes: args
                .oidc_scopes
                .split_whitespace()
                .filter(|s| *s != "openid")
                .map(str::to_string)
                .collect(),
            username_claim: args.oidc_username_claim.clone(),
            name_claim: args.oidc_name_claim.clone(),
            email_claim: args.oidc_email_claim.clone(),
            email_is_verified: args.oidc_email_is_verified,
            groups_claim: args.oidc_groups_claim.clone(),
            admin_group: args.oidc_admin_group.clone().filter(|g| !g.is_empty()),
            label: args.oidc_label.clone(),
        }))
    }
}
