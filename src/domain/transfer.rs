//! 移送 (docs/regimes.md §9.5): a public body may hand a disclosure or correction request to
//! another body, after consulting it (協議), where the information came from that body or there
//! is another good reason (Arts. 85(1), 96(1)). The requester is told in writing; the receiving
//! body decides, and what the transferring body did before counts as its own (85(2), 96(2)), so
//! the period runs on from the original arrival. A body cannot transfer a request to itself.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A transfer as the case records it. The reason is kept with the notice to the requester.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransferRecord {
    /// The body the request went to.
    pub to_body: String,
    /// The date of the transfer (and of its notice).
    pub on: NaiveDate,
    /// The decision deadline the receiving body takes over, when it was known.
    pub deadline: Option<NaiveDate>,
}

/// A name as compared: without spaces of any width, full-width letters and digits folded to
/// ASCII, lower case.
fn folded(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name without a parenthesised part, e.g. 「神奈川県（マイME-BYOカルテ）」 → 「神奈川県」.
fn without_aside(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `to_body` names the transferring body itself, under any of the names it goes by.
pub fn is_same_body(to_body: &str, own_names: &[String]) -> bool {
    let wanted = folded(to_body);
    let wanted_bare = folded(&without_aside(to_body));
    own_names.iter().any(|own| {
        let own_full = folded(own);
        let own_bare = folded(&without_aside(own));
        !own_bare.is_empty()
            && (own_full == wanted
                || own_bare == wanted
                || own_full == wanted_bare
                || own_bare == wanted_bare)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_body_is_recognised_however_it_is_typed() {
        let own = vec![
            "神奈川県（マイME-BYOカルテ）".to_string(),
            "Kanagawa Prefecture (My ME-BYO Karte)".to_string(),
        ];
        assert!(is_same_body("神奈川県", &own));
        assert!(is_same_body(" 神奈川県 ", &own));
        assert!(is_same_body("神奈川県（マイＭＥ－ＢＹＯカルテ）", &own));
        assert!(is_same_body("kanagawa prefecture", &own));
        // Another 実施機関 of the same prefecture is another body.
        assert!(!is_same_body("神奈川県警察本部長", &own));
        assert!(!is_same_body("厚生労働大臣", &own));
        assert!(!is_same_body("", &[String::new()]));
    }
}
