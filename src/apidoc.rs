//! The API described: the OpenAPI document every feature's handlers declare (gathered in
//! `app::api_doc`), served at `/api/v1/openapi.json`, read as a page at `/api`, and held to
//! by every `/api/v1` request: a query parameter the document does not declare for that
//! operation is a 400 naming it, so a typo in a filter never silently returns everything.

use std::collections::BTreeSet;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::Value;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::site::views::{Shell, html};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/openapi.json", web::get().to(document))
        .route("/api", web::get().to(page));
}

/// One operation: its method, path template and the query parameters it takes.
struct Operation {
    method: String,
    segments: Vec<String>,
    query: BTreeSet<String>,
}

/// The document, as served and as read (registered once at start).
pub struct ApiDescription {
    json: String,
    doc: Value,
    operations: Vec<Operation>,
}

impl ApiDescription {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> ApiDescription {
        // The document is plain data made of strings and maps: it always serializes.
        let mut doc = serde_json::to_value(doc).unwrap_or_default();
        local_times(&mut doc);
        if let Some(paths) = doc["paths"].as_object_mut() {
            for (path, item) in paths.iter_mut() {
                for op in item
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    common_errors(path, op);
                }
            }
        }
        let mut operations = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                let shared = names_in(&item["parameters"]);
                for (method, op) in item.as_object().into_iter().flatten() {
                    if !op.is_object() || method == "parameters" {
                        continue;
                    }
                    let mut query = names_in(&op["parameters"]);
                    query.extend(shared.iter().cloned());
                    operations.push(Operation {
                        method: method.to_ascii_uppercase(),
                        segments: path.split('/').map(str::to_string).collect(),
                        query,
                    });
                }
            }
        }
        ApiDescription {
            json: doc.to_string(),
            doc,
            operations,
        }
    }

    /// The path template a request's address is, preferring fixed segments over
    /// placeholders (`/experiments/stats` before `/experiments/{id}`), whatever the method.
    fn template(&self, path: &str) -> Option<&[String]> {
        let parts: Vec<&str> = path.split('/').collect();
        self.operations
            .iter()
            .filter(|o| o.segments.len() == parts.len())
            .filter_map(|o| {
                let mut fixed = 0;
                for (s, p) in o.segments.iter().zip(&parts) {
                    if s == p {
                        fixed += 1;
                    } else if !s.starts_with('{') || p.is_empty() {
                        return None;
                    }
                }
                Some((fixed, o.segments.as_slice()))
            })
            .max_by_key(|(fixed, _)| *fixed)
            .map(|(_, t)| t)
    }

    /// The methods an API address takes (HEAD with GET), for a 405's `Allow`; empty for an
    /// address the API does not have.
    pub fn methods_for(&self, path: &str) -> Vec<&str> {
        let Some(template) = self.template(path) else {
            return Vec::new();
        };
        let mut methods: Vec<&str> = self
            .operations
            .iter()
            .filter(|o| o.segments == template)
            .map(|o| o.method.as_str())
            .collect();
        if methods.contains(&"GET") {
            methods.push("HEAD");
        }
        methods.sort_unstable();
        methods.dedup();
        methods
    }

    /// The operation a request is; `None` for an address or method the API does not have.
    fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let template = self.template(path)?;
        let method = if method == "HEAD" { "GET" } else { method };
        self.operations
            .iter()
            .find(|o| o.segments == template && o.method == method)
    }
}

/// fika's timestamps are UTC without an offset ("2026-12-04T09:15:00.123"), which JSON
/// Schema's `date-time` does not allow: they are described as what they are.
fn local_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("format").and_then(Value::as_str) == Some("date-time") {
                m.remove("format");
                m.insert(
                    "pattern".into(),
                    Value::from(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"),
                );
                m.entry("description")
                    .or_insert_with(|| Value::from("A time in UTC, ISO 8601 without an offset."));
            }
            m.values_mut().for_each(local_times);
        }
        Value::Array(items) => items.iter_mut().for_each(local_times),
        _ => {}
    }
}

/// The errors any operation may answer, where its handler did not name them: a request
/// fika cannot read, no or a wrong token, a token without the scope; a wrong value for one
/// that takes parameters or a body; an unknown id for one with a path parameter.
fn common_errors(path: &str, op: &mut Value) {
    let has_body = op.get("requestBody").is_some();
    let takes_input = has_body
        || op["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let error = |what: &str| {
        serde_json::json!({
            "description": what,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorJson"}}}
        })
    };
    let mut add = |status: &str, what: &str| {
        responses.entry(status).or_insert_with(|| error(what));
    };
    add(
        "400",
        "The request cannot be read: not JSON, or a query parameter it does not take",
    );
    add("401", "No valid API token (or it expired)");
    add(
        "403",
        "Not allowed: the person may not, or the token's scope is too small",
    );
    if path.contains('{') {
        add("404", "Nothing at this address");
    }
    if takes_input {
        add("422", "A value is wrong: `fields` says which");
    }
    if has_body {
        add(
            "409",
            "It conflicts with what is there: a name taken, or a change made meanwhile",
        );
        add("413", "The body is too large");
    }
}

/// The names of the query parameters in a list of parameters.
fn names_in(params: &Value) -> BTreeSet<String> {
    params
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect()
}

/// The 400 for query parameters an operation does not take, naming them and those it does.
fn unknown_query(op: &Operation, query: &str) -> Option<AppError> {
    let unknown: BTreeSet<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, _)| k.into_owned())
        .filter(|k| !op.query.contains(k))
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let takes = match op.query.is_empty() {
        true => "it takes none".to_string(),
        false => format!(
            "it takes {}",
            op.query.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Some(AppError::BadRequest(format!(
        "Unknown query parameter{} {} ({takes}).",
        if unknown.len() == 1 { "" } else { "s" },
        unknown.into_iter().collect::<Vec<_>>().join(", ")
    )))
}

/// Refuses an `/api/v1` request with a query parameter its operation does not take.
pub async fn check_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !req.path().starts_with("/api/v1/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(api) = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.part::<ApiDescription>().ok())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // An address the API has, asked with a method it does not take: 405, even where a
    // placeholder route would take the method (`PUT /experiments/stats` is not an id).
    let allowed = api.methods_for(req.path());
    if !allowed.is_empty() && api.operation(req.method().as_str(), req.path()).is_none() {
        let mut res = req.error_response(AppError::MethodNotAllowed);
        if let Ok(v) = header::HeaderValue::from_str(&allowed.join(", ")) {
            res.headers_mut().insert(header::ALLOW, v);
        }
        return Ok(res);
    }
    match api.operation(req.method().as_str(), req.path()) {
        Some(op) if !req.query_string().is_empty() => match unknown_query(op, req.query_string()) {
            Some(refusal) => Ok(req.error_response(refusal)),
            None => Ok(next.call(req).await?.map_into_boxed_body()),
        },
        _ => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

async fn document(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let api = state.part::<ApiDescription>()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(api.json.clone()))
}

/// An operation as the reference page lists it.
pub struct OperationView {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub summary: String,
    pub params: Vec<(String, String, bool, String)>,
    pub body: Option<String>,
    pub responses: Vec<(String, String, Option<String>)>,
}

/// A tag (a feature) and its operations.
pub struct TagView {
    pub name: String,
    pub description: String,
    pub operations: Vec<OperationView>,
}

#[derive(Template)]
#[template(path = "api.html")]
struct ApiPage {
    shell: Shell,
    version: String,
    tags: Vec<TagView>,
    schemas: Vec<(String, String)>,
}

/// The name a `$ref` points at, or the type a schema has.
fn schema_name(schema: &Value) -> Option<String> {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().map(str::to_string);
    }
    if schema["type"] == "array" {
        return schema_name(&schema["items"]).map(|n| format!("[{n}]"));
    }
    if let Some(all) = schema["allOf"].as_array() {
        return all.iter().find_map(schema_name);
    }
    schema["type"].as_str().map(str::to_string)
}

fn operation_view(method: &str, path: &str, op: &Value) -> OperationView {
    let params = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["in"].as_str().unwrap_or_default().to_string(),
                p["required"].as_bool().unwrap_or(false),
                p["description"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = op["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.values().next())
        .and_then(|c| schema_name(&c["schema"]));
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| {
            let body = r["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .and_then(|c| schema_name(&c["schema"]));
            (
                status.clone(),
                r["description"].as_str().unwrap_or_default().to_string(),
                body,
            )
        })
        .collect();
    let summary = op["summary"]
        .as_str()
        .or(op["description"].as_str())
        .unwrap_or_default()
        .to_string();
    OperationView {
        method: method.to_ascii_uppercase(),
        anchor: format!("{method}-{path}").replace(['/', '{', '}'], "-"),
        path: path.to_string(),
        summary,
        params,
        body,
        responses,
    }
}

async fn page(state: web::Data<AppState>, viewer: Viewer) -> AppResult<HttpResponse> {
    let api = state.part::<ApiDescription>()?;
    let doc = &api.doc;
    let mut tags: Vec<TagView> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| TagView {
            name: t["name"].as_str().unwrap_or_default().to_string(),
            description: t["description"].as_str().unwrap_or_default().to_string(),
            operations: Vec::new(),
        })
        .collect();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let tag = op["tags"][0].as_str().unwrap_or("other");
            let view = operation_view(method, path, op);
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(view),
                None => tags.push(TagView {
                    name: tag.to_string(),
                    description: String::new(),
                    operations: vec![view],
                }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    let schemas = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, s)| {
            (
                name.clone(),
                serde_json::to_string_pretty(s).unwrap_or_default(),
            )
        })
        .collect();
    html(&ApiPage {
        shell: Shell::new(&viewer, "api"),
        version: doc["info"]["version"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        tags,
        schemas,
    })
}
