//! The `fika.dev/…` annotations of a group that carry what Backstage has no field for:
//! roles, dated memberships and initiatives.

use super::super::{ANN_INITIATIVES, ANN_MEMBERSHIPS, ANN_ROLES, DatedMembership, EntityRef};
use super::{bad, ref_in};
use crate::error::AppResult;
use crate::org::unit::{Role, Stage};

/// The entries of an annotation written one a line (or `; `-separated).
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// `alice=product owner; bob=chapter lead`
pub(super) fn roles_annotation(
    text: &str,
    group: &EntityRef,
    at: &str,
) -> AppResult<Vec<(EntityRef, Role)>> {
    let mut out = Vec::new();
    for part in entries(text) {
        let (user, role) = part
            .split_once('=')
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {part:?} is not user=role")))?;
        let role = Role::parse(role)
            .ok_or_else(|| bad(at, format!("{ANN_ROLES}: {role:?} is not a role")))?;
        out.push((ref_in(user, "user", group, at)?, role));
    }
    Ok(out)
}

/// `ada=member from 2024-02-01 to 2025-06-30` lines.
pub(super) fn memberships_annotation(
    text: &str,
    group: &EntityRef,
    at: &str,
) -> AppResult<Vec<DatedMembership>> {
    entries(text)
        .map(|line| {
            let m = DatedMembership::parse(line, &group.namespace)
                .map_err(|m| bad(at, format!("{ANN_MEMBERSHIPS}: {m}")))?;
            if m.user.kind != "user" {
                return Err(bad(
                    at,
                    format!("{ANN_MEMBERSHIPS}: {line:?} names a {}", m.user.kind),
                ));
            }
            Ok(m)
        })
        .collect()
}

/// `build\tName\tDescription` lines.
pub(super) fn initiatives_annotation(
    text: &str,
    at: &str,
) -> AppResult<Vec<(Stage, String, String)>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.splitn(3, '\t');
        let stage = parts.next().and_then(Stage::parse).ok_or_else(|| {
            bad(
                at,
                format!("{ANN_INITIATIVES}: {line:?} does not start with a stage"),
            )
        })?;
        let name = parts.next().unwrap_or("").trim().to_string();
        if name.is_empty() {
            return Err(bad(at, format!("{ANN_INITIATIVES}: {line:?} has no name")));
        }
        out.push((stage, name, parts.next().unwrap_or("").trim().to_string()));
    }
    Ok(out)
}
