//! Identity documents from the case page: what is accepted, what is refused and why, and that
//! only ciphertext reaches the disk.

use reqwest::multipart::{Form, Part};

use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::portal::{spawn_portal, wait_for_mails};

pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
];

/// The portal steps of a principal's correction request from `email` (under a public body,
/// naming the recent disclosure it follows): (path, fields) in order.
pub fn correction_steps(email: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let fields = |pairs: &[(&'static str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect::<Vec<_>>()
    };
    vec![
        (
            "/request",
            fields(&[
                ("kind", "correction"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ]),
        ),
        (
            "/request/person",
            fields(&[
                ("name", "山田 花子"),
                ("name_kana", "ヤマダ ハナコ"),
                ("birth_date", "1990-04-01"),
                ("postal_code", "231-8588"),
                ("address", "横浜市中区日本大通1"),
                ("phone", "045-210-1111"),
                ("email", email),
            ]),
        ),
        (
            "/request/content",
            fields(&[
                ("data_description", "住所"),
                ("current_content", "旧"),
                ("correct_content", "新"),
                (
                    "prior_disclosure_on",
                    crate::helpers::RECENT_DISCLOSURE.as_str(),
                ),
            ]),
        ),
    ]
}

/// A received case (e-mail confirmed), returning the path of its page.
pub async fn received_case(app: &TestApp, world: &World) -> String {
    for (path, fields) in correction_steps("hanako@example.jp") {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = app.submit(path, path, &fields).await;
        assert_eq!(done.status, 303, "{path}: {}", done.body);
    }
    let csrf = csrf_of(&app.get("/request/review").await.body);
    app.post("/request/submit", &[("csrf", &csrf)]).await;
    let mail = wait_for_mails(world, 1).await.remove(0);
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    let path = format!("/case/{token}");
    let csrf = csrf_of(&app.get(&path).await.body);
    app.post(&format!("{path}/confirm"), &[("csrf", &csrf)])
        .await;
    path
}

pub async fn upload(
    app: &TestApp,
    case_path: &str,
    declared_type: &str,
    name: &str,
    bytes: Vec<u8>,
    csrf: Option<&str>,
) -> Page {
    let csrf = match csrf {
        Some(c) => c.to_string(),
        None => csrf_of(&app.get(case_path).await.body),
    };
    let form = Form::new()
        .text("csrf", csrf)
        .text("declared_type", declared_type.to_string())
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let response = app
        .client
        .post(app.url(&format!("{case_path}/documents")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Page {
        status,
        location,
        body: response.text().await.unwrap_or_default(),
    }
}

#[tokio::test]
async fn a_photo_is_stored_encrypted_and_listed() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let page = app.get(&case).await;
    assert!(
        page.body.contains("マイナンバーカードは表面のみ"),
        "masking warnings before the upload"
    );
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let mut photo = JPEG.to_vec();
    photo.extend_from_slice(b"PLAINTEXT-MARKER driving licence scan");
    let sent = upload(&app, &case, "drivers_licence", "licence.jpg", photo, None).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{case}#documents").as_str())
    );
    let listed = app.get(&case).await;
    assert!(listed.body.contains("運転免許証") && listed.body.contains("確認待ち"));
    assert!(listed.body.contains("書類を提出"), "on the timeline");

    let files: Vec<_> = std::fs::read_dir(world.data_dir.path().join("documents"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let stored = std::fs::read(files[0].path()).unwrap();
    assert!(
        !stored.windows(16).any(|w| w == b"PLAINTEXT-MARKER"),
        "only ciphertext on disk"
    );
    assert!(
        !files[0].file_name().to_string_lossy().contains("licence"),
        "never the person's file name"
    );
}

#[tokio::test]
async fn bad_files_are_refused_with_a_clear_message() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "drivers_licence",
            "virus.jpg",
            b"MZ\x90\x00\x03 this is a program".to_vec(),
            "ファイルの中身がこれらの形式ではありません",
        ),
        (
            "drivers_licence",
            "empty.jpg",
            Vec::new(),
            "空のファイルは提出できません",
        ),
        (
            "drivers_licence",
            "huge.jpg",
            [JPEG, &vec![0u8; 30 * 1024 * 1024]].concat(),
            "ファイルが大きすぎます",
        ),
        (
            "resident_record",
            "script.pdf",
            b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj"
                .to_vec(),
            "スクリプトなどの動作する内容",
        ),
        (
            "",
            "licence.jpg",
            JPEG.to_vec(),
            "書類の種類を選んでください",
        ),
    ];
    for (declared, name, bytes, message) in cases {
        let refused = upload(&app, &case, declared, name, bytes, None).await;
        assert_eq!(refused.status, 422, "{name}");
        assert!(
            refused.body.contains(message),
            "{name}: expected «{message}»"
        );
        assert!(
            refused.body.contains("入力内容に問題があります"),
            "{name}: error summary"
        );
    }
    let forged = upload(
        &app,
        &case,
        "drivers_licence",
        "ok.jpg",
        JPEG.to_vec(),
        Some("forged"),
    )
    .await;
    assert_eq!(forged.status, 422);
    assert!(forged.body.contains("画面の有効期限が切れました"));
    assert!(
        std::fs::read_dir(world.data_dir.path().join("documents"))
            .unwrap()
            .next()
            .is_none(),
        "nothing stored"
    );
}

#[tokio::test]
async fn a_body_beyond_the_case_limit_gets_a_413_page() {
    let world = World::new();
    let app = world
        .spawn_with(|vars| {
            vars.insert("MADOGUCHI_MAIL_POLL_SECONDS".into(), "1".into());
            vars.insert("MADOGUCHI_CASE_UPLOAD_MAX_MB".into(), "1".into());
            vars.insert("MADOGUCHI_UPLOAD_MAX_MB".into(), "1".into());
        })
        .await;
    let case = received_case(&app, &world).await;
    let refused = upload(
        &app,
        &case,
        "drivers_licence",
        "big.jpg",
        [JPEG, &vec![0u8; 3 * 1024 * 1024]].concat(),
        None,
    )
    .await;
    assert_eq!(refused.status, 413);
    assert!(refused.body.contains("ファイルが大きすぎます"));
}

#[tokio::test]
async fn a_request_is_withdrawn_after_a_confirmation_page() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    assert!(app.get(&case).await.body.contains("このご請求を取り下げる"));
    let confirm = app.get(&format!("{case}/withdraw")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("元に戻すことはできません"));
    let stale = app
        .post(&format!("{case}/withdraw"), &[("csrf", "stale")])
        .await;
    assert_eq!(stale.status, 422, "nothing happens without a valid token");
    let csrf = csrf_of(&confirm.body);
    let done = app
        .post(&format!("{case}/withdraw"), &[("csrf", &csrf)])
        .await;
    assert_eq!(done.location.as_deref(), Some(case.as_str()));
    let page = app.get(&case).await;
    assert!(page.body.contains("取下げ"), "state in words");
    assert!(
        !page.body.contains("このご請求を取り下げる"),
        "no second withdrawal"
    );
    assert!(
        !page.body.contains("enctype=\"multipart/form-data\""),
        "no uploads on a closed case"
    );
    let mails = wait_for_mails(&world, 3).await;
    assert!(
        mails.iter().any(|m| m.contains("取下げを受け付けました")),
        "withdrawal confirmed by mail"
    );
    let late = upload(
        &app,
        &case,
        "drivers_licence",
        "late.jpg",
        JPEG.to_vec(),
        Some(&csrf),
    )
    .await;
    assert_eq!(late.status, 422);
    assert!(late.body.contains("書類を提出できません"));
}

#[tokio::test]
async fn the_requester_writes_to_the_help_desk() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let csrf = csrf_of(&app.get(&case).await.body);
    let path = format!("{case}/messages");
    let empty = app
        .post(&path, &[("csrf", &csrf), ("message", "   ")])
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("メッセージを入力してください"));
    let long = "あ".repeat(2001);
    let too_long = app
        .post(&path, &[("csrf", &csrf), ("message", &long)])
        .await;
    assert_eq!(too_long.status, 422);
    assert!(
        too_long.body.contains("2000文字以内") && too_long.body.contains(&long),
        "the text is kept"
    );
    let sent = app
        .post(
            &path,
            &[("csrf", &csrf), ("message", "書類は郵送でも送れますか。")],
        )
        .await;
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("{case}#messages").as_str())
    );
    let page = app.get(&case).await;
    assert!(page.body.contains("あなたから") && page.body.contains("書類は郵送でも送れますか。"));
    assert!(page.body.contains("メッセージを送信"), "on the timeline");
}

#[tokio::test]
async fn a_correction_request_stops_the_clock_until_the_requester_answers() {
    use madoguchi::domain::event::Actor;
    use madoguchi::domain::role::Role;
    use madoguchi::service::corrections::{self, Ask};
    use madoguchi::service::lifecycle::Desk;

    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case = received_case(&app, &world).await;
    let token = case.trim_start_matches("/case/").to_string();

    // The help desk's side (its pages come with the staff workspace): ask through the service.
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let master = madoguchi::storage::crypto::MasterKey::new(config.secrets.document_key);
    let from = madoguchi::mail::parse_mailbox(&config.mail_from).unwrap();
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let calendar = std::sync::Arc::new(profile.calendar([]));
    let link = madoguchi::db::cases::CaseLink::of(&token);
    let row = db
        .with_reader(move |c| madoguchi::db::cases::find_by_link(c, &link))
        .unwrap()
        .unwrap();
    let reply_by = chrono::NaiveDate::from_ymd_opt(2030, 1, 10).unwrap();
    let ask = Ask {
        reply_by,
        what: "住民票の写し（発行から30日以内）を追加で提出してください。".into(),
    };
    let desk = Desk {
        master: &master,
        from: &from,
        public_url: "http://127.0.0.1",
        profile: std::sync::Arc::new(profile.clone()),
        calendar: calendar.clone(),
    };
    let staff = (
        Actor::staff("staff-1", Role::Staff),
        "staff:staff-1".to_string(),
    );
    corrections::request(&db, &desk, row, staff, ask, chrono::Utc::now())
        .await
        .unwrap();

    let page = app.get(&case).await;
    assert!(
        page.body.contains("窓口から補正のお願いがあります") && page.body.contains("2030-01-10")
    );
    assert!(
        page.body.contains("住民票の写し（発行から30日以内）"),
        "what to fix is on the page"
    );
    assert!(
        page.body.contains("期限停止中"),
        "the clock is shown as stopped"
    );
    let mails = wait_for_mails(&world, 3).await;
    let notice = mails
        .iter()
        .find(|m| m.contains("補正のお願い"))
        .expect("correction notice");
    assert!(
        notice.contains("2030-01-10") && !notice.contains("住民票の写し（発行"),
        "the mail says when, the page says what"
    );

    let csrf = csrf_of(&page.body);
    let empty = app
        .post(
            &format!("{case}/answer"),
            &[("csrf", &csrf), ("answer", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("回答を入力してください"));
    let answered = app
        .post(
            &format!("{case}/answer"),
            &[("csrf", &csrf), ("answer", "住民票を提出しました。")],
        )
        .await;
    assert_eq!(answered.location.as_deref(), Some(case.as_str()));
    let after = app.get(&case).await;
    assert!(!after.body.contains("窓口から補正のお願いがあります"));
    assert!(after.body.contains("本人確認中"), "back to identity review");
    assert!(
        after.body.contains("回答の到達") && after.body.contains("補正・追加書類のお願い"),
        "both on the timeline"
    );
    assert!(
        after.body.contains("住民票を提出しました。"),
        "the answer is in the conversation"
    );
    let case_id = db
        .with_reader(move |c| {
            Ok(
                madoguchi::db::cases::find_by_link(c, &madoguchi::db::cases::CaseLink::of(&token))?
                    .map(|r| r.id),
            )
        })
        .unwrap()
        .unwrap();
    let pauses = db
        .with_reader(move |c| madoguchi::db::cases::pauses(c, &case_id))
        .unwrap();
    assert_eq!(pauses.len(), 1);
    assert_eq!(pauses[0].reply_by, Some(reply_by));
    assert!(
        pauses[0].ended_on.is_some(),
        "the episode is closed with the day the answer arrived"
    );
}

#[tokio::test]
async fn a_fee_to_pay_is_shown_with_the_ways_to_pay() {
    use madoguchi::domain::event::{Actor, Event};
    use madoguchi::domain::money::Yen;
    use madoguchi::domain::role::Role;
    use madoguchi::service::lifecycle::{self, Desk, Firing};

    let world = World::new();
    let app = spawn_portal(&world, "jmimo").await;
    for (path, fields) in [
        (
            "/request",
            vec![
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        ),
        (
            "/request/person",
            vec![
                ("name", "山田 花子"),
                ("name_kana", "ヤマダ ハナコ"),
                ("birth_date", "1990-04-01"),
                ("postal_code", "231-8588"),
                ("address", "横浜市中区日本大通1"),
                ("phone", "045-210-1111"),
                ("email", "hanako@example.jp"),
            ],
        ),
        ("/request/content", vec![("data_description", "提供記録")]),
        ("/request/delivery", vec![("delivery", "paper_by_post")]),
    ] {
        assert_eq!(app.submit(path, path, &fields).await.status, 303, "{path}");
    }
    let review = app.get("/request/review").await;
    assert!(
        review.body.contains("4000円"),
        "the fee quote before submitting"
    );
    app.post("/request/submit", &[("csrf", &csrf_of(&review.body))])
        .await;
    let mail = wait_for_mails(&world, 1).await.remove(0);
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    let case = format!("/case/{token}");
    app.post(
        &format!("{case}/confirm"),
        &[("csrf", &csrf_of(&app.get(&case).await.body))],
    )
    .await;

    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let master = madoguchi::storage::crypto::MasterKey::new(config.secrets.document_key);
    let from = madoguchi::mail::parse_mailbox(&config.mail_from).unwrap();
    let profile = madoguchi::domain::profile::ProfileName::National.profile();
    let calendar = std::sync::Arc::new(profile.calendar([]));
    let link = madoguchi::db::cases::CaseLink::of(&token);
    let row = db
        .with_reader(move |c| madoguchi::db::cases::find_by_link(c, &link))
        .unwrap()
        .unwrap();
    let firing = Firing {
        event: Event::InvoiceFee {
            amount: Yen(4000),
            fee_after: madoguchi::domain::lifecycle::FeeStatus::Outstanding { amount: Yen(4000) },
        },
        actor: Actor::staff("staff-1", Role::Staff),
        actor_label: "staff:staff-1".into(),
        notice: None,
        message: None,
        letter: None,
        also: None,
    };
    lifecycle::apply(
        &db,
        &Desk {
            master: &master,
            from: &from,
            public_url: "http://127.0.0.1",
            profile: std::sync::Arc::new(profile.clone()),
            calendar: calendar.clone(),
        },
        row,
        firing,
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    let page = app.get(&case).await;
    assert!(page.body.contains("手数料のお支払い") && page.body.contains("4000円"));
    assert!(
        page.body.contains("現金書留") && page.body.contains("銀行振込"),
        "J-MIMO's ways to pay"
    );
}
