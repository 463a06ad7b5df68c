//! The plan of an import read from YAML: parsing, namespaces, the hierarchy, kinds.

use super::names::wanted_username;
use super::*;
use crate::org::backstage::import::parse_mapping;
use crate::people::model::MAX_USERNAME;

fn src(text: &str) -> Vec<Source> {
    vec![Source {
        name: "org.yaml".into(),
        text: text.into(),
    }]
}

fn plan_of(yaml: &str, map: &[&str]) -> AppResult<Plan> {
    let (docs, _) = parse(&src(yaml))?;
    let map = map.iter().map(|m| parse_mapping(m).unwrap()).collect();
    plan(
        &docs,
        &Options {
            map,
            ..Default::default()
        },
    )
}

fn group<'a>(p: &'a Plan, r: &str) -> &'a GroupPlan {
    p.groups
        .iter()
        .find(|g| g.entity.to_string() == r)
        .unwrap_or_else(|| panic!("no group {r}"))
}

fn user<'a>(p: &'a Plan, r: &str) -> &'a UserPlan {
    p.users
        .iter()
        .find(|u| u.entity.to_string() == r)
        .unwrap_or_else(|| panic!("no user {r}"))
}

fn members(g: &GroupPlan) -> Vec<String> {
    g.members.keys().map(|r| r.to_string()).collect()
}

#[test]
fn parse_errors_name_file_and_document() {
    let err = parse(&src(
        "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: a}\n---\nkind: [oops\n",
    ))
    .err()
    .unwrap();
    assert!(
        err.to_string().starts_with("org.yaml, document 2:"),
        "{err}"
    );
    let err = parse(&src("apiVersion: v1\nkind: Group\nmetadata: {name: a}\n"))
        .err()
        .unwrap();
    assert!(err.to_string().contains("document 1: apiVersion"), "{err}");
}

#[test]
fn both_tribe_directions_are_reconciled() {
    let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: core}
spec: {type: tribe, children: [group:default/pay]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: pay}
spec: {type: team}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web}
spec: {type: squad, parent: core}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: dept}
spec: {type: department, members: [zed]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: svc}
";
    let (docs, others) = parse(&src(yaml)).unwrap();
    assert_eq!(others, 1);
    let p = plan(&docs, &Options::default()).unwrap();
    let tribe = |n: &str| {
        group(&p, &format!("group:default/{n}"))
            .tribe
            .as_ref()
            .map(|t| t.to_string())
    };
    assert_eq!(tribe("pay").as_deref(), Some("group:default/core"));
    assert_eq!(tribe("web").as_deref(), Some("group:default/core"));
    assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
    assert!(p.skipped[0].contains("--map department=KIND"));
    assert!(
        p.users.iter().any(|u| u.username == "zed"),
        "members of skipped groups are people"
    );
    let mapped = plan_of(yaml, &["department=guild"]).unwrap();
    assert!(mapped.skipped.is_empty(), "{:?}", mapped.skipped);
    let conflict = yaml
        .replace(
            "spec: {type: squad, parent: core}",
            "spec: {type: squad, parent: other}",
        )
        .replace(
            "children: [group:default/pay]",
            "children: [group:default/pay, web]",
        );
    let err = plan_of(&conflict, &[]).err().unwrap();
    assert!(err.to_string().contains("lists it as a child"), "{err}");
}

#[test]
fn mappings() {
    assert_eq!(
        parse_mapping("Department=tribe").unwrap(),
        ("department".into(), UnitKind::Tribe)
    );
    assert!(parse_mapping("department").is_err());
    assert!(parse_mapping("department=team").is_err());
}

/// Shaped like Backstage's example org: a `guest` in `default` and one in `development`,
/// and a group of the same name in both namespaces.
const NAMESPACES: &str = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, namespace: development}
spec: {type: team, children: [], members: [bob, user:default/ann]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest}
spec: {memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: development}
spec: {memberOf: [group:default/team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: carl, namespace: development}
spec: {memberOf: [team-a, team-b]}
";

#[test]
fn entities_in_other_namespaces_are_other_entities() {
    let p = plan_of(NAMESPACES, &[]).expect("two guests are not one defined twice");
    let guest = user(&p, "user:default/guest");
    assert_eq!(guest.username, "guest");
    assert!(guest.is_natural());
    let dev_guest = user(&p, "user:development/guest");
    assert_eq!(dev_guest.username, "development-guest");
    assert!(!dev_guest.is_natural(), "its ref is stored");
    let a = group(&p, "group:default/team-a");
    let dev_a = group(&p, "group:development/team-a");
    assert_eq!((a.slug.as_str(), a.backstage_ref.as_str()), ("team-a", ""));
    assert_eq!(dev_a.slug, "development-team-a", "no clash with team-a");
    assert_eq!(dev_a.backstage_ref, "group:development/team-a");
    assert_eq!(a.backstage_type, "team", "kept for the export");
    // Names compare without case, as in Backstage: `Guest` is `guest`.
    let dup = format!(
        "{NAMESPACES}---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {{name: Guest, namespace: development}}\n"
    );
    let err = plan_of(&dup, &[]).err().expect("the same entity twice");
    assert!(
        err.to_string()
            .contains("\"development/guest\" is defined twice"),
        "{err}"
    );
}

#[test]
fn refs_without_a_namespace_are_in_the_referencing_entitys_namespace() {
    let p = plan_of(NAMESPACES, &[]).unwrap();
    assert_eq!(
        members(group(&p, "group:default/team-a")),
        ["user:default/guest", "user:development/guest"],
        "guest's short memberOf stays in default; development/guest names default"
    );
    assert_eq!(
        members(group(&p, "group:development/team-a")),
        [
            "user:default/ann",
            "user:development/bob",
            "user:development/carl"
        ],
        "short members are in the group's namespace, carl's short memberOf in his"
    );
    assert_eq!(user(&p, "user:development/bob").username, "development-bob");
    assert_eq!(user(&p, "user:default/ann").username, "ann");
    assert!(
        p.skipped.iter().any(|s| s.starts_with(
            "membership of development/carl in development/team-b (org.yaml, document 5): no such group"
        )),
        "team-b is looked for in carl's namespace: {:?}",
        p.skipped
    );
    // Fields and annotations resolve the same way.
    let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: core
  namespace: ops
  annotations:
    fika.dev/roles: ada=tribe lead
    fika.dev/memberships: |-
      ada=tribe lead from 2024-02-01
      default/bea=member from 2024-02-01 to 2025-06-30
spec: {type: tribe, children: [web]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web, namespace: ops}
spec: {type: squad, children: []}
";
    let p = plan_of(yaml, &[]).unwrap();
    let core = group(&p, "group:ops/core");
    assert_eq!(members(core), ["user:ops/ada"]);
    let dated: Vec<String> = core.dated.iter().map(|d| d.user.to_string()).collect();
    assert_eq!(dated, ["user:ops/ada", "user:default/bea"]);
    assert_eq!(
        group(&p, "group:ops/web")
            .tribe
            .as_ref()
            .map(|t| t.to_string())
            .as_deref(),
        Some("group:ops/core")
    );
    assert_eq!(
        user(&p, "user:default/bea").username,
        "bea",
        "past members are people"
    );
    assert_eq!(user(&p, "user:ops/ada").username, "ops-ada");
}

#[test]
fn usernames_fit_and_annotations_win() {
    let at = "here";
    let long = EntityRef::new("user", "a-very-long-namespace-name", "firstname.lastname");
    let u = wanted_username(&long, None, at).unwrap();
    assert_eq!(u, "a-very-long-namespace-name-first");
    assert_eq!(u.len(), MAX_USERNAME);
    let cut = EntityRef::new("user", "default", "abcdefghijklmnopqrstuvwxyz01234.x");
    assert_eq!(
        wanted_username(&cut, None, at).unwrap(),
        "abcdefghijklmnopqrstuvwxyz01234",
        "no separator left at the end"
    );
    let guest = EntityRef::new("user", "development", "guest");
    assert_eq!(
        wanted_username(&guest, Some("dev-guest"), at).unwrap(),
        "dev-guest"
    );
    assert!(wanted_username(&EntityRef::new("user", "default", "x"), None, at).is_err());
}

/// Backstage's example hierarchy: organization → department → sub-department → team.
const DEEP: &str = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: acme-corp}
spec: {type: organization, children: [infrastructure]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: infrastructure}
spec: {type: department, parent: acme-corp, children: [backstage]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: backstage}
spec: {type: sub-department, parent: infrastructure, children: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-e}
spec: {type: team, parent: backstage, children: []}
";

#[test]
fn a_deeper_hierarchy_is_reported_group_by_group() {
    let p = plan_of(DEEP, &["department=tribe"]).unwrap();
    for team in ["team-a", "team-e"] {
        let g = group(&p, &format!("group:default/{team}"));
        assert_eq!(
            g.tribe.as_ref().map(|t| t.to_string()).as_deref(),
            Some("group:default/infrastructure"),
            "{team}: from its parent or from the children that list it"
        );
        assert!(!g.tribe_outside);
    }
    let has = |p: &Plan, line: &str| {
        assert!(
            p.skipped.iter().any(|s| s == line),
            "{line}\nnot in {:#?}",
            p.skipped
        )
    };
    has(
        &p,
        "parent backstage of team-a (org.yaml, document 4): a skipped \"sub-department\" group, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
    );
    has(
        &p,
        "parent backstage of team-e (org.yaml, document 5): a skipped \"sub-department\" group, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
    );
    has(
        &p,
        "group acme-corp (org.yaml, document 1): type \"organization\" is not mapped; use --map organization=KIND",
    );
    has(
        &p,
        "group backstage (org.yaml, document 3): type \"sub-department\" is not mapped; use --map sub-department=KIND",
    );
    has(
        &p,
        "parent acme-corp of infrastructure (org.yaml, document 2): a skipped \"organization\" group; a tribe belongs to no other group in fika, so the link is not kept",
    );
    assert_eq!(p.skipped.len(), 5, "{:#?}", p.skipped);
    assert_eq!(
        group(&p, "group:default/infrastructure").backstage_type,
        "department"
    );

    // A mapped group that is no tribe is passed the same way.
    let p = plan_of(DEEP, &["department=tribe", "sub-department=guild"]).unwrap();
    has(
        &p,
        "parent backstage of team-a (org.yaml, document 4): a guild, not a tribe; placed in tribe infrastructure, its nearest tribe ancestor",
    );
    // Nothing above is a tribe: the squad stands alone, and the report says so.
    let p = plan_of(DEEP, &[]).unwrap();
    assert!(group(&p, "group:default/team-a").tribe.is_none());
    has(
        &p,
        "parent backstage of team-a (org.yaml, document 4): a skipped \"sub-department\" group, not a tribe, and no group above it is a tribe; team-a belongs to no tribe",
    );
    // A cycle ends the walk.
    let cyclic = DEEP.replace("parent: acme-corp", "parent: backstage");
    let p = plan_of(&cyclic, &[]).unwrap();
    assert!(group(&p, "group:default/team-a").tribe.is_none());
}

#[test]
fn fikas_kind_comes_back_without_a_map() {
    let yaml = "
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: infrastructure
  annotations: {fika.dev/kind: tribe}
spec: {type: department, children: []}
";
    let p = plan_of(yaml, &[]).unwrap();
    let g = group(&p, "group:default/infrastructure");
    assert_eq!(
        (g.kind, g.backstage_type.as_str()),
        (UnitKind::Tribe, "department")
    );
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    let p = plan_of(yaml, &["department=guild"]).unwrap();
    assert_eq!(
        group(&p, "group:default/infrastructure").kind,
        UnitKind::Guild,
        "--map wins"
    );
    let err = plan_of(&yaml.replace("kind: tribe", "kind: boss"), &[])
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("fika.dev/kind: \"boss\" is not a kind"),
        "{err}"
    );
    // A type that is the kind's name is not kept: the export writes it anyway.
    let p = plan_of(&yaml.replace("type: department", "type: Tribe"), &[]).unwrap();
    assert_eq!(group(&p, "group:default/infrastructure").backstage_type, "");
}
