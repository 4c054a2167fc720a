//! Every route of the route table, read from the source where the table is written, tried by
//! every role: each answers as its access rule says, a route without a rule fails this test, and
//! none answers 5xx to any role or to arbitrary form input (a property test over every POST).

use madoguchi::domain::role::Role;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::helpers::{TestApp, World, client, csrf_of};

/// The files that hold the route table; no other file under `src/web` may add a route.
const TABLE: [&str; 3] = [
    "src/web/mod.rs",
    "src/web/portal/mod.rs",
    "src/web/staff/mod.rs",
];

/// (method, path pattern) for every route in the table.
fn routes() -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for file in TABLE {
        let source = std::fs::read_to_string(file).unwrap();
        let starts: Vec<usize> = source
            .match_indices(".route(")
            .chain(source.match_indices("limited("))
            .map(|(at, _)| at)
            .collect();
        for start in starts {
            let rest = &source[start..];
            let Some(open) = rest.find('"') else { continue };
            let literal = &rest[open + 1..];
            let path = &literal[..literal.find('"').unwrap()];
            if !path.starts_with('/') {
                continue;
            }
            let after = &literal[path.len()..];
            let end = after.find(".route(").unwrap_or(after.len());
            let call = &after[..end];
            let method = match (call.find("web::get()"), call.find("web::post()")) {
                (Some(g), Some(p)) if g < p => "GET",
                (Some(_), None) => "GET",
                (_, Some(_)) => "POST",
                _ => continue,
            };
            found.push((method, path.to_string()));
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn routes_are_added_only_in_the_route_table() {
    for entry in walk("src/web") {
        if TABLE
            .iter()
            .any(|t| entry.ends_with(t.trim_start_matches("src/web/")))
        {
            continue;
        }
        let source = std::fs::read_to_string(&entry).unwrap();
        assert!(
            !source.contains(".route(") && !source.contains("web::resource("),
            "{entry} adds a route outside the route table"
        );
    }
    assert!(routes().len() > 60, "the table was read: {:?}", routes());
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path.display().to_string()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.display().to_string());
        }
    }
    out
}

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    Public,
    /// Any signed-in member of staff.
    Signed,
    Roles(&'static [Role]),
}

const WORKERS: &[Role] = &[Role::Staff, Role::Approver];

/// The access rule of every route. A route added to the table without a rule here fails.
fn access(method: &str, path: &str) -> Access {
    let approver_only = [
        "/staff/cases/{id}/assign",
        "/staff/cases/{id}/waive",
        "/staff/cases/{id}/approve",
        "/staff/cases/{id}/return",
    ];
    match path {
        p if !p.starts_with("/staff") => Access::Public,
        "/staff/login" | "/staff/login/code" => Access::Public,
        "/staff"
        | "/staff/logout"
        | "/staff/logout-everywhere"
        | "/staff/password"
        | "/staff/trail" => Access::Signed,
        p if p.starts_with("/staff/security") => Access::Signed,
        p if p.starts_with("/staff/admin/") => Access::Roles(&[Role::Admin]),
        "/staff/audit" | "/staff/audit.csv" => Access::Roles(&[Role::Auditor]),
        "/staff/dashboard"
        | "/staff/statistics"
        | "/staff/statistics.csv"
        | "/staff/register"
        | "/staff/register.csv" => Access::Roles(&[Role::Approver]),
        p if approver_only.contains(&p) => Access::Roles(&[Role::Approver]),
        p if p.starts_with("/staff/cases") || p == "/staff/intake" => Access::Roles(WORKERS),
        other => panic!("{method} {other} has no access rule in tests/app/route_table.rs"),
    }
}

fn concrete(path: &str, case_id: &str) -> String {
    path.replace("{id}", case_id)
        .replace("{token}", "not-a-real-token")
        .replace("{document}", "00000000-0000-0000-0000-000000000000")
        .replace("{decision}", "00000000-0000-0000-0000-000000000000")
        .replace("{letter}", "00000000-0000-0000-0000-000000000000")
        .replace("{consent}", "00000000-0000-0000-0000-000000000000")
        .replace("{code}", "en")
        .replace("{outcome}", "disclosed")
}

async fn request(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
    form: &[(String, String)],
) -> (u16, Option<String>) {
    let url = app.url(path);
    let response = if method == "GET" {
        client.get(url).send().await.unwrap()
    } else {
        client.post(url).form(form).send().await.unwrap()
    };
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (response.status().as_u16(), location)
}

#[tokio::test]
async fn every_route_answers_every_role_as_its_rule_says() {
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "national").await;
    app.requester_with_case("route@example.jp").await;
    let case_id = world_case_id(&world);
    let emails: Vec<(Role, &str)> = [
        (Role::Staff, "staff@example.jp"),
        (Role::Approver, "approver@example.jp"),
        (Role::Admin, "admin@example.jp"),
        (Role::Auditor, "auditor@example.jp"),
    ]
    .into_iter()
    .collect();
    for (role, email) in &emails {
        app.staff(*role, email).await;
    }
    let mut checked = 0;
    for (method, pattern) in routes() {
        let rule = access(method, &pattern);
        let path = concrete(&pattern, &case_id);
        // A visitor who is not signed in.
        let visitor = client();
        let csrf = csrf_of(&app.get_with(&visitor, "/staff/login").await.body);
        let form = vec![("csrf".to_string(), csrf)];
        let (status, location) = request(&app, &visitor, method, &path, &form).await;
        assert!(status < 500, "{method} {path} as a visitor: {status}");
        if rule != Access::Public {
            let to_login = status == 303
                && location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/staff/login"));
            assert!(
                to_login || (method == "POST" && status == 400),
                "{method} {path} let a visitor in: {status} {location:?}"
            );
        }
        // Each role, signed in afresh (a POST may sign out or change what it acts on).
        for (role, email) in &emails {
            let member = client();
            let signed = app
                .sign_in(&member, email, crate::workspace::PASSWORD)
                .await;
            assert_eq!(signed.status, 303);
            let csrf = csrf_of(&app.get_with(&member, "/staff").await.body);
            let form = vec![("csrf".to_string(), csrf)];
            let (status, location) = request(&app, &member, method, &path, &form).await;
            assert!(status < 500, "{method} {path} as {role:?}: {status}");
            let allowed = match rule {
                // A public page answers as it answers anyone (the code page sends whoever has
                // no password step pending back to sign in).
                Access::Public => continue,
                Access::Signed => true,
                Access::Roles(roles) => roles.contains(role),
            };
            if allowed && path.contains("logout") {
                // Signing out ends at the sign-in page.
                assert_eq!(status, 303, "{method} {path} as {role:?}");
            } else if allowed {
                assert!(
                    status != 403
                        && !location
                            .as_deref()
                            .is_some_and(|l| l.starts_with("/staff/login")),
                    "{method} {path} refused {role:?}: {status} {location:?}"
                );
            } else {
                // Extractors run together: a body the route cannot read (a plain form posted to
                // an upload) may be refused before the role is, which lets nobody in either.
                let refused = status == 403 || (method == "POST" && matches!(status, 400 | 415));
                assert!(
                    refused,
                    "{method} {path} let {role:?} in: {status} {location:?}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 80, "{checked} routes checked");
}

pub fn world_case_id(world: &World) -> String {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    use diesel::{Connection, RunQueryDsl};
    let sql = "SELECT id FROM cases LIMIT 1";
    let rows: Vec<Id> = match world.database_url.strip_prefix("sqlite://") {
        Some(path) => {
            let mut conn = diesel::SqliteConnection::establish(path).unwrap();
            diesel::sql_query(sql).load(&mut conn).unwrap()
        }
        None => {
            let mut conn = diesel::PgConnection::establish(&world.database_url).unwrap();
            diesel::sql_query(sql).load(&mut conn).unwrap()
        }
    };
    rows.into_iter().next().expect("a case").id
}

/// Every field name any form of the product uses (read from the templates).
fn field_names() -> Vec<String> {
    let mut names = std::collections::BTreeSet::new();
    for entry in walk_templates("templates") {
        let text = std::fs::read_to_string(entry).unwrap();
        for part in text.split("name=\"").skip(1) {
            let name = &part[..part.find('"').unwrap_or(0)];
            if !name.is_empty() && !name.contains('{') && name != "csrf" {
                names.insert(name.to_string());
            }
        }
    }
    names.into_iter().collect()
}

fn walk_templates(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_templates(&path.display().to_string()));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}

/// Arbitrary input to every POST route, as a case worker and an administrator would send it with
/// a valid token: whatever the fields hold (empty, huge, control characters, other scripts,
/// numbers, dates, repeated fields), the answer is never 5xx. Bounded in time.
#[tokio::test]
async fn no_form_input_gets_a_5xx() {
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "national").await;
    app.requester_with_case("fuzz@example.jp").await;
    let case_id = world_case_id(&world);
    let approver = app.staff(Role::Approver, "approver@example.jp").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let names = field_names();
    let value = prop_oneof![
        Just(String::new()),
        "[0-9]{1,12}",
        "-?[0-9０-９,，]{1,9}円?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "\\PC{0,40}",
        "[\\x00-\\x1f\\u{202e}a]{1,5}",
        Just("x".repeat(70_000)),
        Just("令和8年2月30日".to_string()),
    ];
    let field = (proptest::sample::select(names), value);
    let form_strategy = proptest::collection::vec(field, 0..8);
    let mut runner = TestRunner::deterministic();
    let posts: Vec<String> = routes()
        .into_iter()
        .filter(|(m, p)| *m == "POST" && !p.contains("logout"))
        .map(|(_, p)| concrete(&p, &case_id))
        .collect();
    let started = std::time::Instant::now();
    let mut tried = 0;
    'outer: for round in 0..6 {
        for path in &posts {
            if started.elapsed() > std::time::Duration::from_secs(60) {
                break 'outer;
            }
            let who = if path.starts_with("/staff/admin") {
                &admin.client
            } else {
                &approver.client
            };
            let csrf = csrf_of(&app.get_with(who, "/staff").await.body);
            let mut form: Vec<(String, String)> =
                form_strategy.new_tree(&mut runner).unwrap().current();
            if round % 2 == 0 {
                form.push(("csrf".into(), csrf));
            }
            let (status, _) = request(&app, who, "POST", path, &form).await;
            assert!(status < 500, "POST {path} with {form:?}: {status}");
            tried += 1;
        }
    }
    assert!(
        tried >= posts.len(),
        "every POST route tried at least once ({tried})"
    );
}
