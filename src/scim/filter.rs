//! The SCIM filters identity providers send to find a user before they create one:
//! `userName eq "…"` (Okta, Entra ID), `externalId eq "…"` (Entra ID), `id eq "…"` and
//! `emails.value eq "…"`. Attribute names and the operator are compared without regard to
//! case, as RFC 7644 says; anything else is refused with `invalidFilter`.

/// What a list of users is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    All,
    UserName(String),
    ExternalId(String),
    Id(String),
    Email(String),
}

/// Reads a filter; the error is the message for an `invalidFilter` answer.
pub fn parse(text: Option<&str>) -> Result<Filter, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Filter::All);
    };
    let unsupported = || {
        format!(
            "fika understands the filters userName eq \"…\", externalId eq \"…\", id eq \"…\" \
             and emails.value eq \"…\", not {text:?}"
        )
    };
    let mut parts = text.splitn(3, char::is_whitespace);
    let (Some(attr), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(unsupported());
    };
    if !op.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    // The value is a JSON string literal: quotes and escapes as JSON has them.
    let value: String = serde_json::from_str(value.trim()).map_err(|_| unsupported())?;
    let attr = attr
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:User:")
        .unwrap_or(attr)
        .to_ascii_lowercase();
    match attr.as_str() {
        "username" => Ok(Filter::UserName(value)),
        "externalid" => Ok(Filter::ExternalId(value)),
        "id" => Ok(Filter::Id(value)),
        "emails.value" | "emails" => Ok(Filter::Email(value)),
        _ => Err(unsupported()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_providers_send_are_read() {
        let cases = [
            (None, Filter::All),
            (
                Some("userName eq \"ana@corp.example\""),
                Filter::UserName("ana@corp.example".into()),
            ),
            (
                Some("USERNAME EQ \"a\\\"b\""),
                Filter::UserName("a\"b".into()),
            ),
            (
                Some("externalId eq \"0a1b\""),
                Filter::ExternalId("0a1b".into()),
            ),
            (
                Some("emails.value eq \"x@y.z\""),
                Filter::Email("x@y.z".into()),
            ),
            (Some("id eq \"42\""), Filter::Id("42".into())),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want), "{text:?}");
        }
        for bad in [
            "userName sw \"a\"",
            "title eq \"x\"",
            "userName eq a",
            "userName",
        ] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
