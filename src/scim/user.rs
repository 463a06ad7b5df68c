//! A person as a SCIM User, and a SCIM User body as what fika keeps. Attribute names are
//! matched without regard to case and kept in the schema's spelling; attributes fika does not
//! keep (an enterprise extension, phone numbers, a password) are set aside, as RFC 7643 lets a
//! service provider do.

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::people::model::{Email, Person, parse_display_name};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// The attributes fika keeps, as the schema spells them; `name` and `emails` with their parts.
const ATTRIBUTES: &[&str] = &[
    "userName",
    "externalId",
    "displayName",
    "name",
    "emails",
    "active",
];
const NAME_PARTS: &[&str] = &[
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
];
const EMAIL_PARTS: &[&str] = &["value", "type", "primary", "display"];

/// The schema's spelling of `key` among `known`.
pub fn spelled(known: &[&'static str], key: &str) -> Option<&'static str> {
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

/// The attributes of `part` (`name`, `emails`), or of the User itself for `None`.
pub fn parts_of(attribute: Option<&str>) -> &'static [&'static str] {
    match attribute {
        None => ATTRIBUTES,
        Some("name") => NAME_PARTS,
        Some("emails") => EMAIL_PARTS,
        Some(_) => &[],
    }
}

fn canonical_object(v: &Value, known: &[&'static str]) -> Map<String, Value> {
    let mut out = Map::new();
    if let Value::Object(m) = v {
        for (k, v) in m {
            if let Some(key) = spelled(known, k) {
                out.insert(key.to_string(), v.clone());
            }
        }
    }
    out
}

/// A User body with the attributes fika keeps, spelled as the schema does.
pub fn canonical(body: &Value) -> Map<String, Value> {
    let mut out = canonical_object(body, ATTRIBUTES);
    if let Some(name) = out.get("name").filter(|n| n.is_object()) {
        let name = Value::Object(canonical_object(name, NAME_PARTS));
        out.insert("name".into(), name);
    }
    if let Some(Value::Array(emails)) = out.get("emails") {
        let emails = emails
            .iter()
            .map(|e| Value::Object(canonical_object(e, EMAIL_PARTS)))
            .collect();
        out.insert("emails".into(), Value::Array(emails));
    }
    out
}

/// What a User body asks fika to keep.
#[derive(Debug)]
pub struct Desired {
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: String,
    pub email: Option<Email>,
    /// `None`: as it is (a new user is active). A request that leaves `active` out never
    /// enables a person an earlier one disabled.
    pub active: Option<bool>,
    /// `name`, `emails` and `displayName` as sent, to be read back as sent.
    pub kept: Map<String, Value>,
}

/// `true`/`false`, also as the strings Entra ID sends ("True", "False").
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Desired {
    /// Reads a User body; the error is the message of an `invalidValue` answer.
    pub fn read(body: &Value) -> Result<Desired, String> {
        let c = canonical(body);
        let user_name = text(&c, "userName").ok_or("userName is required")?;
        let active = match c.get("active") {
            None | Some(Value::Null) => None,
            Some(v) => Some(boolean(v).ok_or("active must be true or false")?),
        };
        let name = c
            .get("name")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let given_and_family = [text(&name, "givenName"), text(&name, "familyName")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let display = text(&c, "displayName")
            .or_else(|| text(&name, "formatted"))
            .or_else(|| Some(given_and_family).filter(|n| !n.is_empty()))
            .unwrap_or_else(|| user_name.clone());
        let display_name = parse_display_name(&display).map_err(|e| format!("displayName: {e}"))?;
        let emails: Vec<Map<String, Value>> = match c.get("emails") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => {
                list.iter().filter_map(|e| e.as_object().cloned()).collect()
            }
            Some(_) => return Err("emails must be a list".into()),
        };
        let chosen = emails
            .iter()
            .find(|e| e.get("primary").and_then(boolean) == Some(true))
            .or_else(|| emails.first());
        let email = match chosen.and_then(|e| text(e, "value")) {
            Some(v) => Some(Email::parse(&v).map_err(|e| format!("emails: {e}"))?),
            None => None,
        };
        let mut kept = Map::new();
        for key in ["name", "emails", "displayName"] {
            if let Some(v) = c.get(key).filter(|v| !v.is_null()) {
                kept.insert(key.into(), v.clone());
            }
        }
        Ok(Desired {
            user_name,
            external_id: text(&c, "externalId"),
            display_name,
            email,
            active,
            kept,
        })
    }
}

/// How the provider knows a person: the link fika keeps.
#[derive(Debug, Clone)]
pub struct Link {
    pub user_name: String,
    pub external_id: Option<String>,
    pub kept: Map<String, Value>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The person as a SCIM User: the attributes as the provider sent them, the name and
/// active flag as they are in fika now.
pub fn to_json(p: &Person, link: &Link, base: &str) -> Value {
    let mut user = json!({
        "schemas": [USER_SCHEMA],
        "id": p.id.0.to_string(),
        "userName": link.user_name,
        "active": !p.disabled,
        "meta": {
            "resourceType": "User",
            "created": stamp(link.created_at),
            "lastModified": stamp(link.updated_at),
            "location": format!("{base}/scim/v2/Users/{}", p.id.0),
        },
    });
    if let Some(id) = &link.external_id {
        user["externalId"] = json!(id);
    }
    for (k, v) in &link.kept {
        user[k.as_str()] = v.clone();
    }
    if link.kept.contains_key("displayName") {
        user["displayName"] = json!(p.display_name);
    }
    user
}

/// The user cut to `attributes` or without `excluded` (comma-separated; a dotted name keeps
/// or drops one part). `id` and `schemas` are always returned.
pub fn project(mut user: Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let names = |list: &str| -> Vec<(String, Option<String>)> {
        list.split(',')
            .map(|a| {
                let a = a
                    .trim()
                    .trim_start_matches("urn:ietf:params:scim:schemas:core:2.0:User:");
                match a.split_once('.') {
                    Some((top, part)) => {
                        (top.to_ascii_lowercase(), Some(part.to_ascii_lowercase()))
                    }
                    None => (a.to_ascii_lowercase(), None),
                }
            })
            .collect()
    };
    let Value::Object(map) = &mut user else {
        return user;
    };
    let always = |k: &str| k == "id" || k == "schemas";
    if let Some(list) = attributes.filter(|a| !a.trim().is_empty()) {
        let wanted = names(list);
        map.retain(|k, _| always(k) || wanted.iter().any(|(t, _)| *t == k.to_ascii_lowercase()));
        for (top, part) in &wanted {
            let key = map.keys().find(|k| k.to_ascii_lowercase() == *top).cloned();
            if let (Some(part), Some(Value::Object(sub))) =
                (part, key.and_then(|k| map.get_mut(&k)))
            {
                sub.retain(|k, _| k.to_ascii_lowercase() == *part);
            }
        }
    }
    if let Some(list) = excluded {
        for (top, part) in names(list) {
            let key = map.keys().find(|k| k.to_ascii_lowercase() == top).cloned();
            let Some(key) = key.filter(|k| !always(k)) else {
                continue;
            };
            match (part, map.get_mut(&key)) {
                (Some(part), Some(Value::Object(sub))) => {
                    sub.retain(|k, _| k.to_ascii_lowercase() != part);
                }
                _ => {
                    map.remove(&key);
                }
            }
        }
    }
    user
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_okta_body_is_read() {
        let body = json!({
            "schemas": [USER_SCHEMA],
            "userName": "ana.lima@corp.example",
            "name": {"givenName": "Ana", "familyName": "Lima"},
            "emails": [{"primary": true, "value": "ana.lima@corp.example", "type": "work"}],
            "displayName": "Ana Lima",
            "locale": "en-US",
            "externalId": "00u1",
            "groups": [],
            "password": "never kept",
            "active": true
        });
        let d = Desired::read(&body).unwrap();
        assert_eq!(d.user_name, "ana.lima@corp.example");
        assert_eq!(d.display_name, "Ana Lima");
        assert_eq!(d.email.unwrap().as_str(), "ana.lima@corp.example");
        assert_eq!(d.external_id.as_deref(), Some("00u1"));
        assert_eq!(d.active, Some(true));
        assert!(!d.kept.contains_key("password") && !d.kept.contains_key("locale"));
    }

    #[test]
    fn entra_spellings_and_strings_are_read() {
        let body = json!({"UserName": "jdoe@contoso.com", "Active": "False",
                          "name": {"GivenName": "J", "familyname": "Doe"}});
        let d = Desired::read(&body).unwrap();
        assert_eq!(d.active, Some(false));
        assert_eq!(
            d.display_name, "J Doe",
            "the name's parts when no displayName"
        );
        assert!(
            Desired::read(&json!({"active": true})).is_err(),
            "userName is required"
        );
        let bad = json!({"userName": "x", "emails": [{"value": "not an address"}]});
        assert!(Desired::read(&bad).unwrap_err().starts_with("emails"));
    }
}
