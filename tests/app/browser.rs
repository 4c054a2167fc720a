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
                "prefs": { "profile.managed_default_content_settings.javascript": 2 }
            }),
        );
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

    /// Keeps a screenshot under target/screenshots for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
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
