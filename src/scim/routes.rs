//! `/scim/v2`: the discovery documents (ServiceProviderConfig, Schemas, ResourceTypes) and
//! Users, for the identity provider's bearer token only. Every answer, errors included, is
//! SCIM's own JSON (`application/scim+json`, errors with `status`, `scimType` and `detail`),
//! since a provider reads nothing else.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::user::{Desired, USER_SCHEMA, canonical, project, to_json};
use super::{filter, patch, repo};
use crate::error::{AppError, AppResult};
use crate::ids::PersonId;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/scim/v2")
            .route(
                "/ServiceProviderConfig",
                web::get().to(service_provider_config),
            )
            .route("/Schemas", web::get().to(catalogue))
            .route("/Schemas/{id}", web::get().to(catalogue_entry))
            .route("/ResourceTypes", web::get().to(catalogue))
            .route("/ResourceTypes/{id}", web::get().to(catalogue_entry))
            .route("/Users", web::get().to(list))
            .route("/Users", web::post().to(create))
            .route("/Users/.search", web::post().to(search))
            .route("/.search", web::post().to(search))
            .route("/Users/{id}", web::get().to(show))
            .route("/Users/{id}", web::put().to(replace))
            .route("/Users/{id}", web::patch().to(modify))
            .route("/Users/{id}", web::delete().to(remove))
            .default_service(web::to(not_routed)),
    );
}

const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SCIM_JSON: &str = "application/scim+json";
/// The most users one page of a list holds.
const MAX_COUNT: i64 = 1000;

fn answer(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, SCIM_JSON))
        .body(body.to_string())
}

fn error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> HttpResponse {
    let mut body = json!({
        "schemas": [ERROR_SCHEMA],
        "status": status.as_u16().to_string(),
        "detail": detail,
    });
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    answer(status, body)
}

/// fika's errors in SCIM's form; internal details stay in the log.
fn scim_error(e: AppError) -> HttpResponse {
    match e {
        AppError::NotFound => error(StatusCode::NOT_FOUND, None, "No such resource."),
        AppError::Conflict(m) => error(StatusCode::CONFLICT, Some("uniqueness"), &m),
        AppError::Validation(m) => error(StatusCode::BAD_REQUEST, Some("invalidValue"), &m),
        AppError::BadRequest(m) => error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), &m),
        other => {
            tracing::error!(error = %other, "SCIM request failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "fika could not do this just now.",
            )
        }
    }
}

/// The provider's bearer token checked: `None` lets the request on, else the answer. SCIM
/// is off (404) without a configured token.
fn refused(req: &HttpRequest, state: &AppState) -> Option<HttpResponse> {
    let Some(digest) = &state.settings.scim_token_digest else {
        return Some(error(
            StatusCode::NOT_FOUND,
            None,
            "SCIM provisioning is not turned on.",
        ));
    };
    let given = crate::request::bearer_token(req.headers());
    // Digests are compared, so the time taken says nothing about the token.
    match given {
        Some(t) if crate::auth::token::digest(t) == *digest => None,
        _ => {
            let mut no = error(
                StatusCode::UNAUTHORIZED,
                None,
                "A valid SCIM bearer token is required.",
            );
            no.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            Some(no)
        }
    }
}

/// Runs `work` for an authorised request and gives every outcome in SCIM's form.
async fn scim<F>(req: &HttpRequest, state: &AppState, work: F) -> HttpResponse
where
    F: std::future::Future<Output = AppResult<HttpResponse>>,
{
    if let Some(no) = refused(req, state) {
        return no;
    }
    work.await.unwrap_or_else(scim_error)
}

/// Where fika is reached, for `meta.location`.
fn base(req: &HttpRequest, state: &AppState) -> String {
    crate::request::site_origin(req, &state.settings)
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

fn person_id(req: &HttpRequest) -> Option<PersonId> {
    req.match_info().get("id")?.parse().ok().map(PersonId)
}

fn body_json(body: &web::Bytes) -> AppResult<Value> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("The body is not JSON: {e}")))
}

async fn service_provider_config(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let location = format!("{}/scim/v2/ServiceProviderConfig", base(&req, &state));
    scim(&req, &state, async {
        Ok(answer(
            StatusCode::OK,
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "patch": {"supported": true},
                "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
                "filter": {"supported": true, "maxResults": MAX_COUNT},
                "changePassword": {"supported": false},
                "sort": {"supported": false},
                "etag": {"supported": false},
                "authenticationSchemes": [{
                    "type": "oauthbearertoken",
                    "name": "Bearer token",
                    "description": "The token given to fika with --scim-token-file or FIKA_SCIM_TOKEN.",
                    "primary": true,
                }],
                "meta": {"resourceType": "ServiceProviderConfig", "location": location},
            }),
        ))
    })
    .await
}

fn user_schema(base: &str) -> Value {
    let mut schema: Value =
        serde_json::from_str(include_str!("user_schema.json")).unwrap_or_default();
    schema["meta"]["location"] = json!(format!("{base}/scim/v2/Schemas/{USER_SCHEMA}"));
    schema
}

fn user_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "People in fika",
        "schema": USER_SCHEMA,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/scim/v2/ResourceTypes/User")},
    })
}

fn list_of(items: Vec<Value>, total: i64, start: i64) -> HttpResponse {
    answer(
        StatusCode::OK,
        json!({
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": items.len(),
            "Resources": items,
        }),
    )
}

/// What `/Schemas` or `/ResourceTypes` lists (fika describes one resource, the User), and
/// the id of that one entry.
fn described(req: &HttpRequest, base: &str) -> (Value, &'static str) {
    if req.path().contains("/Schemas") {
        (user_schema(base), USER_SCHEMA)
    } else {
        (user_type(base), "User")
    }
}

async fn catalogue(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (entry, _) = described(&req, &base(&req, &state));
    scim(&req, &state, async { Ok(list_of(vec![entry], 1, 1)) }).await
}

async fn catalogue_entry(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let (entry, id) = described(&req, &base(&req, &state));
    let found = req.match_info().get("id") == Some(id);
    scim(&req, &state, async {
        match found {
            true => Ok(answer(StatusCode::OK, entry)),
            false => Err(AppError::NotFound),
        }
    })
    .await
}

/// A number from the query: `default` when absent, an error answer when not a number.
fn number(q: &HashMap<String, String>, key: &str, default: i64) -> AppResult<i64> {
    match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| AppError::Validation(format!("{key} must be a number"))),
    }
}

/// What a list (GET with a query) or a search (POST `.search` with a body) asks for.
#[derive(Default)]
struct Listing {
    filter: Option<String>,
    start: i64,
    count: i64,
    attributes: Option<String>,
    excluded: Option<String>,
}

async fn listing(state: &AppState, base: &str, l: Listing) -> AppResult<HttpResponse> {
    let filter = match filter::parse(l.filter.as_deref()) {
        Ok(f) => f,
        Err(m) => return Ok(error(StatusCode::BAD_REQUEST, Some("invalidFilter"), &m)),
    };
    // RFC 7644 §3.4.2.4: a start below 1 is 1, a negative count is 0.
    let (start, count) = (l.start.max(1), l.count.clamp(0, MAX_COUNT));
    let (total, page) = state
        .db
        .run(move |c| repo::list(c, &filter, start, count))
        .await?;
    let items = page
        .iter()
        .map(|(p, link)| {
            project(
                to_json(p, link, base),
                l.attributes.as_deref(),
                l.excluded.as_deref(),
            )
        })
        .collect();
    Ok(list_of(items, total, start))
}

async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let q = query(&req);
    let b = base(&req, &state);
    scim(&req, &state, async {
        let (start, count) = (number(&q, "startindex", 1)?, number(&q, "count", 100)?);
        let l = Listing {
            filter: q.get("filter").cloned(),
            start,
            count,
            attributes: q.get("attributes").cloned(),
            excluded: q.get("excludedattributes").cloned(),
        };
        listing(&state, &b, l).await
    })
    .await
}

/// POST `.search` (RFC 7644 §3.4.3): the list's parameters in a SearchRequest body.
async fn search(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let b = base(&req, &state);
    scim(&req, &state, async {
        let v = body_json(&body)?;
        let field = |name: &str| {
            v.as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v.clone())
        };
        // Attribute lists come as arrays of names here, comma-separated in a query.
        let names = |name: &str| match field(name) {
            Some(Value::Array(list)) => Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let l = Listing {
            filter: field("filter").and_then(|f| f.as_str().map(str::to_string)),
            start: field("startIndex").and_then(|n| n.as_i64()).unwrap_or(1),
            count: field("count").and_then(|n| n.as_i64()).unwrap_or(100),
            attributes: names("attributes"),
            excluded: names("excludedAttributes"),
        };
        listing(&state, &b, l).await
    })
    .await
}

/// What no route under /scim/v2 took, in SCIM's words: 405 where the address takes other
/// methods, else 404.
async fn not_routed(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let known = req.resource_map().has_resource(req.path());
    scim(&req, &state, async {
        Ok(match known {
            true => error(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "This address does not take that method.",
            ),
            false => error(StatusCode::NOT_FOUND, None, "No such resource."),
        })
    })
    .await
}

async fn show(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let q = query(&req);
    let b = base(&req, &state);
    let id = person_id(&req);
    scim(&req, &state, async {
        let id = id.ok_or(AppError::NotFound)?;
        let (p, l) = state
            .db
            .run(move |c| repo::find(c, id))
            .await?
            .ok_or(AppError::NotFound)?;
        let user = project(
            to_json(&p, &l, &b),
            q.get("attributes").map(String::as_str),
            q.get("excludedattributes").map(String::as_str),
        );
        Ok(answer(StatusCode::OK, user))
    })
    .await
}

/// The answer to a write: the user (with `Location` when made), or why not.
fn written(
    outcome: Result<(crate::people::model::Person, super::user::Link), repo::Taken>,
    status: StatusCode,
    base: &str,
) -> HttpResponse {
    match outcome {
        Ok((p, l)) => {
            let user = to_json(&p, &l, base);
            let location = user["meta"]["location"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let mut res = answer(status, user);
            if let Ok(v) = header::HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        Err(taken) => error(StatusCode::CONFLICT, Some("uniqueness"), &taken),
    }
}

fn desired(body: &Value) -> AppResult<Desired> {
    Desired::read(body).map_err(AppError::Validation)
}

async fn create(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let b = base(&req, &state);
    scim(&req, &state, async {
        let d = body_json(&body).and_then(|v| desired(&v))?;
        let outcome = state.db.run(move |c| repo::create(c, &d)).await?;
        Ok(written(outcome, StatusCode::CREATED, &b))
    })
    .await
}

async fn replace(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let b = base(&req, &state);
    let id = person_id(&req);
    scim(&req, &state, async {
        let id = id.ok_or(AppError::NotFound)?;
        let d = body_json(&body).and_then(|v| desired(&v))?;
        let outcome = state.db.run(move |c| repo::replace(c, id, &d)).await?;
        Ok(written(
            outcome.ok_or(AppError::NotFound)?,
            StatusCode::OK,
            &b,
        ))
    })
    .await
}

async fn modify(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
    let b = base(&req, &state);
    let id = person_id(&req);
    scim(&req, &state, async {
        let id = id.ok_or(AppError::NotFound)?;
        let ops = body_json(&body)?;
        let here = b.clone();
        let outcome = state
            .db
            .run(move |c| {
                repo::patch(c, id, |p, l| {
                    let current = canonical(&to_json(p, l, &here));
                    let patched = patch::apply(current, &ops).map_err(AppError::BadRequest)?;
                    desired(&Value::Object(patched))
                })
            })
            .await?;
        Ok(written(
            outcome.ok_or(AppError::NotFound)?,
            StatusCode::OK,
            &b,
        ))
    })
    .await
}

async fn remove(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let id = person_id(&req);
    scim(&req, &state, async {
        let id = id.ok_or(AppError::NotFound)?;
        match state.db.run(move |c| repo::delete(c, id)).await? {
            true => Ok(HttpResponse::NoContent().finish()),
            false => Err(AppError::NotFound),
        }
    })
    .await
}
