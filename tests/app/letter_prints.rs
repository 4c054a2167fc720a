//! Each letter of a public body's case as the requester prints it: Chromium prints the letter
//! page to A4 through WebDriver's Print Page command, and the app's own PDF of the same letter is
//! downloaded. Both are A4, both carry the letter's title, number, 和暦 date, addressee and sender
//! as text (`pdftotext`), and the printed page has none of the site's chrome (the print CSS hides
//! the header, the footer, the skip link and `.no-print`). The first page of each is kept as a
//! PNG under target/tmp/screenshots for people to look at. Without chromedriver, poppler-utils
//! or a Japanese font the test skips with a notice, except under CI.

use std::path::Path;
use std::process::Command;

use fantoccini::wd::{PrintConfiguration, PrintSize};
use madoguchi::domain::role::Role;

use crate::browser::Browser;
use crate::helpers::{TestApp, World, in_ci};
use crate::letter_pdf::{poppler, squeezed, tools_and_font};
use crate::letters::{letter_links, text_of, verified};
use crate::portal::spawn_portal;
use crate::workspace::{case_id_from_queue, done};

/// A4 in PostScript points (210 × 297 mm), as `pdfinfo` prints a page size.
const A4_POINTS: (f64, f64) = (595.28, 841.89);

fn pdftoppm_present() -> bool {
    let present = Command::new("pdftoppm").arg("-v").output().is_ok();
    if !present {
        assert!(!in_ci(), "poppler-utils (pdftoppm) is required under CI");
        eprintln!("skipping: no pdftoppm (poppler-utils)");
    }
    present
}

/// The width and height of the first page, in points, from `pdfinfo`'s "Page size:" line.
fn page_size(pdf: &[u8]) -> (f64, f64) {
    let info = poppler("pdfinfo", pdf);
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("no page size in {info}"));
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(numbers.len() >= 2, "{line}");
    (numbers[0], numbers[1])
}

fn assert_a4(pdf: &[u8], what: &str) {
    let (width, height) = page_size(pdf);
    assert!(
        (width - A4_POINTS.0).abs() <= 1.0 && (height - A4_POINTS.1).abs() <= 1.0,
        "{what} is not A4: {width} x {height} pts"
    );
}

/// Keeps the first page of `pdf` as target/tmp/screenshots/`name`.png, at 60 dpi.
fn first_page_png(pdf: &[u8], name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let source = tempfile::tempdir().unwrap();
    let file = source.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(dir.join(name))
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm: {out:?}");
    let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}.png is a PNG");
}

/// The site's name as its header shows it.
fn site_name(page: &str) -> String {
    let marker = "class=\"site-header__name\" href=\"/\">";
    let start = page.find(marker).expect("the site header") + marker.len();
    page[start..start + page[start..].find("</a>").unwrap()].to_string()
}

/// A Kanagawa case with three letters for the requester: the receipt, the extension and the
/// decision, as (href, title) on the requester's case page.
async fn case_with_letters(app: &TestApp) -> Vec<(String, String)> {
    let case_path = app.requester_with_case("prints@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(app, &clerk).await;
    verified(app, &case_path, &clerk, &id, true).await;
    done(
        app,
        &clerk,
        &id,
        "extend",
        &[
            ("days", "30"),
            ("extend_reason", "対象文書の確認に時間を要するため"),
        ],
    )
    .await;
    done(
        app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "full_disclosure"),
            ("text", "ご請求の保有個人情報の全部を開示します。"),
        ],
    )
    .await;
    done(app, &boss, &id, "approve", &[]).await;
    letter_links(&app.get(&case_path).await.body, &case_path)
}

#[tokio::test]
async fn each_letter_prints_to_a4_without_the_site_and_its_pdf_matches() {
    if !tools_and_font() || !pdftoppm_present() {
        return;
    }
    let world = World::new();
    let app = spawn_portal(&world, "kanagawa").await;
    let Some(browser) = Browser::start(1000, 1400).await else {
        return;
    };
    let letters = case_with_letters(&app).await;
    let kinds = ["receipt", "extension", "decision"];
    assert_eq!(letters.len(), kinds.len(), "{letters:?}");

    for ((href, title), kind) in letters.iter().zip(kinds) {
        let page = app.get(href).await.body;
        // The site's own words around the letter, which the printed page must not carry.
        let chrome = [
            site_name(&page),
            "本文へ移動".to_string(),
            "職員の方".to_string(),
            "English".to_string(),
            "PDF で保存".to_string(),
            "この通知書はA4用紙に印刷できます".to_string(),
        ];
        for words in &chrome {
            assert!(page.contains(words.as_str()), "{words:?} is on the page");
        }
        let facts: Vec<String> = [
            "letter-title",
            "letter-number",
            "letter-date",
            "letter-addressee",
            "letter-sender",
        ]
        .iter()
        .map(|part| squeezed(&text_of(&page, part)))
        .collect();
        assert_eq!(&facts[0], &squeezed(title));
        assert!(facts[2].starts_with("令和"), "和暦: {}", facts[2]);

        browser
            .client
            .goto(&format!("{}{href}", app.base))
            .await
            .unwrap();
        let printed = browser
            .client
            .print(
                PrintConfiguration::builder()
                    .size(PrintSize::A4)
                    .build()
                    .unwrap(),
            )
            .await
            .expect("WebDriver Print Page");
        let (status, pdf) = {
            let response = app
                .client
                .get(app.url(&format!("{href}/pdf")))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.bytes().await.unwrap().to_vec())
        };
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));

        for (what, document) in [("printed", &printed), ("pdf", &pdf)] {
            assert!(document.starts_with(b"%PDF-"), "{kind} {what}");
            assert_a4(document, &format!("letter-{kind}-{what}"));
            first_page_png(document, &format!("letter-{kind}-{what}"));
            let text = squeezed(&poppler("pdftotext", document));
            for fact in &facts {
                assert!(
                    text.contains(fact.as_str()),
                    "{kind} {what}: {fact} in {text}"
                );
            }
        }
        let printed_text = poppler("pdftotext", &printed);
        for words in &chrome {
            assert!(
                !printed_text.contains(words.as_str()),
                "{kind}: site chrome {words:?} printed: {printed_text}"
            );
        }
    }
    browser.close().await;
}
