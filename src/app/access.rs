//! The request log and the request id: one line per request in the `fika::access` target,
//! and the id on the response, in the request's extensions (for the error page) and on
//! every line logged while the request runs.

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;

use crate::auth;

/// The header that carries a request's id, in and out.
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

/// A proxy's request id is kept when it looks like one (a load balancer or nginx's
/// `$request_id` sets it), so one id follows the request through both logs.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()))
}

/// One line per request — method, path (never the query, which can hold what someone
/// searched for), status, time and id — in the `fika::access` log target, and the id on the
/// response, so "it failed at 10:42" can be found. Everything logged while the request runs
/// carries the id too.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    use tracing::Instrument;
    let id = request_id(&req);
    req.extensions_mut()
        .insert(crate::request::RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_string();
    let start = std::time::Instant::now();
    let res = next
        .call(req)
        .instrument(tracing::info_span!("request", id = %id))
        .await;
    let seconds = start.elapsed().as_secs_f64();
    let ms = (seconds * 10_000.0).round() / 10.0;
    let (status, route, user) = match &res {
        Ok(r) => (
            r.status(),
            r.request().match_pattern(),
            auth::Viewer::of(r.request()).person().map(|p| p.id.0),
        ),
        Err(e) => (e.as_response_error().status_code(), None, None),
    };
    crate::metrics::http_request(&method, route.as_deref(), status.as_u16(), seconds);
    // The route's template, not its path: a path can carry what must not be logged (an
    // unsubscribe link's signature). A path no route matched is logged as it came, cut short.
    let route = route.unwrap_or_else(|| path.chars().take(200).collect());
    tracing::info!(
        target: "fika::access",
        %id,
        %method,
        %route,
        status = status.as_u16(),
        ms,
        user,
        "request"
    );
    let mut res = res?.map_into_boxed_body();
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}
