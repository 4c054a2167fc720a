//! Every kind of page through the Nu HTML Checker (vnu, the W3C validator's engine): 0 errors.
//!
//! vnu.jar comes from the `vnu-jar` npm package (`.ci/run` installs it) and runs on Java:
//! `MADOGUCHI_TEST_VNU_JAR` names the jar, else `$HOME/.cache/madoguchi/vnu/…/vnu.jar`. Without
//! it the test skips with a notice, except under CI.

use std::path::PathBuf;
use std::process::Command;

use diesel::prelude::*;
use madoguchi::db::schema::{cases::dsl, decisions};
use madoguchi::domain::role::Role;

use crate::helpers::{World, csrf_of, in_ci};
use crate::portal::spawn_portal;

pub fn vnu_jar() -> Option<PathBuf> {
    let candidates = std::env::var("MADOGUCHI_TEST_VNU_JAR")
        .ok()
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::var("HOME").ok().map(|home| {
            PathBuf::from(home).join(".cache/madoguchi/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
        }));
    let found = candidates.into_iter().find(|p| p.is_file());
    let java = Command::new("java").arg("-version").output().is_ok();
    match (found, java) {
        (Some(jar), true) => Some(jar),
        _ => {
            assert!(
                !in_ci(),
                "the Nu HTML checker is required under CI: npm install vnu-jar and Java"
            );
            eprintln!("skipping: no vnu.jar or no Java (set MADOGUCHI_TEST_VNU_JAR)");
            None
        }
    }
}

#[tokio::test]
async fn every_kind_of_page_passes_the_nu_html_checker() {
    let Some(jar) = vnu_jar() else { return };
    let world = World::new();
    let db = crate::helpers::seeded(&world, 60);
    let app = spawn_portal(&world, "national").await;
    let mut pages: Vec<(String, String)> = Vec::new();
    let mut keep = |name: &str, body: String| {
        assert!(body.starts_with("<!doctype html>"), "{name} is a page");
        pages.push((name.to_string(), body));
    };

    // The public pages, a 404 and the first-administrator setup.
    for path in ["/", "/request", "/case", "/staff/login", "/no/such/page"] {
        keep(path, app.get(path).await.body);
    }
    if let Some(link) = &app.setup_link {
        keep("setup", app.get(link).await.body);
    }
    // A principal's request, step by step (a form with errors too), then an agent's.
    let step = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move { app.submit(path, path, &fields).await }
    };
    let start = vec![
        ("kind", "disclosure"),
        ("requester_type", "principal"),
        ("consent", "2026-11-21"),
    ];
    keep("start-errors", step("/request", vec![]).await.body);
    step("/request", start).await;
    keep("/request/person", app.get("/request/person").await.body);
    keep(
        "person-errors",
        step("/request/person", vec![("name", "")]).await.body,
    );
    step(
        "/request/person",
        crate::workspace::person("hanako@example.jp"),
    )
    .await;
    keep("/request/content", app.get("/request/content").await.body);
    step(
        "/request/content",
        vec![("data_description", "診療記録"), ("period", "2024年")],
    )
    .await;
    keep("/request/delivery", app.get("/request/delivery").await.body);
    step("/request/delivery", vec![("delivery", "paper_by_post")]).await;
    keep("/request/review", app.get("/request/review").await.body);
    let csrf = csrf_of(&app.get("/request/review").await.body);
    app.post("/request/submit", &[("csrf", &csrf)]).await;
    keep("/request/sent", app.get("/request/sent").await.body);
    step(
        "/request",
        vec![
            ("kind", "disclosure"),
            ("requester_type", "appointed_agent"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    keep("person-agent", app.get("/request/person").await.body);
    step(
        "/request/person",
        vec![
            ("name", "山田 花子"),
            ("name_kana", "ヤマダ ハナコ"),
            ("birth_date", "1990-04-01"),
            ("postal_code", "231-8588"),
            ("address", "横浜市中区日本大通1"),
        ],
    )
    .await;
    keep("/request/agent", app.get("/request/agent").await.body);
    // A suspension: the measures, the grounds of Art. 98 by measure, the disclosure it follows.
    step(
        "/request",
        vec![
            ("kind", "suspension"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    step(
        "/request/person",
        crate::workspace::person("kei@example.jp"),
    )
    .await;
    keep("content-suspension", app.get("/request/content").await.body);
    keep(
        "content-suspension-errors",
        step("/request/content", vec![("data_description", "登録データ")])
            .await
            .body,
    );
    let case_path = app.requester_with_case("jiro@example.jp").await;
    keep("requester-case", app.get(&case_path).await.body);
    let letter = crate::letters::first_letter(&app.get(&case_path).await.body, &case_path);
    keep("requester-letter", app.get(&letter).await.body);
    // A link that finds no case, and a file that cannot be downloaded: what happened and what to do.
    keep("link-unknown", app.get("/case/no-such-link").await.body);
    keep(
        "download-gone",
        app.get(&format!("{case_path}/files/no-such-file"))
            .await
            .body,
    );
    keep(
        "withdraw",
        app.get(&format!("{case_path}/withdraw")).await.body,
    );
    // The consent history's withdrawal page, and the history once withdrawn (#26).
    let consent_page = crate::consents::withdraw_page(&app.get(&case_path).await.body, &case_path);
    let consent_form = app.get(&consent_page).await.body;
    keep("consent-withdraw", consent_form.clone());
    let withdrawn = app
        .post(
            &consent_page,
            &[("csrf", &crate::helpers::csrf_of(&consent_form))],
        )
        .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    keep(
        "requester-case-consent-withdrawn",
        app.get(&case_path).await.body,
    );

    // The help desk, each role on its pages.
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let auditor = app.staff(Role::Auditor, "audit@example.jp").await;
    let id = crate::workspace::case_id_from_queue(&app, &clerk).await;
    for path in [
        "/staff".to_string(),
        "/staff/cases".to_string(),
        "/staff/intake".to_string(),
        "/staff/trail".to_string(),
        "/staff/security".to_string(),
        format!("/staff/cases/{id}"),
    ] {
        keep(
            &format!("clerk{path}"),
            app.get_with(&clerk.client, &path).await.body,
        );
    }
    // A correction with the disclosure it follows, as staff see it (開示前置 to verify).
    crate::workspace::requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "correction"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            (
                "/request/person",
                crate::workspace::person("mika@example.jp"),
            ),
            (
                "/request/content",
                vec![
                    ("data_description", "住所"),
                    ("current_content", "旧"),
                    ("correct_content", "新"),
                    (
                        "prior_disclosure_on",
                        crate::helpers::RECENT_DISCLOSURE.as_str(),
                    ),
                ],
            ),
        ],
    )
    .await;
    let correction: String = db
        .with_writer(|c| {
            Ok(dsl::cases
                .filter(dsl::kind.eq("correction"))
                .order(dsl::created_at.desc())
                .select(dsl::id)
                .first(c)?)
        })
        .unwrap();
    keep(
        "clerk-correction",
        app.get_with(&clerk.client, &format!("/staff/cases/{correction}"))
            .await
            .body,
    );
    let (waiting, decided): (String, (String, String)) = db
        .with_writer(|c| {
            let waiting = dsl::cases
                .filter(dsl::state.eq("awaiting_approval"))
                .select(dsl::id)
                .first(c)?;
            let decided = decisions::table
                .filter(decisions::status.eq("approved"))
                .select((decisions::case_id, decisions::id))
                .first(c)?;
            Ok((waiting, decided))
        })
        .unwrap();
    for path in [
        "/staff/dashboard".to_string(),
        "/staff/statistics".to_string(),
        "/staff/register".to_string(),
        format!("/staff/cases/{waiting}"),
        format!("/staff/cases/{}/decisions/{}", decided.0, decided.1),
        format!("/staff/cases/{id}/draft?outcome=disclose"),
    ] {
        keep(
            &format!("approver{path}"),
            app.get_with(&boss.client, &path).await.body,
        );
    }
    for path in [
        "/staff/admin/profile",
        "/staff/admin/calendar",
        "/staff/admin/staff",
        "/staff/admin/fees",
        "/staff/admin/notices",
        "/staff/admin/notices/disclose",
        "/staff/admin/retention",
        "/staff/admin/security",
        "/staff/admin/letters",
    ] {
        keep(
            &format!("admin{path}"),
            app.get_with(&admin.client, path).await.body,
        );
    }
    keep(
        "auditor/staff/audit",
        app.get_with(&auditor.client, "/staff/audit").await.body,
    );
    // And in English.
    app.get("/lang/en?next=/").await;
    keep("en/", app.get("/").await.body);

    assert_valid(&jar, &pages);
}

/// The marks of fees nobody confirmed (docs/fees.md §9), on the public steps that quote them and
/// on the administrator's fee page with its confirm button: a Kanagawa operator's.
#[tokio::test]
async fn provisional_fee_pages_pass_the_nu_html_checker() {
    let Some(jar) = vnu_jar() else { return };
    let world = World::new();
    let app = spawn_portal(&world, "kanagawa").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let start = app.get("/request").await.body;
    let (delivery, review) = crate::admin_fees::delivery_and_review(&app).await;
    let fees = app.get_with(&admin.client, "/staff/admin/fees").await.body;
    for page in [&start, &delivery.body, &review.body, &fees] {
        assert!(page.contains("仮") || page.contains("未確認"), "marked");
    }
    assert_valid(
        &jar,
        &[
            ("kanagawa /request".into(), start),
            ("kanagawa /request/delivery".into(), delivery.body),
            ("kanagawa /request/review".into(), review.body),
            ("kanagawa /staff/admin/fees".into(), fees),
        ],
    );
}

/// Runs `pages` (name, HTML) through the Nu HTML Checker `jar`: 0 errors, or each named.
pub fn assert_valid(jar: &std::path::Path, pages: &[(String, String)]) {
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (name, body)) in pages.iter().enumerate() {
        let file = out.path().join(format!("{i:02}.html"));
        std::fs::write(&file, body).unwrap();
        files.push((file, name.clone()));
    }
    let checked = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(files.iter().map(|(f, _)| f))
        .output()
        .unwrap();
    let mut report = String::from_utf8_lossy(&checked.stderr).into_owned();
    report.push_str(&String::from_utf8_lossy(&checked.stdout));
    for (file, name) in &files {
        report = report.replace(&file.display().to_string(), name);
    }
    assert!(
        checked.status.success() && report.trim().is_empty(),
        "{} pages checked:\n{report}",
        files.len()
    );
}
