//! Breaking a letter's text into lines that fit the page: Japanese breaks between any two
//! characters, except that closing punctuation (「。」「、」「）」…) never begins a line — it hangs
//! at the end of the line before (ぶら下げ); Latin text breaks at a space where the line has one.

/// Characters that never begin a line (行頭禁則): they hang past the right edge instead.
fn closes(c: char) -> bool {
    matches!(
        c,
        '。' | '、'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | 'ー'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | ','
            | '.'
            | ')'
            | ':'
            | ';'
            | '?'
            | '!'
    )
}

/// Whether a line may be broken at a space before `c` rather than just before it: inside a run
/// of Latin letters and digits, where breaking would split a word.
fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '\'' | '"' | '(' | '/' | '@')
}

/// The lines of `text` no wider than `width`, each character `advance(c)` wide. Each `\n` starts
/// a new line; an empty paragraph stays an empty line. A character wider than the line is put on
/// a line of its own rather than lost.
pub fn wrap(text: &str, width: f32, advance: impl Fn(char) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0f32;
        for c in paragraph.chars() {
            let w = advance(c);
            if used + w <= width || line.is_empty() || closes(c) {
                line.push(c);
                used += w;
                continue;
            }
            // A word of Latin text moves to the next line whole, where the line has a space.
            let carried = if in_word(c) {
                match line.rfind(' ') {
                    Some(at) if line[at + 1..].chars().all(in_word) => {
                        let word = line[at + 1..].to_string();
                        line.truncate(at);
                        word
                    }
                    _ => String::new(),
                }
            } else {
                String::new()
            };
            lines.push(line.trim_end().to_string());
            line = carried;
            if !(line.is_empty() && c == ' ') {
                line.push(c);
            }
            used = line.chars().map(&advance).sum();
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Full-width characters one unit wide, the rest half.
    fn unit(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    #[test]
    fn japanese_breaks_anywhere_but_before_closing_punctuation() {
        let lines = wrap("開示請求書を受け付けました。次のとおり", 6.0, unit);
        assert_eq!(
            lines,
            vec!["開示請求書を", "受け付けまし", "た。次のとお", "り"]
        );
        // 「。」 at the start of a line hangs at the end of the one before.
        let lines = wrap("受け付けました。次のとおり", 7.0, unit);
        assert_eq!(lines, vec!["受け付けました。", "次のとおり"]);
        assert_eq!(wrap("一\n\n二", 6.0, unit), vec!["一", "", "二"]);
    }

    #[test]
    fn english_moves_a_word_to_the_next_line_whole() {
        let lines = wrap("We have received your request", 5.0, unit);
        assert_eq!(lines, vec!["We have", "received", "your", "request"]);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
        );
    }

    proptest! {
        /// Nothing typed is lost or reordered (only the spaces at a break), and every line fits
        /// but for one hanging closing mark or a character wider than the line.
        #[test]
        fn lines_keep_the_text_and_fit(
            text in "[あ-んア-ン漢字、。（）「」a-z0-9 \n]{0,200}",
            width in 1.0f32..40.0,
        ) {
            let lines = wrap(&text, width, unit);
            let squeeze = |s: &str| s.chars().filter(|c| *c != ' ' && *c != '\n').collect::<String>();
            prop_assert_eq!(squeeze(&lines.concat()), squeeze(&text));
            prop_assert_eq!(lines.len() >= text.split('\n').count(), true);
            let fits = |s: &str| s.chars().map(unit).sum::<f32>() <= width + 1e-3;
            for line in &lines {
                let unhung = line.trim_end_matches(closes);
                let one_word = !line.contains(' ') && line.chars().all(in_word);
                prop_assert!(
                    fits(line) || fits(unhung) || line.chars().count() == 1 || one_word,
                    "{:?} does not fit {}", line, width
                );
            }
        }
    }
}
