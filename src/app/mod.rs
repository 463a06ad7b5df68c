//! Builds the actix `App` — state, limits, middleware, routes — and runs the HTTP server.

use std::net::TcpListener;
use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpMessage, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use futures_util::FutureExt;

use crate::config::Settings;
use crate::db::{Db, EntityKind};
use crate::error::{AppError, ErrorInfo};
use crate::request::{BODY_LIMIT, UploadRoutes};
use crate::state::AppState;
use crate::{auth, org, site};

mod access;
mod metrics;
mod stop;
pub use stop::listeners_closed;

/// Routes that take uploads, with their limit.
pub const UPLOAD_LIMITS: &[(&str, usize)] = &[
    ("/admin/import", crate::org::routes::IMPORT_LIMIT),
    // The image itself plus the form's other fields and multipart framing.
    ("/images", crate::pages::routes::IMAGE_LIMIT + 64 * 1024),
];

/// The body limit of a path.
pub fn body_limit(path: &str) -> usize {
    UploadRoutes(UPLOAD_LIMITS)
        .limit(path)
        .unwrap_or(BODY_LIMIT)
}

/// The shared state with every feature's part registered: the one place that knows them
/// all. Features find their part by type (`state.part::<RetroCache>()`), so none of them
/// imports this module.
pub fn state(
    db: Db,
    settings: Settings,
    search: std::sync::Arc<crate::search::Search>,
    blameless: crate::postmortems::blameless::Rules,
) -> AppState {
    // Action items follow their sources' caches, so those two are shared with them.
    let summaries = std::sync::Arc::new(crate::postmortems::flow::SummaryCache::default());
    let retros = std::sync::Arc::new(crate::retros::flow::RetroCache::default());
    // Comments on post-mortems ask the org who is involved.
    let org_cache = std::sync::Arc::new(org::cache::OrgCache::default());
    let sso = settings.sso.clone();
    let state = AppState::new(db, settings)
        .with(UploadRoutes(UPLOAD_LIMITS))
        .with(crate::apidoc::ApiDescription::new(&api_doc()))
        .with_shared(search)
        .with(blameless)
        .with_shared(org_cache.clone())
        .with(crate::pages::repo::PageLinks::default())
        .with(crate::pages::render::RenderCache::default())
        .with(crate::lessons::repo::RecentLessons::default())
        .with(crate::experiments::flow::EndedCache::default())
        .with(crate::postmortems::flow::PeopleCache::default())
        .with_shared(summaries.clone())
        .with(crate::action_items::flow::ItemCache::default())
        .with_shared(retros.clone())
        .with(crate::retros::presence::Presence::default())
        .with(crate::action_items::flow::ItemSources(vec![
            Box::new(crate::postmortems::flow::ItemsFrom(summaries)),
            Box::new(crate::retros::flow::ItemsFrom(retros)),
        ]))
        .with(crate::comments::flow::Commentables(vec![
            open(EntityKind::Page, crate::pages::flow::commentable),
            open(EntityKind::Lesson, crate::lessons::flow::commentable),
            open(
                EntityKind::Experiment,
                crate::experiments::flow::commentable,
            ),
            Box::new(crate::postmortems::flow::CommentsOnPostmortems(org_cache)),
            open(EntityKind::Retro, crate::retros::flow::commentable),
        ]))
        .with(crate::lessons::flow::SourceTitles {
            experiment: crate::experiments::repo::title,
            postmortem: crate::postmortems::repo::published_title,
            retro: crate::retros::repo::revealed_title,
        });
    match sso {
        Some(sso) => state.with(auth::sso::oidc::Provider::new(sso)),
        None => state,
    }
}

/// A kind of record everyone reads, taking comments as its feature's `find` says.
fn open(
    kind: EntityKind,
    find: crate::comments::flow::Finder,
) -> Box<dyn crate::comments::flow::Commentable> {
    Box::new(crate::comments::flow::Open { kind, find })
}

/// The API's description: every feature's operations, the bearer token, the error schema.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    for part in [
        crate::org::api::Doc::openapi(),
        crate::pages::api::Doc::openapi(),
        crate::lessons::api::Doc::openapi(),
        crate::experiments::api::Doc::openapi(),
        crate::postmortems::api::Doc::openapi(),
        crate::retros::api::Doc::openapi(),
        crate::action_items::api::Doc::openapi(),
        crate::health::api::Doc::openapi(),
        crate::steps::api::Doc::openapi(),
        crate::notify::api::Doc::openapi(),
        crate::search::routes::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    // Handlers are named alike across features (`list`, `get`): the feature goes in front,
    // so operation ids are unique and read well in generated clients.
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            let tag = op
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_default();
            let id = op.operation_id.take().unwrap_or_default();
            op.operation_id = Some(format!("{tag}_{id}"));
        }
    }
    doc
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "fika", description = "The JSON API of fika, the organizational knowledge wiki."),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "org", description = "People and units: squads, tribes, chapters, guilds, trios, alliances"),
        (name = "pages", description = "The wiki's pages, with revisions and three-way merge"),
        (name = "experiments", description = "Experiment learning logs: hypotheses, plans, results, outcomes"),
        (name = "postmortems", description = "Blameless post-mortems, their review, and the blameless-language check"),
        (name = "retros", description = "Retrospectives: board, votes, action items, review"),
        (name = "actions", description = "Action items from post-mortems and retros"),
        (name = "health", description = "Squad health checks"),
        (name = "steps", description = "Career steps (private to the person, their chapter leads and administrators)"),
        (name = "search", description = "Full-text search over everything the asker may read"),
        (name = "lessons", description = "What teams learned, from experiments, post-mortems, retros and pages"),
        (name = "inbox", description = "The caller's notifications: mentions, comments, reviews and news of what they watch"),
    )
)]
struct ApiDoc;

/// Every operation takes a personal API token as a bearer token.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every feature's records for the search index; people and units, which belong to the org,
/// the index reads itself.
pub fn projections() -> crate::search::indexer::Projections {
    std::sync::Arc::new([
        Box::new(crate::pages::indexed::Indexed) as Box<dyn crate::projection::Projection>,
        Box::new(crate::lessons::indexed::INDEXED),
        Box::new(crate::experiments::indexed::INDEXED),
        Box::new(crate::postmortems::indexed::INDEXED),
        Box::new(crate::retros::indexed::INDEXED),
        Box::new(crate::steps::indexed::Indexed),
    ])
}

/// The routes of every feature.
pub fn routes(cfg: &mut web::ServiceConfig) {
    crate::home::configure(cfg);
    auth::routes::configure(cfg);
    auth::sso::routes::configure(cfg);
    org::routes::configure(cfg);
    org::api::configure(cfg);
    crate::overview::configure(cfg);
    crate::pages::routes::configure(cfg);
    crate::pages::changes::configure(cfg);
    crate::lessons::routes::configure(cfg);
    crate::pages::api::configure(cfg);
    crate::lessons::api::configure(cfg);
    crate::experiments::routes::configure(cfg);
    crate::experiments::api::configure(cfg);
    crate::postmortems::routes::configure(cfg);
    crate::postmortems::api::configure(cfg);
    crate::action_items::routes::configure(cfg);
    crate::action_items::api::configure(cfg);
    crate::retros::routes::configure(cfg);
    crate::retros::api::configure(cfg);
    crate::health::routes::configure(cfg);
    crate::health::api::configure(cfg);
    crate::steps::routes::configure(cfg);
    crate::steps::api::configure(cfg);
    crate::search::routes::configure(cfg);
    crate::scim::routes::configure(cfg);
    crate::notify::routes::configure(cfg);
    crate::notify::api::configure(cfg);
    crate::comments::routes::configure(cfg);
    crate::webhooks::routes::configure(cfg);
    crate::apidoc::configure(cfg);
    metrics::configure(cfg);
}

/// Serves on already bound listeners until stopped — the main one, and the metrics one when
/// `--metrics-addr` is set. Logs the URLs it serves on.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    workers: Option<usize>,
) -> Result<(), String> {
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read listening address: {e}"))?;
    // Second handles on the listening sockets, to close them the moment a stop is asked.
    let control = std::iter::once(&listener)
        .chain(&metrics_listener)
        .map(|l| {
            l.try_clone()
                .map_err(|e| format!("cannot share the listening socket: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let state = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(BODY_LIMIT))
            .app_data(
                web::FormConfig::default()
                    .limit(BODY_LIMIT)
                    .error_handler(|e, _| AppError::unreadable(&e).into()),
            )
            .app_data(
                web::QueryConfig::default().error_handler(|e, _| AppError::unreadable(&e).into()),
            )
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .configure(routes)
            .default_service(web::to(not_routed))
            // The last `wrap` is the outermost: the request log → headers → error pages →
            // panics → body limit → auth.
            .wrap(from_fn(crate::apidoc::check_query))
            .wrap(from_fn(auth::middleware::authenticate))
            .wrap(from_fn(limit_body))
            .wrap(from_fn(catch_panic))
            .wrap(from_fn(render_errors))
            .wrap(from_fn(head_as_get))
            .wrap(security_headers())
            .wrap(from_fn(metrics::only_metrics_there))
            .wrap(from_fn(access::log_request))
    })
    .listen(listener)
    .map_err(|e| format!("cannot serve on {local}: {e}"))?;
    if let Some(m) = metrics_listener {
        let addr = m
            .local_addr()
            .map_err(|e| format!("cannot read the metrics address: {e}"))?;
        server = server
            .listen(m)
            .map_err(|e| format!("cannot serve metrics on {addr}: {e}"))?;
        tracing::info!("metrics on http://{addr}/metrics");
    }
    server = server
        .disable_signals()
        .shutdown_timeout(stop::SHUTDOWN_SECS);
    if let Some(n) = workers {
        server = server.workers(n.max(1));
    }
    tracing::info!("fika listening on http://{local}");
    let running = server.run();
    actix_web::rt::spawn(stop::on_signal(running.handle(), control));
    running.await.map_err(|e| format!("server failed: {e}"))
}

fn security_headers() -> DefaultHeaders {
    site::views::SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |h, (name, value)| {
            h.add((name.clone(), *value))
        })
}

/// Extractor failures (a malformed form, JSON or query) become a 400 a person can read, or
/// a 413 when the body was too large.
/// A HEAD request is answered as its GET would be, without the body (monitors and link
/// checkers send HEAD; the routes are declared for GET).
async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() != actix_web::http::Method::HEAD {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    req.head_mut().method = actix_web::http::Method::GET;
    let res = next.call(req).await?;
    Ok(res.map_body(|_, _| BoxBody::new(())))
}

/// What no route took: a 405 where the address exists for other methods, else a 404. (An
/// API address asked with a wrong method never gets here: `apidoc::check_query` answers it,
/// with `Allow`, before routing.)
async fn not_routed(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if req.resource_map().has_resource(req.path()) {
        Err(AppError::MethodNotAllowed)
    } else {
        Err(AppError::NotFound)
    }
}

/// Refuses a declared body over the limit before anything reads it.
async fn limit_body(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > body_limit(req.path()) as u64) {
        return Ok(req.error_response(AppError::PayloadTooLarge));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A panic in a handler becomes a logged 500; the worker and the connection live on.
///
/// The request cannot be kept aside to build the response (actix needs the only reference
/// to it for routing), so the panic becomes an `Err`: actix answers it with
/// `AppError::error_response`, a complete error page without the viewer's navigation.
async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path().to_string();
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(res) => Ok(res?.map_into_boxed_body()),
        Err(_) => {
            // The panic hook (main.rs) already logged the message and location.
            tracing::error!(%path, "handler panicked");
            Err(Panicked.into())
        }
    }
}

/// What a panic leaves: an error whose response is the error page for an unknown viewer.
/// The request went down with the handler, so `render_errors` cannot dress this one; the
/// page is made here, where the shell may be named.
#[derive(Debug, thiserror::Error)]
#[error("handler panicked")]
struct Panicked;

impl ResponseError for Panicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let info = AppError::internal("handler panicked").info();
        site::views::render_error(&auth::Viewer::anonymous(), &info)
    }
}

/// Gives every error its final form: an HTML page with the site's navigation, a JSON body
/// for the API, or — for a visitor who must sign in to see a page — a redirect to sign-in.
async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let info = res.response().extensions().get::<ErrorInfo>().cloned();
    let info = match info {
        Some(info) => info,
        // An error response from actix itself (or an empty one): give it fika's page too.
        None if res.status().is_client_error() || res.status().is_server_error() => {
            let empty = matches!(
                res.response().body().size(),
                actix_web::body::BodySize::None | actix_web::body::BodySize::Sized(0)
            );
            if res.response().error().is_none() && !empty {
                return Ok(res);
            }
            generic_info(res.status())
        }
        None => return Ok(res),
    };
    // What the error says in its headers stays: when to try again, which methods to use.
    let kept: Vec<_> = [header::RETRY_AFTER, header::ALLOW]
        .into_iter()
        .filter_map(|h| res.headers().get(&h).cloned().map(|v| (h, v)))
        .collect();
    let (http_req, _) = res.into_parts();
    let mut info = info;
    info.request_id = http_req
        .extensions()
        .get::<crate::request::RequestId>()
        .map(|r| r.0.clone());
    let mut page = error_page(&http_req, &info);
    for (h, v) in kept {
        page.headers_mut().insert(h, v);
    }
    Ok(ServiceResponse::new(http_req, page))
}

/// The final form of an error, chosen by who asked: JSON for the API and scripts, the
/// sign-in page for a browser that must sign in, else the page in the viewer's shell.
fn error_page(req: &HttpRequest, info: &ErrorInfo) -> HttpResponse {
    let wants_json = req.path().starts_with("/api/")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    if wants_json {
        let mut body = serde_json::json!({ "error": info.message, "code": info.code });
        if let Some(id) = &info.request_id {
            body["request_id"] = serde_json::json!(id);
        }
        if let Some(fields) = &info.fields {
            body["fields"] = serde_json::json!(fields);
        }
        return HttpResponse::build(info.status).json(body);
    }
    let viewer = auth::Viewer::of(req);
    // A browser that must sign in is sent to the sign-in page; a script that sent a bad
    // token, and a feed reader, get their 401.
    if info.status == actix_web::http::StatusCode::UNAUTHORIZED
        && req.method() == actix_web::http::Method::GET
        && viewer.person().is_none()
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !crate::auth::middleware::is_feed(req.path())
    {
        let target = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        return auth::middleware::login_redirect(&target);
    }
    site::views::render_error(&viewer, info)
}

fn generic_info(status: StatusCode) -> ErrorInfo {
    let app_error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNAUTHORIZED => AppError::Unauthorized,
        s if s.is_client_error() => {
            AppError::BadRequest("The request could not be understood.".into())
        }
        _ => AppError::internal(status),
    };
    let mut info = app_error.info();
    if status.is_client_error() {
        info.status = status;
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test;

    async fn boom() -> actix_web::HttpResponse {
        panic!("deliberate test panic")
    }

    #[actix_web::test]
    async fn a_panicking_handler_becomes_a_500_page_and_the_app_keeps_serving() {
        let app = test::init_service(
            App::new()
                .route("/boom", web::get().to(boom))
                .route("/ok", web::get().to(|| async { "fine" }))
                .wrap(from_fn(catch_panic))
                .wrap(from_fn(render_errors)),
        )
        .await;
        let res =
            test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        let err = match res {
            Ok(r) => panic!("expected an error, got {}", r.status()),
            Err(e) => e,
        };
        let res = err.error_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        assert!(html, "a panic is answered with fika's error page");
        let body = actix_web::body::to_bytes(res.into_body()).await.unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("Something went wrong"));
        assert!(
            !body.contains("deliberate"),
            "no internal detail on the page"
        );
        let res = test::call_service(&app, test::TestRequest::get().uri("/ok").to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[cfg(test)]
mod projection_tests {
    use super::projections;

    /// The exhaustive `match` that once dispatched kinds in `search::records` is this test now:
    /// a new change-log kind fails it until a projection claims it or it is named as not
    /// indexed.
    #[test]
    fn every_logged_kind_is_indexed_or_said_not_to_be() {
        use crate::db::EntityKind;
        use crate::search::records::{NOT_INDEXED, OWN_KINDS};
        let projections = projections();
        for &kind in EntityKind::ALL {
            let claimed =
                OWN_KINDS.contains(&kind) || projections.iter().any(|p| p.kinds().contains(&kind));
            assert_ne!(
                claimed,
                NOT_INDEXED.contains(&kind),
                "{kind:?}: claim it in a projection or name it in NOT_INDEXED, not both"
            );
        }
    }
}
