//! Each ready profile's start page on a phone (390 × 844 CSS pixels at 3 device pixels each,
//! JavaScript off), kept as a screenshot under target/tmp/screenshots
//! (`start-<profile>-phone.png`) and checked to render: the page's own title, the fact its seed
//! states visible on screen, nothing wider than the phone, the button to go on reachable, and the
//! image a PNG of the phone's width (#26).

use fantoccini::Locator;

use crate::browser::Browser;
use crate::helpers::World;
use crate::portal::spawn_portal;

/// Each ready profile, and a fact of its seed (or, where the seed gives none, the statute's or
/// the neutral statement shown instead) that its start page must show.
const START_PAGES: [(&str, &str); 5] = [
    ("national", "行政機関の休日"),
    ("private", "受付時間は窓口にお問い合わせください"),
    ("jmimo", "認定事業管理情報等相談センター"),
    ("kanagawa", "マイME-BYOカルテ運営事務局"),
    ("fukushima", "地域医療課"),
];

/// Width and height from a PNG's header (its IHDR chunk comes first).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[tokio::test]
async fn each_ready_profiles_start_page_renders_on_a_phone() {
    let Some(browser) = Browser::phone().await else {
        return;
    };
    for (profile, fact) in START_PAGES {
        let world = World::new();
        let app = spawn_portal(&world, profile).await;
        browser
            .client
            .goto(&format!("{}/request", app.base))
            .await
            .unwrap();
        assert_eq!(
            browser.client.title().await.unwrap(),
            "請求の手続き | 個人情報 請求窓口",
            "{profile}"
        );
        // Only what is rendered counts as text here.
        let shown = browser.text().await;
        assert!(
            shown.contains(fact),
            "{profile}: {fact} not shown:\n{shown}"
        );
        // WebDriver runs this itself; the page runs no script.
        let measured = browser
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 window.devicePixelRatio, \
                 document.querySelector('form button[type=submit]').getBoundingClientRect().right];",
                vec![],
            )
            .await
            .unwrap();
        let number = |i: usize| measured[i].as_f64().unwrap();
        let (scroll_width, inner_width, ratio, button_right) =
            (number(0), number(1), number(2), number(3));
        if scroll_width > inner_width {
            let wide = browser
                .client
                .execute(
                    "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right + ' ' + (e.textContent || '').slice(0, 80));",
                    vec![],
                )
                .await
                .unwrap();
            panic!("{profile}: {scroll_width}px wide on a {inner_width}px phone: {wide:#}");
        }
        assert!(
            button_right > 0.0 && button_right <= inner_width,
            "{profile}: the button ends at {button_right}px"
        );
        assert!(
            browser
                .client
                .find(Locator::Css("form button[type=submit]"))
                .await
                .unwrap()
                .is_displayed()
                .await
                .unwrap()
        );
        let png = browser.screenshot(&format!("start-{profile}-phone")).await;
        let (width, height) = png_size(&png);
        assert_eq!(f64::from(width), inner_width * ratio, "{profile}");
        assert!(height > 0, "{profile}");
        app.stop().await;
    }
    browser.close().await;
}
