//! Holes in a draft: the places of a notice template the clerk must fill for each request. The
//! templates mark them in brackets — in Japanese 「（…を記載）」 (any full-width bracket that asks
//! for 記載), in English a bracket that opens with a small letter, e.g. "(state the purpose)" —
//! so that a citation such as 「（法第81条）」 or "(Art. 81)" is never taken for one. A draft
//! holding a hole is not a letter anyone may approve.

use serde::Serialize;

/// A hole found in a draft: the line it is on (from 1) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hole {
    pub line: usize,
    pub text: String,
}

/// Every bracketed stretch of `line` with its brackets, the outermost only (an English hole may
/// hold a citation such as "Art. 32(2)").
fn bracketed(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (at, c) in line.char_indices() {
        match c {
            '(' | '（' => {
                if depth == 0 {
                    start = at;
                }
                depth += 1;
            }
            ')' | '）' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    found.push(&line[start..at + c.len_utf8()]);
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a bracketed stretch is a template's place to fill.
pub fn is_hole(bracketed: &str) -> bool {
    let inner = bracketed
        .trim_start_matches(['(', '（'])
        .trim_end_matches([')', '）'])
        .trim();
    if bracketed.starts_with('（') && inner.contains("記載") {
        return true;
    }
    bracketed.starts_with('(') && inner.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

/// The holes left in `text`, in order.
pub fn holes(text: &str) -> Vec<Hole> {
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            bracketed(line)
                .into_iter()
                .filter(|b| is_hole(b))
                .map(move |b| Hole {
                    line: i + 1,
                    text: b.to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn template_places_are_holes_and_citations_are_not() {
        let draft = "ご請求のあった保有個人情報のうち、次の部分を除いて開示します。\n\n開示しない部分：（該当箇所を記載）\n開示しない理由：第78条第1項第2号（個人に関する情報）";
        assert_eq!(
            holes(draft),
            vec![Hole {
                line: 3,
                text: "（該当箇所を記載）".to_string()
            }]
        );
        assert!(holes("存否を明らかにしないで拒否します（法第81条）。").is_empty());
        let en = "Reason: (state which item of Art. 32(2) applies, specifically)\nAs Art. 81 (Art. 81) says.";
        assert_eq!(
            holes(en),
            vec![Hole {
                line: 1,
                text: "(state which item of Art. 32(2) applies, specifically)".to_string()
            }]
        );
        assert!(holes("理由：（具体的に記載）").len() == 1);
        assert!(holes("All filled in. (Reviewed by the DPO.)").is_empty());
    }

    proptest! {
        /// A text without brackets has no hole; putting a template place anywhere makes one,
        /// found on its line.
        #[test]
        fn a_place_left_anywhere_is_found_on_its_line(
            lines in proptest::collection::vec("[^()（）\n]{0,30}", 1..6),
            at in 0usize..6,
        ) {
            let clean = lines.join("\n");
            prop_assert!(holes(&clean).is_empty());
            let mut with = lines.clone();
            let at = at % with.len();
            with[at].push_str("（該当箇所を記載）");
            let found = holes(&with.join("\n"));
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].line, at + 1);
        }
    }
}
