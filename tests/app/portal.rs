//! The requester's whole path: form steps, submission, e-mail confirmation, receipt, case page,
//! and a fresh link by receipt number — with mail read from the files the server writes.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::Datelike;

use crate::helpers::{TestApp, World, csrf_of};

/// Every mail written so far, decoded to text.
/// Every mail the deployment has sent, in the order sent, headers as they are and bodies
/// decoded.
pub fn mails(world: &World) -> Vec<String> {
    world
        .mail
        .messages()
        .iter()
        .map(|m| decode(&m.text()))
        .collect()
}

/// The `.eml` files of a deployment that writes its mail to files (the default without SMTP).
pub fn mail_files(data_dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join("mail"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|raw| decode(&raw))
        .collect()
}

/// Headers as they are, and a base64 or quoted-printable body decoded.
fn decode(raw: &str) -> String {
    let (headers, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let body = if headers.contains("Content-Transfer-Encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap_or_default(),
        )
        .unwrap_or_default()
    } else if headers.contains("Content-Transfer-Encoding: quoted-printable") {
        let soft = body.replace("=\r\n", "");
        let mut bytes = Vec::new();
        let mut it = soft.bytes();
        while let Some(b) = it.next() {
            if b == b'=' {
                let hex: String = [it.next(), it.next()]
                    .iter()
                    .flatten()
                    .map(|b| *b as char)
                    .collect();
                bytes.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            } else {
                bytes.push(b);
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        body.to_string()
    };
    format!("{headers}\n\n{body}")
}

/// Waits without blocking the runtime, on which the server's mail worker runs in these tests.
pub async fn wait_for_mails(world: &World, count: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let found = mails(world);
        if found.len() >= count || started.elapsed() > Duration::from_secs(20) {
            assert!(
                found.len() >= count,
                "expected {count} mails, found {}",
                found.len()
            );
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The one mail that contains `needle` (mail files are named randomly, not in order).
fn with(mails: Vec<String>, needle: &str) -> String {
    let mut found: Vec<String> = mails.into_iter().filter(|m| m.contains(needle)).collect();
    assert_eq!(found.len(), 1, "exactly one mail with {needle}");
    found.remove(0)
}

fn after<'a>(text: &'a str, marker: &str) -> &'a str {
    text.split(marker)
        .nth(1)
        .map(|s| s.trim_start())
        .unwrap_or_default()
}

async fn step(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    app.submit(path, path, fields).await
}

pub async fn spawn_portal(world: &World, profile: &str) -> TestApp {
    let profile = profile.to_string();
    world
        .spawn_with(move |vars| {
            vars.insert("MADOGUCHI_MAIL_POLL_SECONDS".into(), "1".into());
            vars.insert("MADOGUCHI_PROFILE".into(), profile);
        })
        .await
}

const PERSON: &[(&str, &str)] = &[
    ("name", "山田 花子"),
    ("name_kana", "やまだ はなこ"),
    ("birth_date", "1990/4/1"),
    ("postal_code", "２３１８５８８"),
    ("address", "神奈川県横浜市中区日本大通1"),
    ("phone", "045-210-1111"),
    ("email", "Hanako@Example.JP"),
];

#[tokio::test]
async fn a_person_requests_disclosure_confirms_by_code_and_follows_the_case() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;

    let start = app.get("/request").await;
    assert_eq!(start.status, 200);
    assert!(
        start.body.contains("開示請求") && start.body.contains("手数料 200円"),
        "kinds with fees"
    );
    assert!(
        start.body.contains("受付日の翌日から30日以内"),
        "how long it takes"
    );

    let empty = step(&app, "/request", &[]).await;
    assert_eq!(empty.status, 422);
    for message in [
        "請求の種類を選んでください",
        "どなたが請求するかを選んでください",
        "同意する場合はチェック",
    ] {
        assert!(empty.body.contains(message), "{message}");
    }
    let chosen = step(
        &app,
        "/request",
        &[("kind", "disclosure"), ("requester_type", "principal")],
    )
    .await;
    assert_eq!(chosen.status, 422, "consent is still missing");
    assert!(
        chosen.body.contains("value=\"disclosure\" checked"),
        "the choice is kept"
    );
    let started = step(
        &app,
        "/request",
        &[
            ("kind", "disclosure"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    assert_eq!(started.location.as_deref(), Some("/request/person"));

    let bad = step(
        &app,
        "/request/person",
        &[
            ("name", "山田 花子"),
            ("name_kana", "Yamada"),
            ("email", "hanako"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("value=\"山田 花子\""),
        "typed values kept"
    );
    assert!(bad.body.contains("フリガナはカタカナで入力してください"));
    assert!(bad.body.contains("生年月日を入力してください"));
    assert!(bad.body.contains("name@example.jp の形式"));
    let person = step(&app, "/request/person", PERSON).await;
    assert_eq!(person.location.as_deref(), Some("/request/content"));
    let again = app.get("/request/person").await;
    assert!(
        again.body.contains("value=\"ヤマダ ハナコ\""),
        "normalised values shown when coming back"
    );

    let content = step(
        &app,
        "/request/content",
        &[
            ("data_description", "2025年度の健診結果"),
            ("period", "2025年4月〜"),
        ],
    )
    .await;
    assert_eq!(content.location.as_deref(), Some("/request/delivery"));
    let no_choice = step(&app, "/request/delivery", &[]).await;
    assert_eq!(no_choice.status, 422);
    let delivery = step(&app, "/request/delivery", &[("delivery", "paper_by_post")]).await;
    assert_eq!(delivery.location.as_deref(), Some("/request/review"));

    let review = app.get("/request/review").await;
    assert!(
        review.body.contains("山田 花子")
            && review.body.contains("2025年度の健診結果")
            && review.body.contains("紙の写しの郵送")
    );
    let csrf = csrf_of(&review.body);
    let sent = app.post("/request/submit", &[("csrf", &csrf)]).await;
    assert_eq!(sent.location.as_deref(), Some("/request/sent"));

    let confirmation = wait_for_mails(&world, 1).await.remove(0);
    assert!(confirmation.contains("To: hanako@example.jp"));
    assert!(
        !confirmation.contains("山田"),
        "no personal data in the mail"
    );
    let code: String = after(&confirmation, "確認コード:")
        .chars()
        .take(6)
        .collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{confirmation}");

    let page = app.get("/request/sent").await;
    let csrf = csrf_of(&page.body);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let wrong = app
        .post(
            "/request/confirm-code",
            &[("csrf", &csrf), ("code", wrong_code)],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("確認コードが正しくありません") && wrong.body.contains("残り回数： 4")
    );
    let confirmed = app
        .post("/request/confirm-code", &[("csrf", &csrf), ("code", &code)])
        .await;
    let case_path = confirmed
        .location
        .clone()
        .expect("redirect to the case page");
    assert!(case_path.starts_with("/case/"));

    let year = (chrono::Utc::now() + chrono::Duration::hours(9)).year();
    let number = format!("{year}-000001");
    let case = app.get(&case_path).await;
    assert_eq!(case.status, 200);
    assert!(case.body.contains(&number), "receipt number shown");
    assert!(
        case.body.contains("受付")
            && case.body.contains("決定の期限")
            && case.body.contains("期限の計算方法")
    );
    assert!(
        case.body.contains("民法第140条"),
        "the deadline is explained"
    );

    let receipt = with(wait_for_mails(&world, 2).await, "受付番号: ");
    assert!(receipt.contains(&format!("受付番号: {number}")));
    assert!(
        receipt.contains(&case_path),
        "the receipt carries the private link"
    );

    // A fresh link by receipt number and e-mail; the answer never reveals a match.
    let lookup = app
        .submit(
            "/case",
            "/case",
            &[("receipt_number", &number), ("email", "HANAKO@example.jp")],
        )
        .await;
    assert_eq!(lookup.status, 200);
    let unknown = app
        .submit(
            "/case",
            "/case",
            &[("receipt_number", &number), ("email", "someone@example.jp")],
        )
        .await;
    let message = "一致するご請求がある場合";
    assert!(lookup.body.contains(message) && unknown.body.contains(message));
    let link_mail = with(wait_for_mails(&world, 3).await, "確認するためのリンク");
    let new_path = format!(
        "/case/{}",
        after(&link_mail, "/case/")
            .split_whitespace()
            .next()
            .unwrap_or_default()
    );
    let opened = app.get(&new_path).await;
    assert_eq!(opened.status, 200);
    assert_eq!(
        app.get(&case_path).await.status,
        200,
        "the link the requester held still works: a look-up by someone who knows the receipt \
         number and address cannot break it"
    );
    // The requester ends every other link from the case page.
    assert!(opened.body.contains("このリンク以外をすべて無効にする"));
    let ended = app
        .post(
            &format!("{new_path}/links/end-others"),
            &[("csrf", &crate::helpers::csrf_of(&opened.body))],
        )
        .await;
    assert_eq!(ended.location.as_deref(), Some(new_path.as_str()));
    assert_eq!(app.get(&case_path).await.status, 404, "the old link ended");
    let kept = app.get(&new_path).await;
    assert_eq!(kept.status, 200);
    assert!(!kept.body.contains("このリンク以外をすべて無効にする"));
    assert_eq!(
        world.count(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action IN \
             ('case.link_resent', 'case.link_lookup_unmatched')"
        ),
        2,
        "both look-ups audited, the matching one and the other"
    );
    // Every mail is in the outbox from the moment its use case committed, sent or not: the
    // non-matching lookup (answered before the matching one) put none there.
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM outbox"),
        3,
        "no mail for a non-matching lookup"
    );
}

#[tokio::test]
async fn an_agent_asks_for_erasure_and_confirms_by_link_on_another_instance() {
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
    let person: Vec<(&str, &str)> = PERSON
        .iter()
        .copied()
        .filter(|(k, _)| *k != "phone" && *k != "email")
        .collect();
    let to_agent = step(&app, "/request/person", &person).await;
    assert_eq!(
        to_agent.location.as_deref(),
        Some("/request/agent"),
        "the person's contact details are optional for agents"
    );
    let agent = step(
        &app,
        "/request/agent",
        &[
            ("agent_name", "代理 太郎"),
            ("agent_name_kana", "ダイリ タロウ"),
            ("agent_postal_code", "100-0001"),
            ("agent_address", "東京都千代田区千代田1-1"),
            ("agent_phone", "03-1234-5678"),
            ("agent_email", "agent@example.jp"),
        ],
    )
    .await;
    assert_eq!(agent.location.as_deref(), Some("/request/content"));
    let missing = step(
        &app,
        "/request/content",
        &[("data_description", "登録データ一式")],
    )
    .await;
    assert_eq!(missing.status, 422);
    assert!(
        missing.body.contains("理由を選んでください")
            && missing.body.contains("どちらかを選んでください")
    );
    let content = step(
        &app,
        "/request/content",
        &[
            ("data_description", "登録データ一式"),
            ("ground", "no_longer_needed"),
            ("action_choice", "erase"),
        ],
    )
    .await;
    assert_eq!(
        content.location.as_deref(),
        Some("/request/review"),
        "no delivery step for suspension"
    );

    let review = app.get("/request/review").await;
    assert!(
        review.body.contains("元に戻すことができません"),
        "irreversibility warning (PHR Q&A Q3-11)"
    );
    let csrf = csrf_of(&review.body);
    let unconfirmed = app.post("/request/submit", &[("csrf", &csrf)]).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.body.contains("元に戻せないことを確認し"));
    let sent = app
        .post(
            "/request/submit",
            &[("csrf", &csrf), ("irreversible", "yes")],
        )
        .await;
    assert_eq!(sent.location.as_deref(), Some("/request/sent"));

    let confirmation = wait_for_mails(&world, 1).await.remove(0);
    assert!(
        confirmation.contains("To: agent@example.jp"),
        "mail goes to the agent"
    );
    let path = format!(
        "/case/{}",
        after(&confirmation, "/case/")
            .split_whitespace()
            .next()
            .unwrap_or_default()
    );

    // Another instance (or the same one after a restart) has the submission.
    let other = spawn_portal(&world, "jmimo").await;
    let visitor = crate::helpers::client();
    let page = other.get_with(&visitor, &path).await;
    assert!(
        page.body.contains("まだ受け付けられていません"),
        "a GET alone does not confirm (link scanners)"
    );
    let csrf = csrf_of(&page.body);
    let confirmed = other
        .post_with(&visitor, &format!("{path}/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(confirmed.location.as_deref(), Some(path.as_str()));
    let case = other.get_with(&visitor, &path).await;
    assert!(case.body.contains("利用停止等請求") && case.body.contains("受付番号"));
    assert!(case.body.contains("回答の目安日（法律上は「遅滞なく」）"));
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

pub fn count_cases(world: &World) -> i64 {
    use diesel::RunQueryDsl;
    let db = madoguchi::db::Db::connect(
        &madoguchi::db::DatabaseUrl::parse(&world.database_url).unwrap(),
        1,
    )
    .unwrap();
    db.with_reader(|conn| {
        Ok(diesel::sql_query("SELECT COUNT(*) AS n FROM cases")
            .get_result::<Count>(conn)
            .unwrap()
            .n)
    })
    .unwrap()
}

#[tokio::test]
async fn a_double_clicked_submit_makes_one_request() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "correction"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    step(&app, "/request/person", PERSON).await;
    step(
        &app,
        "/request/content",
        &[
            ("data_description", "住所"),
            ("current_content", "旧住所"),
            ("correct_content", "新住所"),
            (
                "prior_disclosure_on",
                crate::helpers::RECENT_DISCLOSURE.as_str(),
            ),
        ],
    )
    .await;
    let csrf = csrf_of(&app.get("/request/review").await.body);
    let form = [("csrf", csrf.as_str())];
    let (first, second) = tokio::join!(
        app.post("/request/submit", &form),
        app.post("/request/submit", &form)
    );
    assert_eq!(first.location.as_deref(), Some("/request/sent"));
    assert_eq!(second.location.as_deref(), Some("/request/sent"));
    let third = app.post("/request/submit", &form).await;
    assert_eq!(
        third.location.as_deref(),
        Some("/request/sent"),
        "a late third click lands on the same page"
    );
    assert_eq!(count_cases(&world), 1, "one request, not two");
    assert_eq!(app.get("/request/sent").await.status, 200);
}

/// Without SMTP the operator's mail is written as `.eml` files under the data directory (what
/// `cargo run` does on a fresh machine); the other tests keep mail in memory.
#[tokio::test]
async fn without_smtp_mail_is_written_as_files() {
    let mut world = World::new();
    world.mail_files = true;
    let app = spawn_portal(&world, "national").await;
    app.submitted_request("kyu@example.jp").await;
    let started = Instant::now();
    while mail_files(world.data_dir.path()).is_empty()
        && started.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let files = mail_files(world.data_dir.path());
    assert_eq!(files.len(), 1, "the confirmation mail as a file");
    assert!(files[0].contains("確認コード"));
    assert!(mails(&world).is_empty(), "nothing went to memory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = world.data_dir.path().join("mail");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "the folder is the service user's only");
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
        }
    }
}

#[tokio::test]
async fn skipping_ahead_and_stale_tokens_lose_nothing() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let skipped = app.get("/request/review").await;
    assert_eq!(
        skipped.location.as_deref(),
        Some("/request"),
        "steps cannot be skipped"
    );
    app.get("/request").await;
    let stale = app
        .post(
            "/request",
            &[
                ("csrf", "stale"),
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("画面の有効期限が切れました"));
    assert!(
        stale.body.contains("value=\"disclosure\" checked"),
        "what was chosen is kept"
    );
    // ... on the page, but not saved: a forged or stale post changes no draft.
    assert!(
        !app.get("/request")
            .await
            .body
            .contains("value=\"disclosure\" checked"),
        "the stale form saved nothing"
    );
    let unknown = app.get("/case/not-a-real-link").await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn unconfirmed_submissions_are_purged_and_their_links_expire() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    step(
        &app,
        "/request",
        &[
            ("kind", "correction"),
            ("requester_type", "principal"),
            ("consent", "2026-11-21"),
        ],
    )
    .await;
    step(&app, "/request/person", PERSON).await;
    step(
        &app,
        "/request/content",
        &[
            ("data_description", "住所"),
            ("current_content", "旧"),
            ("correct_content", "新"),
            (
                "prior_disclosure_on",
                crate::helpers::RECENT_DISCLOSURE.as_str(),
            ),
        ],
    )
    .await;
    let csrf = csrf_of(&app.get("/request/review").await.body);
    app.post("/request/submit", &[("csrf", &csrf)]).await;
    let mail = wait_for_mails(&world, 1).await.remove(0);
    let path = format!(
        "/case/{}",
        after(&mail, "/case/")
            .split_whitespace()
            .next()
            .unwrap_or_default()
    );
    assert_eq!(app.get(&path).await.status, 200);

    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let too_early = madoguchi::service::housekeeping::purge(&db, chrono::Utc::now(), 24)
        .await
        .unwrap();
    assert_eq!(too_early.unconfirmed_cases, 0);
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    let purged = madoguchi::service::housekeeping::purge(&db, later, 24)
        .await
        .unwrap();
    assert_eq!(purged.unconfirmed_cases, 1);
    assert_eq!(
        count_cases(&world),
        0,
        "the submission and what hangs off it are gone"
    );
    let expired = app.get(&path).await;
    assert_eq!(expired.status, 404);
    // Not a bare "not found": what may have happened, and what to do.
    assert!(expired.body.contains("このリンクではお申込みを開けません"));
    assert!(expired.body.contains("72時間以内に確認されなかった"));
    assert!(expired.body.contains("href=\"/case\""));
}

#[tokio::test]
async fn lookups_are_rate_limited_per_address() {
    let world = World::new();
    let app = world
        .spawn_with(|vars| {
            vars.insert("MADOGUCHI_RATE_LIMIT_PER_MINUTE".into(), "3".into());
        })
        .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let page = app
            .submit(
                "/case",
                "/case",
                &[("receipt_number", "2026-999999"), ("email", "x@example.jp")],
            )
            .await;
        statuses.push(page.status);
        if page.status == 429 {
            assert!(
                page.body.contains("しばらくお待ちください"),
                "a page in the person's language"
            );
        }
    }
    assert_eq!(statuses, vec![200, 200, 200, 429]);
    assert_eq!(
        app.get("/case").await.status,
        200,
        "reading pages is never limited"
    );
}

#[tokio::test]
async fn every_portal_page_is_complete_in_both_languages() {
    for lang in ["ja", "en"] {
        let world = World::new();
        let app = spawn_portal(&world, "national").await;
        app.get(&format!("/lang/{lang}?next=/")).await;
        let mut visited = Vec::new();
        let mut check = |path: String, page: crate::helpers::Page| {
            assert_eq!(page.status, 200, "{lang} {path}");
            assert!(
                !page.body.contains('…'),
                "{lang} {path}: a message key is missing"
            );
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            visited.push(path);
        };
        check("/".into(), app.get("/").await);
        check("/request".into(), app.get("/request").await);
        step(
            &app,
            "/request",
            &[
                ("kind", "disclosure"),
                ("requester_type", "parent"),
                ("consent", "2026-11-21"),
            ],
        )
        .await;
        let person: Vec<(&str, &str)> = PERSON
            .iter()
            .copied()
            .filter(|(k, _)| *k != "email")
            .collect();
        step(&app, "/request/person", &person).await;
        check("/request/agent".into(), app.get("/request/agent").await);
        step(
            &app,
            "/request/agent",
            &[
                ("agent_name", "山田 太郎"),
                ("agent_name_kana", "ヤマダ タロウ"),
                ("agent_postal_code", "231-8588"),
                ("agent_address", "横浜市中区日本大通1"),
                ("agent_phone", "045-210-1111"),
                ("agent_email", "parent@example.jp"),
            ],
        )
        .await;
        check("/request/content".into(), app.get("/request/content").await);
        step(
            &app,
            "/request/content",
            &[("data_description", "健診結果")],
        )
        .await;
        check(
            "/request/delivery".into(),
            app.get("/request/delivery").await,
        );
        step(&app, "/request/delivery", &[("delivery", "paper_by_post")]).await;
        let review = app.get("/request/review").await;
        let csrf = csrf_of(&review.body);
        check("/request/review".into(), review);
        app.post("/request/submit", &[("csrf", &csrf)]).await;
        check("/request/sent".into(), app.get("/request/sent").await);
        let mail = wait_for_mails(&world, 1).await.remove(0);
        let case = format!(
            "/case/{}",
            after(&mail, "/case/")
                .split_whitespace()
                .next()
                .unwrap_or_default()
        );
        check(format!("{case} (unconfirmed)"), app.get(&case).await);
        app.post(&format!("{case}/confirm"), &[("csrf", &csrf)])
            .await;
        check(case.clone(), app.get(&case).await);
        check(
            format!("{case}/withdraw"),
            app.get(&format!("{case}/withdraw")).await,
        );
        check("/case".into(), app.get("/case").await);
        assert_eq!(visited.len(), 11);
    }
}

#[tokio::test]
async fn links_mailed_before_links_named_their_case_still_open_it() {
    use diesel::prelude::*;
    use madoguchi::auth::token;
    use madoguchi::db::schema::cases;

    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let path = crate::uploads::received_case(&app, &world).await;
    assert_eq!(app.get(&path).await.status, 200);
    let link = path.trim_start_matches("/case/");
    let case_id = token::case_named_by(link)
        .expect("a new link names its case")
        .to_string();
    let forged = token::case_link(&case_id);
    assert_eq!(
        app.get(&format!("/case/{forged}")).await.status,
        404,
        "the case id alone opens nothing"
    );

    // A link of the earlier kind: random only, its digest kept in the indexed column.
    let older = token::generate();
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let digest = token::digest(&older);
    let named = madoguchi::db::cases::CaseLink::of(link);
    let receipt = db
        .with_reader(move |c| madoguchi::db::cases::find_by_link(c, &named))
        .unwrap()
        .and_then(|row| row.receipt_number)
        .expect("a received case has a receipt number");
    db.with_writer(move |c| {
        diesel::update(cases::table.find(&case_id))
            .set((
                cases::access_token_hash.eq(Some(digest.as_str())),
                cases::link_digest.eq(None::<&str>),
            ))
            .execute(c)?;
        Ok(())
    })
    .unwrap();
    let page = app.get(&format!("/case/{older}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&receipt), "the same case opens");
    assert_eq!(
        app.get(&path).await.status,
        404,
        "the case has one working link at a time"
    );
}
