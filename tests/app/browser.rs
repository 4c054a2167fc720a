//! End-to-end tests in Debian's headless Chromium, driven over WebDriver by chromedriver, with
//! JavaScript switched off: every flow must work without it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{World, in_ci};
use crate::mail::free_port;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// None when chromedriver is not installed and the test may skip (never under CI).
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        Browser::start_with(width, height, false).await
    }

    /// With `javascript`, pages may run scripts: only for tools injected over WebDriver (axe-core
    /// waits on timers, which a browser without JavaScript never fires); the app ships none.
    pub async fn start_with(width: u32, height: u32, javascript: bool) -> Option<Browser> {
        Browser::launch(width, height, javascript, false).await
    }

    /// A phone's screen, 390 × 844 CSS pixels at 3 device pixels each, emulated as a mobile
    /// viewport: a desktop window cannot be narrower than 500 pixels.
    pub async fn phone() -> Option<Browser> {
        Browser::launch(390, 844, false, true).await
    }

    async fn launch(width: u32, height: u32, javascript: bool, phone: bool) -> Option<Browser> {
        let driver_path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = match Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if !in_ci() => {
                eprintln!("skipping browser test: cannot start {driver_path} ({e})");
                return None;
            }
            Err(e) => panic!("chromedriver is required under CI: {e}"),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--lang=ja",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "profile.managed_default_content_settings.javascript":
                        if javascript { 1 } else { 2 }
                }
            }),
        );
        if phone {
            caps["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0 }
            });
        }
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session");
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    pub async fn fill(&self, id: &str, value: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Clicks and waits until the browser has left the page (a form POST and its redirect).
    pub async fn click_and_wait(&self, locator: Locator<'_>) {
        let before = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(locator)
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let started = Instant::now();
        // The old document's root goes stale once the new page has loaded.
        while before.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "page did not change"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Keeps a screenshot under target/screenshots for people to look at; returns the PNG.
    pub async fn screenshot(&self, name: &str) -> Vec<u8> {
        let png = self.client.screenshot().await.unwrap();
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        png
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test]
async fn first_administrator_signs_up_on_a_phone_without_javascript() {
    let world = World::new();
    let app = world.spawn().await;
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let link = app.setup_link.clone().unwrap();

    browser.client.goto(&link).await.unwrap();
    assert_eq!(
        browser.client.title().await.unwrap(),
        "初期設定 | 個人情報 請求窓口"
    );
    browser.fill("email", "admin@example.jp").await;
    browser.fill("display_name", "窓口 花子").await;
    browser.fill("password", "short").await;
    browser.fill("password_confirm", "short").await;
    browser
        .click_and_wait(Locator::Css("button[type=submit]"))
        .await;
    let shown = browser.text().await;
    assert!(shown.contains("入力内容に問題があります"), "{shown}");
    browser.screenshot("setup-with-errors").await;
    let kept = browser
        .client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("admin@example.jp"),
        "typed e-mail kept"
    );

    browser.fill("password", "a long enough passphrase").await;
    browser
        .fill("password_confirm", "a long enough passphrase")
        .await;
    browser
        .click_and_wait(Locator::Css("button[type=submit]"))
        .await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/staff");
    assert!(browser.text().await.contains("窓口 花子"));

    browser.click_and_wait(Locator::LinkText("English")).await;
    assert_eq!(browser.client.current_url().await.unwrap().path(), "/staff");
    assert!(browser.text().await.contains("Staff workspace"));
    browser.screenshot("staff-home-en").await;
    browser.close().await;
}

#[tokio::test]
async fn an_agent_requests_disclosure_with_two_documents_on_a_phone() {
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "national").await;
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let go = |path: &str| format!("{}{path}", app.base);
    let next = Locator::Css("button[value=next]");

    browser.client.goto(&go("/")).await.unwrap();
    browser.screenshot("portal-home-phone").await;
    browser.click_and_wait(Locator::Css("a.button")).await;
    for id in [
        "kind-disclosure",
        "requester_type-appointed_agent",
        "consent",
    ] {
        browser
            .client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    browser.screenshot("portal-start-phone").await;
    browser.click_and_wait(next).await;

    for (id, value) in [
        ("name", "山田 花子"),
        ("name_kana", "やまだ はなこ"),
        ("birth_date", "1990-04-01"),
        ("postal_code", "2318588"),
        ("address", "神奈川県横浜市中区日本大通1"),
    ] {
        browser.fill(id, value).await;
    }
    browser.click_and_wait(next).await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/request/agent"
    );
    for (id, value) in [
        ("agent_name", "代理 太郎"),
        ("agent_name_kana", "ダイリ タロウ"),
        ("agent_postal_code", "100-0001"),
        ("agent_address", "東京都千代田区千代田1-1"),
        ("agent_phone", "090-1234-5678"),
        ("agent_email", "agent@example.jp"),
    ] {
        browser.fill(id, value).await;
    }
    browser.click_and_wait(next).await;
    browser.fill("data_description", "2025年度の健診結果").await;
    browser.click_and_wait(next).await;
    assert_eq!(
        browser.client.current_url().await.unwrap().path(),
        "/request/delivery"
    );
    browser
        .client
        .find(Locator::Css("input[name=delivery]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.click_and_wait(next).await;
    assert!(
        browser.text().await.contains("代理 太郎"),
        "review shows the agent"
    );
    browser.screenshot("portal-review-phone").await;
    browser
        .click_and_wait(Locator::Css("form[action='/request/submit'] button"))
        .await;

    let mail = crate::portal::wait_for_mails(&world, 1).await.remove(0);
    let code: String = mail
        .split("確認コード:")
        .nth(1)
        .unwrap_or_default()
        .trim_start()
        .chars()
        .take(6)
        .collect();
    browser.fill("code", &code).await;
    browser
        .click_and_wait(Locator::Css("button[type=submit]"))
        .await;
    assert!(
        browser
            .client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/case/")
    );
    assert!(browser.text().await.contains("受付番号"));

    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("licence.jpg");
    std::fs::write(&photo, crate::uploads::JPEG).unwrap();
    let pdf = dir.path().join("mandate.pdf");
    std::fs::write(&pdf, crate::workspace::PDF).unwrap();
    for (doc_type, file) in [("drivers_licence", &photo), ("power_of_attorney", &pdf)] {
        let select = browser
            .client
            .find(Locator::Id("declared_type"))
            .await
            .unwrap();
        select.select_by_value(doc_type).await.unwrap();
        browser
            .client
            .find(Locator::Id("file"))
            .await
            .unwrap()
            .send_keys(&file.display().to_string())
            .await
            .unwrap();
        browser
            .click_and_wait(Locator::Css("form[enctype='multipart/form-data'] button"))
            .await;
    }
    let page = browser.text().await;
    assert!(
        page.contains("運転免許証") && page.contains("委任状"),
        "both documents listed: {page}"
    );
    browser.screenshot("portal-case-phone").await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.screenshot("portal-case-desktop").await;
    browser.close().await;
}

/// A 補正 answered on a phone: the request and its reply-by date are shown, an empty answer is
/// explained next to the field, the answer is sent and the request's clock runs again.
#[tokio::test]
async fn a_requester_answers_a_correction_request_on_a_phone() {
    use crate::workspace::done;
    use madoguchi::domain::role::Role;
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "national").await;
    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let case_path = crate::uploads::received_case(&app, &world).await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = crate::workspace::case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    done(&app, &clerk, &id, "start-review", &[]).await;
    // An office day: one on a closed day would become the next office day.
    let reply_by = madoguchi::domain::profile::ProfileName::National
        .profile()
        .calendar([])
        .next_office_day_on_or_after(
            madoguchi::domain::deadline::jst_date(chrono::Utc::now()) + chrono::Duration::days(14),
        )
        .format("%Y-%m-%d")
        .to_string();
    crate::workspace::ask_for_correction(&app, &clerk, &id, &reply_by).await;

    browser
        .client
        .goto(&format!("{}{case_path}", app.base))
        .await
        .unwrap();
    let asked = browser.text().await;
    assert!(asked.contains("窓口から補正のお願いがあります"), "{asked}");
    assert!(asked.contains(&reply_by), "the reply-by date is shown");
    assert!(asked.contains("訂正を求める住所の登録時期を教えてください。"));
    browser.screenshot("portal-correction-phone").await;

    let send = Locator::Css("form[action$='/answer'] button");
    browser.click_and_wait(send).await;
    let refused = browser.text().await;
    assert!(refused.contains("回答を入力してください。"), "{refused}");
    let field = browser.client.find(Locator::Id("answer")).await.unwrap();
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );

    browser
        .fill("answer", "2020年4月に登録した住所です。")
        .await;
    browser.click_and_wait(send).await;
    let answered = browser.text().await;
    assert!(
        !answered.contains("窓口から補正のお願いがあります"),
        "nothing left to answer: {answered}"
    );
    assert!(
        answered.contains("2020年4月に登録した住所です。"),
        "in the conversation"
    );
    browser.screenshot("portal-correction-answered-phone").await;
    browser.close().await;
}

/// The help desk in the browser (JavaScript off): a clerk records the payment of the fee charged
/// at receipt, accepts the identity document, verifies and drafts; an approver approves; the
/// notice prints.
#[tokio::test]
async fn staff_verify_take_payment_and_an_approver_approves() {
    use crate::workspace::{PASSWORD, person, requested};
    use madoguchi::domain::role::Role;

    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "private").await;
    let case_path = requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "disclosure"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("browser@example.jp")),
            (
                "/request/content",
                vec![
                    ("data_description", "2025年度の健診結果"),
                    ("period", "2025年度"),
                ],
            ),
            ("/request/delivery", vec![("delivery", "paper_by_post")]),
        ],
    )
    .await;
    crate::uploads::upload(
        &app,
        &case_path,
        "drivers_licence",
        "l.jpg",
        crate::uploads::JPEG.to_vec(),
        None,
    )
    .await;
    app.staff(Role::Staff, "clerk@example.jp").await;
    app.staff(Role::Approver, "boss@example.jp").await;
    let Some(browser) = Browser::start(1280, 1000).await else {
        return;
    };
    let go = |path: &str| format!("{}{path}", app.base);
    let sign_in = |email: &'static str| {
        let browser = &browser;
        let url = go("/staff/login");
        async move {
            browser.client.goto(&url).await.unwrap();
            browser.fill("email", email).await;
            browser.fill("password", PASSWORD).await;
            browser
                .click_and_wait(Locator::Css("form button[type=submit]"))
                .await;
        }
    };

    sign_in("clerk@example.jp").await;
    browser.client.goto(&go("/staff/cases")).await.unwrap();
    assert!(browser.text().await.contains("開示請求"));
    browser.screenshot("staff-queue").await;
    browser.click_and_wait(Locator::Css("table a")).await;
    let case_url = browser.client.current_url().await.unwrap().to_string();
    // The identity image stays closed, unfetched, until the clerk opens it; the opening is
    // recorded.
    let viewed = "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'document.viewed'";
    assert_eq!(
        world.count(viewed),
        0,
        "nothing fetched by showing the page"
    );
    assert!(
        browser
            .client
            .find_all(Locator::Css("img.viewer"))
            .await
            .unwrap()
            .is_empty(),
        "no identity image drawn on the case page"
    );
    let image = browser
        .client
        .find(Locator::Css("a.document-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    browser.client.goto(&go(&image)).await.unwrap();
    assert_eq!(world.count(viewed), 1, "opened once, recorded once");
    browser.client.goto(&case_url).await.unwrap();
    browser
        .click_and_wait(Locator::Css("form[action$='/take'] button"))
        .await;

    // The fee was charged at receipt (800円, the online rate): its payment.
    assert!(browser.text().await.contains("800円"));
    browser
        .client
        .find(Locator::Css("#entry option[value=payment]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.fill("amount", "800").await;
    browser
        .client
        .find(Locator::Css("#method option[value=bank_transfer]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.fill("reference", "振込 0001").await;
    browser
        .click_and_wait(Locator::Css("form[action$='/fee'] button[type=submit]"))
        .await;
    assert!(browser.text().await.contains("未収額: 0円"));

    // Identity: review the licence, then verify.
    browser
        .click_and_wait(Locator::Css("form[action$='/start-review'] button"))
        .await;
    for check in browser
        .client
        .find_all(Locator::Css(".checklist input[type=checkbox]"))
        .await
        .unwrap()
    {
        check.click().await.unwrap();
    }
    browser
        .click_and_wait(Locator::Css("button[value=accept]"))
        .await;
    assert!(
        browser
            .text()
            .await
            .contains("本人確認の要件を満たしています")
    );
    browser.screenshot("staff-case-reviewed").await;
    browser
        .click_and_wait(Locator::Css("form[action$='/verify'] button"))
        .await;

    // Draft from the template, then submit for approval.
    browser
        .client
        .find(Locator::Css("#outcome option[value=partial_disclosure]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .click_and_wait(Locator::Css("form[action$='/draft'] button"))
        .await;
    // Partial disclosure: tick the provision relied on, then write the text.
    browser
        .client
        .find(Locator::Id("ground-art33_2_2"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .fill(
            "decision_text",
            "内部評価欄を除いて開示します。\n理由: 法第33条第2項第2号",
        )
        .await;
    browser
        .click_and_wait(Locator::Css("button[formaction$='/draft']"))
        .await;
    assert!(browser.text().await.contains("決裁待ち"));

    // The approver signs in (same browser, after signing out) and approves.
    browser.client.goto(&go("/staff")).await.unwrap();
    browser
        .click_and_wait(Locator::Css("form[action='/staff/logout'] button"))
        .await;
    sign_in("boss@example.jp").await;
    browser.client.goto(&case_url).await.unwrap();
    browser
        .click_and_wait(Locator::Css("form[action$='/approve'] button"))
        .await;
    let text = browser.text().await;
    assert!(text.contains("決定通知済"), "{text}");
    browser.screenshot("staff-case-decided").await;
    browser
        .click_and_wait(Locator::Css("a[href*='/decisions/']"))
        .await;
    let notice = browser.text().await;
    assert!(notice.contains("保有個人データの開示について（通知）"));
    assert!(notice.contains("内部評価欄を除いて開示します。"));
    assert!(notice.contains("山田 花子 様"), "addressed by name");
    browser.screenshot("staff-notice").await;
    browser.close().await;
}

/// The dashboard over a seeded set, as a manager sees it (screenshot for people to look at).
#[tokio::test]
async fn the_dashboard_renders_its_chart_without_javascript() {
    use madoguchi::domain::role::Role;
    let world = World::new();
    crate::helpers::seeded(&world, 800);
    let app = crate::portal::spawn_portal(&world, "national").await;
    app.staff(Role::Approver, "boss@example.jp").await;
    let Some(browser) = Browser::start(1280, 1000).await else {
        return;
    };
    browser
        .client
        .goto(&format!("{}/staff/login", app.base))
        .await
        .unwrap();
    browser.fill("email", "boss@example.jp").await;
    browser.fill("password", crate::workspace::PASSWORD).await;
    browser
        .click_and_wait(Locator::Css("form button[type=submit]"))
        .await;
    browser
        .client
        .goto(&format!("{}/staff/dashboard", app.base))
        .await
        .unwrap();
    let text = browser.text().await;
    assert!(text.contains("期限超過") && text.contains("担当者ごとの未完了・期限超過"));
    let bars = browser
        .client
        .find_all(Locator::Css("svg.chart rect"))
        .await
        .unwrap();
    assert!(bars.len() >= 24, "two bars a week for 12 weeks");
    browser.screenshot("dashboard").await;

    // The statistics page: a basis and year chosen with plain form controls, then printed.
    browser.click_and_wait(Locator::LinkText("年次統計")).await;
    browser
        .client
        .find(Locator::Css("#basis-calendar"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .click_and_wait(Locator::Css("form.filters button[type=submit]"))
        .await;
    let text = browser.text().await;
    assert!(text.contains("暦年") && text.contains("請求の受付件数") && text.contains("中央値"));
    let url = browser.client.current_url().await.unwrap();
    assert!(url.as_str().contains("basis=calendar"), "{url}");
    browser.screenshot("statistics").await;
    browser.close().await;
}

/// A second factor in a real browser, without JavaScript: set up from the account page (the QR
/// code and the key to type), then signing in with a code from the app, then with a recovery
/// code.
#[tokio::test]
async fn an_approver_sets_up_a_second_factor_and_signs_in_with_it() {
    use crate::workspace::PASSWORD;
    use madoguchi::auth::totp;
    use madoguchi::domain::role::Role;

    let world = World::new();
    let app = world.spawn().await;
    app.staff(Role::Approver, "boss@example.jp").await;
    let Some(browser) = Browser::start(420, 900).await else {
        return;
    };
    let go = |path: &str| format!("{}{path}", app.base);
    let sign_in = || {
        let browser = &browser;
        let url = go("/staff/login");
        async move {
            browser.client.goto(&url).await.unwrap();
            browser.fill("email", "boss@example.jp").await;
            browser.fill("password", PASSWORD).await;
            browser
                .click_and_wait(Locator::Css("form button[type=submit]"))
                .await;
        }
    };
    let enter_code = |code: String| {
        let browser = &browser;
        async move {
            assert!(browser.text().await.contains("確認コードの入力"));
            browser.fill("code", &code).await;
            browser
                .click_and_wait(Locator::Css("form button[type=submit]"))
                .await;
        }
    };
    let sign_out = || {
        let browser = &browser;
        let url = go("/staff");
        async move {
            browser.client.goto(&url).await.unwrap();
            browser
                .click_and_wait(Locator::Css("form[action='/staff/logout'] button"))
                .await;
        }
    };

    sign_in().await;
    browser.client.goto(&go("/staff/security")).await.unwrap();
    assert!(
        !browser
            .client
            .find_all(Locator::Css("figure.qr svg"))
            .await
            .unwrap()
            .is_empty(),
        "a QR code drawn without JavaScript"
    );
    browser.screenshot("second-factor-setup").await;
    let typed = browser
        .client
        .find(Locator::Css("code.secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    let secret = totp_rs::Secret::Encoded(typed).to_bytes().unwrap();
    let now = chrono::Utc::now().timestamp();
    browser.fill("code", &totp::code_at(&secret, now)).await;
    browser
        .click_and_wait(Locator::Css("form[action='/staff/security/enable'] button"))
        .await;
    let shown = browser.text().await;
    assert!(shown.contains("回復コード"), "{shown}");
    let codes: Vec<String> = {
        let mut out = Vec::new();
        for item in browser
            .client
            .find_all(Locator::Css("ul.recovery-codes code"))
            .await
            .unwrap()
        {
            out.push(item.text().await.unwrap());
        }
        out
    };
    assert_eq!(codes.len(), 10);
    browser.screenshot("second-factor-recovery-codes").await;

    // Next sign-in: the password, then the app's code for the next step.
    sign_out().await;
    sign_in().await;
    enter_code(totp::code_at(&secret, now + 30)).await;
    browser.client.goto(&go("/staff/dashboard")).await.unwrap();
    assert!(!browser.text().await.contains("サインイン"), "signed in");

    // Without the phone: a recovery code.
    sign_out().await;
    sign_in().await;
    enter_code(codes[3].clone()).await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/staff", "signed in with a recovery code");
    browser.close().await;
}
