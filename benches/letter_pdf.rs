//! Rendering an official letter as PDF (plain std, no harness): a public body's partial-disclosure
//! decision with its particulars and 教示, set in the Japanese font the server uses.
//!
//! Run: `cargo bench --bench letter_pdf`. Prints the font's load time once, then the median time
//! per letter of 7 rounds of 20 letters, and the PDF's size. `LETTER_PDF_OUT=FILE` also writes
//! one letter there, to look at. Needs a Japanese font (`MADOGUCHI_LETTER_FONT`, else Debian's
//! fonts-noto-cjk).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use madoguchi::domain::letters::{LetterContent, Particular};
use madoguchi::pdf::{LetterFont, render};

const ROUNDS: usize = 7;
const LETTERS: usize = 20;

fn letter() -> LetterContent {
    let particular = |label: &str, value: &str| Particular {
        label: label.to_string(),
        value: value.to_string(),
    };
    LetterContent {
        lang: "ja".into(),
        title: "保有個人情報の開示をする旨の決定について（通知）".into(),
        number: "令和8年度個情第128号".into(),
        date: "令和8年12月6日".into(),
        addressee: "山田 花子　様".into(),
        sender: vec!["神奈川県知事 黒岩 裕治".into()],
        seal_note: Some("（公印省略）".into()),
        body: "令和8年11月2日付けで請求のありました保有個人情報の開示について、個人情報の保護に関する法律第82条第1項の規定により、次のとおり開示することと決定しましたので通知します。\nご請求のあった保有個人情報のうち、次の部分を除いて開示します。\n開示しない部分：診療記録中の第三者の氏名\n開示しない理由：開示請求者以外の個人に関する情報であって、開示することにより、開示請求者以外の個人の権利利益を害するおそれがあるため".into(),
        particulars: vec![
            particular("決定の内容", "一部開示"),
            particular(
                "開示しない部分の根拠条項",
                "個人情報の保護に関する法律第78条第1項第2号",
            ),
            particular("開示の実施方法", "写しの交付（郵送）"),
        ],
        remedy: Some("【教示】\n1 この決定に不服がある場合は、この決定があったことを知った日の翌日から起算して3か月以内に、神奈川県知事に対して審査請求をすることができます。\n2 この決定の取消しを求める訴訟は、この決定があったことを知った日の翌日から起算して6か月以内に、神奈川県を被告として（訴訟において神奈川県を代表する者は神奈川県知事となります。）提起することができます。".into()),
        authoritative_note: None,
    }
}

fn main() {
    let configured = std::env::var_os("MADOGUCHI_LETTER_FONT").map(PathBuf::from);
    let started = Instant::now();
    let font = match LetterFont::locate(configured.as_deref()) {
        Ok(font) => font,
        Err(e) => {
            eprintln!("no font to bench with: {e}");
            return;
        }
    };
    println!(
        "font loaded in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let letter = letter();
    let one = render(&letter, &font).expect("a PDF");
    if let Some(out) = std::env::var_os("LETTER_PDF_OUT") {
        std::fs::write(&out, &one).expect("written");
    }
    let mut per_letter = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..LETTERS {
            black_box(render(black_box(&letter), &font).expect("a PDF"));
        }
        per_letter.push(started.elapsed().as_secs_f64() * 1e3 / LETTERS as f64);
    }
    per_letter.sort_by(f64::total_cmp);
    println!(
        "letter PDF: median {:.2} ms per letter ({} rounds of {}), {} bytes",
        per_letter[ROUNDS / 2],
        ROUNDS,
        LETTERS,
        one.len()
    );
}
