//! PATCH (RFC 7644 §3.5.2) on a User as the big providers send it: Okta's
//! `{"op": "replace", "value": {"active": false}}`, Entra ID's capitalised `"Replace"` with a
//! `path` and string booleans, and paths with a filter such as `emails[type eq "work"].value`.
//! The operations are applied to the User as fika keeps it, and the result is read as a PUT
//! body would be, so a PATCH can never store what a PUT could not.

use serde_json::{Map, Value};

use super::user::{canonical, parts_of, spelled};

const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:User:";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// Applies a PatchOp body to `user`; the error is the message of an `invalidSyntax` or
/// `invalidPath` answer.
pub fn apply(user: Map<String, Value>, body: &Value) -> Result<Map<String, Value>, String> {
    let ops = body
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("Operations")))
        .and_then(|(_, v)| v.as_array())
        .ok_or("a PATCH body needs an Operations list")?;
    let mut user = user;
    for op in ops {
        let field = |name: &str| {
            op.as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v)
        };
        let kind = match field("op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
        {
            Some(k) if k == "add" => Op::Add,
            Some(k) if k == "replace" => Op::Replace,
            Some(k) if k == "remove" => Op::Remove,
            _ => return Err("each operation's op must be add, replace or remove".into()),
        };
        let value = field("value").cloned().unwrap_or(Value::Null);
        match field("path")
            .and_then(Value::as_str)
            .filter(|p| !p.trim().is_empty())
        {
            Some(path) => at_path(&mut user, path.trim(), kind, value)?,
            None if kind == Op::Remove => return Err("remove needs a path".into()),
            None => {
                let Value::Object(attributes) = value else {
                    return Err("an operation without a path needs an object as its value".into());
                };
                for (k, v) in attributes {
                    at_path(&mut user, &k, kind, v)?;
                }
            }
        }
    }
    Ok(canonical(&Value::Object(user)))
}

/// A path taken apart: `emails[type eq "work"].value` → ("emails", filter, "value").
struct Path {
    attribute: &'static str,
    filter: Option<(String, Value)>,
    part: Option<String>,
}

/// `None`: an attribute fika does not keep (another schema's, or one it sets aside).
fn parse_path(path: &str) -> Result<Option<Path>, String> {
    let path = path.strip_prefix(CORE).unwrap_or(path);
    if path.starts_with("urn:") {
        return Ok(None);
    }
    let (head, filter, rest) = match path.find('[') {
        Some(open) => {
            let close = path[open..]
                .find(']')
                .map(|c| open + c)
                .ok_or_else(|| format!("{path:?}: a [ without its ]"))?;
            let inner = &path[open + 1..close];
            let mut words = inner.splitn(3, char::is_whitespace);
            let (Some(sub), Some(op), Some(literal)) = (words.next(), words.next(), words.next())
            else {
                return Err(format!(
                    "{path:?}: the filter must be like type eq \"work\""
                ));
            };
            if !op.eq_ignore_ascii_case("eq") {
                return Err(format!("{path:?}: only eq filters are understood"));
            }
            let literal: Value = serde_json::from_str(literal.trim())
                .map_err(|_| format!("{path:?}: the filter's value must be quoted"))?;
            let rest = path[close + 1..].strip_prefix('.').map(str::to_string);
            (&path[..open], Some((sub.to_string(), literal)), rest)
        }
        None => match path.split_once('.') {
            Some((head, part)) => (head, None, Some(part.to_string())),
            None => (path, None, None),
        },
    };
    let Some(attribute) = spelled(parts_of(None), head) else {
        return Ok(None);
    };
    Ok(Some(Path {
        attribute,
        filter,
        part: rest,
    }))
}

/// The part's spelling in the schema, or its own when fika does not know it.
fn part_key(attribute: &str, part: &str) -> String {
    spelled(parts_of(Some(attribute)), part)
        .map(str::to_string)
        .unwrap_or_else(|| part.to_string())
}

fn matches(element: &Value, filter: &(String, Value)) -> bool {
    let (sub, want) = filter;
    element
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(sub)))
        .is_some_and(|(_, v)| match (v, want) {
            (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        })
}

fn at_path(
    user: &mut Map<String, Value>,
    path: &str,
    kind: Op,
    value: Value,
) -> Result<(), String> {
    let Some(Path {
        attribute,
        filter,
        part,
    }) = parse_path(path)?
    else {
        return Ok(());
    };
    if attribute == "active" && kind == Op::Remove {
        // Without a value fika could only guess; guessing "active" would let a person back in.
        return Err("active cannot be removed: set it to false to deactivate the user".into());
    }
    match (filter, part) {
        (None, None) => whole(user, attribute, kind, value),
        (None, Some(part)) => each_part(user, attribute, &part, kind, value),
        (Some(_), _) if attribute != "emails" => {
            return Err(format!("{path:?}: only a list can be filtered"));
        }
        (Some(filter), part) => {
            let mut items = take_list(user, attribute);
            filtered(&mut items, &filter, part, kind, value);
            user.insert(attribute.to_string(), Value::Array(items));
        }
    }
    Ok(())
}

/// The list an attribute holds, taken out to be changed and put back (an empty one when it
/// is missing or not a list).
fn take_list(user: &mut Map<String, Value>, attribute: &str) -> Vec<Value> {
    match user.remove(attribute) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// An operation on a whole attribute: `add` appends to a list and merges into `name`.
fn whole(user: &mut Map<String, Value>, attribute: &'static str, kind: Op, value: Value) {
    match kind {
        Op::Remove => {
            user.remove(attribute);
        }
        Op::Add if attribute == "emails" => {
            let mut items = take_list(user, attribute);
            match value {
                Value::Array(new) => items.extend(new),
                one => items.push(one),
            }
            user.insert(attribute.to_string(), Value::Array(items));
        }
        Op::Add if attribute == "name" => {
            let name = user
                .entry(attribute)
                .or_insert_with(|| Value::Object(Map::new()));
            if let (Value::Object(name), Value::Object(new)) = (name, value) {
                name.extend(new);
            }
        }
        _ => {
            user.insert(attribute.to_string(), value);
        }
    }
}

/// `name.givenName`, or `emails.type` (every e-mail's, as RFC 7644 §3.5.2 has it).
fn each_part(
    user: &mut Map<String, Value>,
    attribute: &'static str,
    part: &str,
    kind: Op,
    value: Value,
) {
    let key = part_key(attribute, part);
    let target = user.entry(attribute).or_insert_with(|| {
        if attribute == "emails" {
            Value::Array(vec![])
        } else {
            Value::Object(Map::new())
        }
    });
    let objects: Vec<&mut Value> = match target {
        Value::Array(items) => items.iter_mut().collect(),
        other => vec![other],
    };
    for o in objects {
        if let Value::Object(m) = o {
            if kind == Op::Remove {
                m.remove(&key);
            } else {
                m.insert(key.clone(), value.clone());
            }
        }
    }
}

/// `emails[type eq "work"]`, with or without a part after it.
fn filtered(
    items: &mut Vec<Value>,
    filter: &(String, Value),
    part: Option<String>,
    kind: Op,
    value: Value,
) {
    let attribute = "emails";
    let hit = items.iter().any(|e| matches(e, filter));
    match (kind, part) {
        (Op::Remove, None) => items.retain(|e| !matches(e, filter)),
        (Op::Remove, Some(part)) => {
            let key = part_key(attribute, &part);
            for e in items.iter_mut().filter(|e| matches(e, filter)) {
                if let Value::Object(m) = e {
                    m.remove(&key);
                }
            }
        }
        (_, Some(part)) if !hit => {
            // Entra ID adds `emails[type eq "work"].value` to a user without one.
            let mut new = Map::new();
            new.insert(part_key(attribute, &filter.0), filter.1.clone());
            new.insert(part_key(attribute, &part), value);
            items.push(Value::Object(new));
        }
        (_, Some(part)) => {
            let key = part_key(attribute, &part);
            for e in items.iter_mut().filter(|e| matches(e, filter)) {
                if let Value::Object(m) = e {
                    m.insert(key.clone(), value.clone());
                }
            }
        }
        (_, None) => {
            items.retain(|e| !matches(e, filter));
            match value {
                Value::Array(new) => items.extend(new),
                one => items.push(one),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Map<String, Value> {
        canonical(&json!({
            "userName": "jdoe@contoso.com", "active": true, "displayName": "J Doe",
            "emails": [{"value": "jdoe@contoso.com", "type": "work", "primary": true}]
        }))
    }

    #[test]
    fn okta_deactivation_without_a_path() {
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                          "Operations": [{"op": "replace", "value": {"active": false}}]});
        assert_eq!(apply(user(), &body).unwrap()["active"], json!(false));
    }

    #[test]
    fn entra_operations_with_paths() {
        let body = json!({"Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "john@contoso.com"},
            {"op": "Add", "path": "name.givenName", "value": "John"},
            {"op": "Replace", "path": "displayName", "value": "John Doe"},
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "R&D"},
            {"op": "Remove", "path": "externalId"}
        ]});
        let u = apply(user(), &body).unwrap();
        assert_eq!(u["active"], json!("False"));
        assert_eq!(u["emails"][0]["value"], json!("john@contoso.com"));
        assert_eq!(u["name"]["givenName"], json!("John"));
        assert_eq!(u["displayName"], json!("John Doe"));
        let empty = canonical(&json!({"userName": "x"}));
        let body = json!({"Operations": [
            {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "x@contoso.com"}]});
        let u = apply(empty, &body).unwrap();
        assert_eq!(
            u["emails"],
            json!([{"type": "work", "value": "x@contoso.com"}])
        );
    }

    #[test]
    fn bad_operations_are_refused() {
        for body in [
            json!({}),
            json!({"Operations": [{"op": "move", "path": "active"}]}),
            json!({"Operations": [{"op": "remove"}]}),
            json!({"Operations": [{"op": "replace", "path": "emails[type]", "value": 1}]}),
            json!({"Operations": [{"op": "remove", "path": "active"}]}),
        ] {
            assert!(apply(user(), &body).is_err(), "{body}");
        }
    }
}
