//! "PDF で保存": each letter downloads as an A4 PDF set from the same words as its page, with the
//! Japanese font embedded as a subset. The PDF is read back with poppler's `pdftotext` (the title,
//! number and date come out as text) and `pdffonts` (the font is embedded and subset) and `pdfinfo` (A4); `.ci/run`
//! installs poppler-utils and fonts-noto-cjk. Without them the test skips with a notice, except
//! under CI. Without a font the page says so (503) and still shows the letter.

use std::process::Command;

use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World, in_ci};
use crate::letters::{letter_links, text_of};
use crate::portal::spawn_portal;
use crate::workspace::case_id_from_queue;

/// Whether poppler's tools and a Japanese font are here (required under CI).
pub fn tools_and_font() -> bool {
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdffonts").arg("-v").output().is_ok()
        && Command::new("pdfinfo").arg("-v").output().is_ok();
    let font = madoguchi::pdf::LetterFont::locate(None).is_ok();
    if !(poppler && font) {
        assert!(
            !in_ci(),
            "poppler-utils and fonts-noto-cjk are required under CI"
        );
        eprintln!("skipping: no pdftotext/pdffonts (poppler-utils) or no Japanese font");
    }
    poppler && font
}

/// GETs `path` with `client`: status, headers and body.
async fn download(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// What a poppler tool prints about `pdf`.
pub fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("letter.pdf");
    std::fs::write(&file, pdf).unwrap();
    let mut command = Command::new(tool);
    if tool == "pdftotext" {
        command.args([file.to_str().unwrap(), "-"]);
    } else {
        command.arg(&file);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{tool}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

pub fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test]
async fn each_letter_downloads_as_a_pdf_with_its_text_and_the_font_embedded() {
    if !tools_and_font() {
        return;
    }
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = app.requester_with_case("pdf@example.jp").await;
    let (letter_path, title) = letter_links(&app.get(&case_path).await.body, &case_path)
        .into_iter()
        .next()
        .expect("the receipt letter");
    let page = app.get(&letter_path).await.body;
    assert!(
        page.contains(&format!("href=\"{letter_path}/pdf\"")) && page.contains("PDF で保存"),
        "the page offers the PDF"
    );

    let (status, headers, pdf) = download(&app, &app.client, &format!("{letter_path}/pdf")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        pdf.len() < 200_000,
        "a subset, not the 19 MB font: {} bytes",
        pdf.len()
    );

    // The title, number, date, addressee and sender come out as text, as on the page.
    let text = squeezed(&poppler("pdftotext", &pdf));
    for part in [
        "letter-title",
        "letter-number",
        "letter-date",
        "letter-addressee",
        "letter-sender",
    ] {
        let shown = squeezed(&text_of(&page, part).replace("<br>", ""));
        assert!(text.contains(&shown), "{part} {shown:?} in {text}");
    }
    assert!(text.contains(&squeezed(&title)));
    assert!(text.contains("令和"), "the date in 和暦: {text}");
    // One embedded, subset font (emb = yes, sub = yes).
    let fonts = poppler("pdffonts", &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "embedded, subset, with a ToUnicode map: {fonts}"
        );
        assert!(cols[0].contains('+'), "a subset's name: {fonts}");
    }
    let info = poppler("pdfinfo", &pdf);
    assert!(info.contains("(A4)"), "A4: {info}");

    // Staff download the same letter; their download is audited, the requester's page is not.
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    let staff_path = format!("/staff/cases/{id}{}", &letter_path[case_path.len()..]);
    let (status, _, staff_pdf) = download(&app, &clerk.client, &format!("{staff_path}/pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(squeezed(&poppler("pdftotext", &staff_pdf)), text);
    assert_eq!(
        world
            .count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'letter.pdf_downloaded'"),
        1
    );
    // Someone else's link opens nothing.
    let (status, _, _) = download(
        &app,
        &app.client,
        &format!(
            "/case/not-a-link/letters/{}/pdf",
            &letter_path[letter_path.rfind('/').unwrap() + 1..]
        ),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn without_a_font_the_letter_page_says_why_there_is_no_pdf() {
    let world = World::new();
    let app = world
        .spawn_with(|vars| {
            vars.insert("MADOGUCHI_MAIL_POLL_SECONDS".into(), "1".into());
            vars.insert("MADOGUCHI_PROFILE".into(), "national".into());
            vars.insert(
                "MADOGUCHI_LETTER_FONT".into(),
                "/nonexistent/NotoSansCJK-Regular.ttc".into(),
            );
        })
        .await;
    let case_path = app.requester_with_case("nofont@example.jp").await;
    let (letter_path, _) = letter_links(&app.get(&case_path).await.body, &case_path)
        .into_iter()
        .next()
        .expect("the receipt letter");
    let page = app.get(&format!("{letter_path}/pdf")).await;
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("日本語フォントが用意されていない")
            && page.body.contains("MADOGUCHI_LETTER_FONT"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"letter-title\""),
        "the letter is still there to print"
    );
    if let Some(jar) = crate::html_checker::vnu_jar() {
        crate::html_checker::assert_valid(&jar, &[("pdf-unavailable".into(), page.body)]);
    }
}
