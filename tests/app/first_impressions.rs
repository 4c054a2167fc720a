//! What a newcomer, a browser's autofill and a standard tool meet first (issue #27).

use crate::helpers::{TestApp, World};
use crate::portal::spawn_portal;

async fn step(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    app.submit(path, path, fields).await
}

/// The `autocomplete` token of the input named `name`, if any.
fn autocomplete_of(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let start = body[..at].rfind("<input")?;
    let end = at + body[at..].find('>')?;
    let tag = &body[start..end];
    let token_at = tag.find("autocomplete=\"")? + "autocomplete=\"".len();
    let token_end = token_at + tag[token_at..].find('"')?;
    Some(tag[token_at..token_end].to_string())
}

#[tokio::test]
async fn every_page_has_a_description_and_an_icon_and_favicon_ico_is_served() {
    let app = World::new().spawn().await;
    let home = app.get("/").await;
    assert!(home.body.contains("<meta name=\"description\" content=\""));
    assert!(home.body.contains("rel=\"icon\""));
    for (path, kind) in [
        ("/favicon.ico", "image/x-icon"),
        ("/static/img/favicon.svg", "image/svg+xml"),
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], kind, "{path}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn a_person_gets_their_own_autofill_on_one_line_address_tokens() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "disclosure"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    let person = app.get("/request/person").await;
    assert_eq!(person.status, 200);
    assert!(!person.body.contains("street-address"), "one-line inputs");
    for (field, token) in [
        ("name", "name"),
        ("birth_date", "bday"),
        ("postal_code", "postal-code"),
        ("address", "address-line1"),
        ("phone", "tel"),
        ("email", "email"),
    ] {
        assert_eq!(
            autocomplete_of(&person.body, field).as_deref(),
            Some(token),
            "{field}"
        );
    }
}

#[tokio::test]
async fn an_agent_is_not_offered_their_own_details_for_the_principal() {
    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "suspension"),
            ("requester_type", "appointed_agent"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    let person = app.get("/request/person").await;
    assert_eq!(person.status, 200);
    for field in [
        "name",
        "birth_date",
        "postal_code",
        "address",
        "phone",
        "email",
    ] {
        assert_eq!(
            autocomplete_of(&person.body, field).as_deref(),
            Some("off"),
            "the principal's {field} is not the device owner's"
        );
    }
    let to_agent = step(
        &app,
        "/request/person",
        &[
            ("name", "山田 花子"),
            ("name_kana", "やまだ はなこ"),
            ("birth_date", "1990/4/1"),
            ("postal_code", "2318588"),
            ("address", "神奈川県横浜市中区日本大通1"),
        ],
    )
    .await;
    assert_eq!(to_agent.location.as_deref(), Some("/request/agent"));
    let agent = app.get("/request/agent").await;
    for (field, token) in [
        ("agent_name", "name"),
        ("agent_postal_code", "postal-code"),
        ("agent_address", "address-line1"),
        ("agent_phone", "tel"),
        ("agent_email", "email"),
    ] {
        assert_eq!(
            autocomplete_of(&agent.body, field).as_deref(),
            Some(token),
            "the agent's own {field}"
        );
    }
}

#[tokio::test]
async fn notices_carry_reply_to_auto_submitted_and_the_operators_signature() {
    let world = World::new();
    let app = world
        .spawn_with(|vars| {
            vars.insert("MADOGUCHI_MAIL_POLL_SECONDS".into(), "1".into());
            vars.insert(
                "MADOGUCHI_MAIL_FROM".into(),
                "窓口 <madoguchi@example.jp>".into(),
            );
            vars.insert(
                "MADOGUCHI_MAIL_REPLY_TO".into(),
                "相談窓口 <soudan@example.jp>".into(),
            );
        })
        .await;
    app.submitted_request("hanako@example.jp").await;
    crate::portal::wait_for_mails(&world, 1).await;
    let sent = world.mail.messages();
    let raw = &sent[0].raw;
    crate::helpers::check_mail_headers(raw).unwrap();
    let message = mail_parser::MessageParser::default().parse(raw).unwrap();
    let reply_to = message.reply_to().and_then(|a| a.first()).unwrap();
    assert_eq!(reply_to.address(), Some("soudan@example.jp"));
    assert_eq!(
        message.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    let text = message.body_text(0).unwrap().replace("\r\n", "\n");
    let signature = text.split("\n-- \n").nth(1).unwrap();
    for line in [
        "お問い合わせ / Contact: soudan@example.jp",
        "受付時間: ",
        "Office hours: ",
        "http://127.0.0.1:",
    ] {
        assert!(signature.contains(line), "{line} in {signature}");
    }
}

fn madoguchi(world: &World) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MADOGUCHI_DATA_DIR", world.data_dir.path())
        .env("DATABASE_URL", &world.database_url)
        .current_dir(world.data_dir.path());
    cmd
}

#[test]
fn a_command_whose_reader_goes_away_ends_quietly() {
    let world = World::new();
    for args in [
        &["calendar", "holidays", "--from", "1980", "--to", "2099"][..],
        &["keys"][..],
        &["--help"][..],
    ] {
        // The reading end is closed before the command starts: its first write meets EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = madoguchi(&world)
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
            .wait_with_output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(
            out.status.code().is_some(),
            "{args:?} ended by a signal: {:?}",
            out.status
        );
    }
}

#[test]
fn help_lists_every_environment_variable() {
    let world = World::new();
    let help = madoguchi(&world).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Environment variables / 環境変数"));
    for (name, default, _) in madoguchi::config::VARIABLES {
        assert!(text.contains(name), "{name} in --help");
        assert!(
            default.is_empty() || text.contains(&format!("[default: {default}]")),
            "{name}"
        );
    }
}

#[tokio::test]
async fn staff_added_before_the_first_administrator_leaves_the_setup_link_working() {
    let world = World::new();
    let app = world.spawn().await;
    let link = app.setup_link.clone().expect("a setup link");
    let out = madoguchi(&world)
        .args([
            "staff",
            "add",
            "--email",
            "clerk@example.jp",
            "--role",
            "staff",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("no administrator exists yet"), "{stdout}");
    assert!(
        stdout.contains("管理者はまだ登録されていません"),
        "{stdout}"
    );
    let form = app.get(&link).await;
    assert_eq!(
        form.status, 200,
        "the link still creates the first administrator"
    );
    app.create_first_admin("admin@example.jp", "a long enough passphrase")
        .await;
    assert!(app.get("/staff").await.body.contains("管理者"));
    let restarted = world.spawn().await;
    assert!(restarted.setup_link.is_none(), "an administrator exists");
    let out = madoguchi(&world)
        .args([
            "staff",
            "add",
            "--email",
            "clerk2@example.jp",
            "--role",
            "staff",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("no administrator"));
}

#[tokio::test]
async fn seeded_cases_waiting_for_approval_have_a_draft_and_a_readable_timeline() {
    use diesel::prelude::*;
    use madoguchi::db::schema::cases::dsl;
    use madoguchi::domain::role::Role;

    let world = World::new();
    let db = crate::helpers::seeded(&world, 120);
    let app = spawn_portal(&world, "national").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let waiting: Vec<String> = db
        .with_writer(|c| {
            Ok(dsl::cases
                .filter(dsl::state.eq("awaiting_approval"))
                .select(dsl::id)
                .load(c)?)
        })
        .unwrap();
    assert!(
        !waiting.is_empty(),
        "the seed makes cases waiting for approval"
    );
    for id in waiting {
        let page = app
            .get_with(&boss.client, &format!("/staff/cases/{id}"))
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!("/staff/cases/{id}/approve")),
            "a draft to approve on {id}"
        );
        assert!(
            page.body.contains("デモ用データとして作成"),
            "the seeded event"
        );
    }
}

/// The links of the site header's menu.
fn menu(body: &str) -> &str {
    let start = body.find("site-header__nav").expect("menu");
    let end = start + body[start..].find("</nav>").expect("end of menu");
    &body[start..end]
}

#[tokio::test]
async fn the_menu_offers_only_the_pages_each_role_can_open() {
    use madoguchi::domain::role::Role;

    let world = World::new();
    let app = world.spawn().await;
    for (role, email, shown, hidden) in [
        (
            Role::Staff,
            "clerk@example.jp",
            &["/staff/cases", "/staff/intake", "/staff/trail"][..],
            &["/staff/dashboard", "/staff/admin/", "/staff/audit"][..],
        ),
        (
            Role::Approver,
            "boss@example.jp",
            &["/staff/cases", "/staff/intake", "/staff/dashboard"][..],
            &["/staff/admin/", "/staff/audit"][..],
        ),
        (
            Role::Admin,
            "admin@example.jp",
            &["/staff/admin/profile", "/staff/trail"][..],
            &[
                "/staff/cases",
                "/staff/intake",
                "/staff/dashboard",
                "/staff/audit",
            ][..],
        ),
        (
            Role::Auditor,
            "audit@example.jp",
            &["/staff/audit", "/staff/trail"][..],
            &[
                "/staff/cases",
                "/staff/intake",
                "/staff/dashboard",
                "/staff/admin/",
            ][..],
        ),
    ] {
        let who = app.staff(role, email).await;
        let home = app.get_with(&who.client, "/staff/trail").await;
        assert_eq!(home.status, 200);
        let nav = menu(&home.body);
        for link in shown {
            assert!(
                nav.contains(&format!("href=\"{link}")),
                "{role:?} sees {link}"
            );
            let page = app.get_with(&who.client, link).await;
            assert_eq!(page.status, 200, "{role:?} can open {link}");
        }
        for link in hidden {
            assert!(
                !nav.contains(&format!("href=\"{link}")),
                "{role:?}: no {link}"
            );
        }
    }
}

#[tokio::test]
async fn a_reply_by_date_on_a_closed_day_becomes_the_next_office_day() {
    use madoguchi::domain::role::Role;

    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    app.requester_with_case("hanako@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = crate::workspace::case_id_from_queue(&app, &clerk).await;
    let page = crate::workspace::case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("次の開庁日"),
        "the reply-by field explains office days"
    );
    // The first Sunday at least a month ahead.
    let mut sunday =
        madoguchi::domain::deadline::jst_date(chrono::Utc::now()) + chrono::Duration::days(30);
    while chrono::Datelike::weekday(&sunday) != chrono::Weekday::Sun {
        sunday += chrono::Duration::days(1);
    }
    let calendar = madoguchi::domain::profile::ProfileName::National
        .profile()
        .calendar([]);
    let expected = calendar.next_office_day_on_or_after(sunday);
    assert_ne!(expected, sunday);
    crate::workspace::ask_for_correction(&app, &clerk, &id, &sunday.format("%Y-%m-%d").to_string())
        .await;
    let page = crate::workspace::case_page(&app, &clerk, &id).await;
    assert!(
        page.contains(&format!(
            "id=\"case-reply-by\">{}",
            expected.format("%Y-%m-%d")
        )),
        "moved to {expected}"
    );
}

#[tokio::test]
async fn the_queue_marks_what_the_requester_sent_since_the_assignee_last_looked() {
    use madoguchi::domain::role::Role;

    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = app.requester_with_case("hanako@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = crate::workspace::case_id_from_queue(&app, &clerk).await;
    let marker = format!("id=\"news-message-{id}\"");
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(!queue.body.contains(&marker), "nothing written yet");

    let write = || async {
        let csrf = crate::helpers::csrf_of(&app.get(&case_path).await.body);
        let sent = app
            .post(
                &format!("{case_path}/messages"),
                &[
                    ("csrf", &csrf),
                    ("message", "本人確認書類は来週郵送します。"),
                ],
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
    };
    write().await;
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(queue.body.contains(&marker), "unassigned: new to everyone");
    assert!(queue.body.contains("新しいメッセージ"));

    // Opening the case is looking at it.
    crate::workspace::case_page(&app, &clerk, &id).await;
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(!queue.body.contains(&marker), "seen");

    // Taken by the clerk: only the clerk's own look counts.
    crate::workspace::done(&app, &clerk, &id, "take", &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    write().await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    crate::workspace::case_page(&app, &boss, &id).await;
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(
        queue.body.contains(&marker),
        "an approver's look is not the assignee's"
    );
    crate::workspace::case_page(&app, &clerk, &id).await;
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(!queue.body.contains(&marker));
}

#[test]
fn the_deployment_examples_agree_with_the_configuration() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let unit = std::fs::read_to_string(root.join("madoguchi.service")).unwrap();
    let setting = |name: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("Environment={name}=")))
            .unwrap_or_else(|| panic!("{name} in the unit"))
            .to_string()
    };
    for line in [
        "StateDirectory=madoguchi",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line}");
    }
    assert_eq!(setting("MADOGUCHI_DATA_DIR"), "/var/lib/madoguchi");
    // The unit's settings are ones the configuration accepts.
    let world = World::new();
    let mut vars = world.vars();
    for name in [
        "MADOGUCHI_BIND",
        "MADOGUCHI_LOG_FORMAT",
        "MADOGUCHI_TRUSTED_PROXIES",
    ] {
        vars.insert(name.into(), setting(name));
    }
    let config = madoguchi::config::Config::from_vars(&vars).unwrap();
    assert_eq!(config.trusted_proxies.len(), 2);
    // The proxy lets through a whole case's uploads and the form around them.
    let nginx = std::fs::read_to_string(root.join("nginx.conf")).unwrap();
    let limit: usize = nginx
        .lines()
        .find_map(|l| l.trim().strip_prefix("client_max_body_size "))
        .and_then(|v| v.trim_end_matches(';').trim_end_matches('m').parse().ok())
        .expect("client_max_body_size");
    assert!(limit * 1024 * 1024 > config.case_upload_max_bytes);
    assert!(nginx.contains("proxy_set_header X-Forwarded-For"));
    if let Ok(out) = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(root.join("madoguchi.service"))
        .output()
    {
        let said = String::from_utf8_lossy(&out.stderr);
        // The binary is not installed here; anything else is a mistake in the unit.
        let problems: Vec<&str> = said
            .lines()
            .filter(|l| !l.contains("/usr/local/bin/madoguchi") && !l.trim().is_empty())
            .collect();
        assert!(problems.is_empty(), "systemd-analyze verify: {said}");
    }
}
