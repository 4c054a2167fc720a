//! axe-core over pages in the browser: 0 violations.
//!
//! The pages run no JavaScript of their own; axe-core is injected through WebDriver, in a
//! browser that allows scripts (axe-core waits on timers). `axe.min.js` comes from the `axe-core` npm package (`.ci/run`
//! installs it): `MADOGUCHI_TEST_AXE_JS` names it, else `$HOME/.cache/madoguchi/vnu/…`. Without it
//! the test skips with a notice, except under CI.

use std::path::PathBuf;

use fantoccini::Locator;
use madoguchi::domain::role::Role;

use crate::browser::Browser;
use crate::helpers::{World, in_ci};

fn axe_source() -> Option<String> {
    let candidates = std::env::var("MADOGUCHI_TEST_AXE_JS")
        .ok()
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::var("HOME").ok().map(|home| {
            PathBuf::from(home).join(".cache/madoguchi/vnu/node_modules/axe-core/axe.min.js")
        }));
    let found = candidates
        .into_iter()
        .find_map(|p| std::fs::read_to_string(p).ok());
    if found.is_none() {
        assert!(
            !in_ci(),
            "axe-core is required under CI: npm install axe-core"
        );
        eprintln!("skipping: no axe.min.js (set MADOGUCHI_TEST_AXE_JS)");
    }
    found
}

/// The violations axe-core finds on the page the browser shows, one line each.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    let version = browser
        .client
        .execute(&format!("{axe}\nreturn axe.version;"), vec![])
        .await
        .expect("axe-core injected");
    assert!(version.as_str().is_some_and(|v| !v.is_empty()), "{version}");
    let found = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v =>
                 v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core ran");
    serde_json::from_value(found.clone()).unwrap_or_else(|_| panic!("axe-core said {found}"))
}

#[tokio::test]
async fn pages_have_no_axe_violations() {
    let Some(axe) = axe_source() else { return };
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "national").await;
    app.staff(Role::Approver, "boss@example.jp").await;
    app.staff(Role::Admin, "admin@example.jp").await;
    let case_path = app.requester_with_case("axe@example.jp").await;
    let letter = crate::letters::first_letter(&app.get(&case_path).await.body, &case_path);
    let consent_page = crate::consents::withdraw_page(&app.get(&case_path).await.body, &case_path);
    let Some(browser) = Browser::start_with(390, 844, true).await else {
        return;
    };
    let go = |path: &str| format!("{}{path}", app.base);
    let mut report = Vec::new();
    let mut check = async |name: &str| {
        for v in violations(&browser, &axe).await {
            report.push(format!("{name}: {v}"));
        }
    };
    for path in [
        "/",
        "/request",
        "/case",
        "/staff/login",
        "/no/such/page",
        &letter,
        "/case/no-such-link",
        &case_path,
        &consent_page,
    ] {
        browser.client.goto(&go(path)).await.unwrap();
        check(path).await;
    }
    // The start form sent empty: the error summary and the fields marked.
    browser.client.goto(&go("/request")).await.unwrap();
    browser
        .click_and_wait(Locator::Css("form button[type=submit]"))
        .await;
    check("/request with errors").await;
    // A signed-in approver's pages.
    browser.client.goto(&go("/staff/login")).await.unwrap();
    browser.fill("email", "boss@example.jp").await;
    browser.fill("password", crate::workspace::PASSWORD).await;
    browser
        .click_and_wait(Locator::Css("form button[type=submit]"))
        .await;
    for path in [
        "/staff",
        "/staff/cases",
        "/staff/intake",
        "/staff/dashboard",
        "/staff/statistics",
        "/staff/register",
        "/staff/trail",
    ] {
        browser.client.goto(&go(path)).await.unwrap();
        check(path).await;
    }
    // An administrator's retention page (documents and audit records), its form sent wrong.
    browser.client.delete_all_cookies().await.unwrap();
    browser.client.goto(&go("/staff/login")).await.unwrap();
    browser.fill("email", "admin@example.jp").await;
    browser.fill("password", crate::workspace::PASSWORD).await;
    browser
        .click_and_wait(Locator::Css("form button[type=submit]"))
        .await;
    browser
        .client
        .goto(&go("/staff/admin/retention"))
        .await
        .unwrap();
    check("/staff/admin/retention").await;
    browser.fill("audit_days", "30").await;
    browser
        .click_and_wait(Locator::Css(
            "form[action='/staff/admin/retention/audit'] button",
        ))
        .await;
    check("/staff/admin/retention with errors").await;
    browser.close().await;
    assert!(
        report.is_empty(),
        "axe-core violations:\n{}",
        report.join("\n")
    );
}

/// The marks of fees nobody confirmed (docs/fees.md §9): a Kanagawa start page and the
/// administrator's fee page with its 「未確認」 mark and confirm button.
#[tokio::test]
async fn provisional_fee_pages_have_no_axe_violations() {
    let Some(axe) = axe_source() else { return };
    let world = World::new();
    let app = crate::portal::spawn_portal(&world, "kanagawa").await;
    app.staff(Role::Admin, "admin@example.jp").await;
    let Some(browser) = Browser::start_with(390, 844, true).await else {
        return;
    };
    let go = |path: &str| format!("{}{path}", app.base);
    let mut report = Vec::new();
    browser.client.goto(&go("/request")).await.unwrap();
    for v in violations(&browser, &axe).await {
        report.push(format!("/request: {v}"));
    }
    browser.client.goto(&go("/staff/login")).await.unwrap();
    browser.fill("email", "admin@example.jp").await;
    browser.fill("password", crate::workspace::PASSWORD).await;
    browser
        .click_and_wait(Locator::Css("form button[type=submit]"))
        .await;
    browser.client.goto(&go("/staff/admin/fees")).await.unwrap();
    assert!(browser.client.source().await.unwrap().contains("未確認"));
    for v in violations(&browser, &axe).await {
        report.push(format!("/staff/admin/fees: {v}"));
    }
    browser.close().await;
    assert!(
        report.is_empty(),
        "axe-core violations:\n{}",
        report.join("\n")
    );
}
