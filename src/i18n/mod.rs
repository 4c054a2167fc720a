//! The user interface speaks Japanese first and English second. Messages live in one table,
//! `messages.tsv` (key, Japanese, English), compiled into the binary; tests prove every key has
//! both languages and every key a template or the code uses exists.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

const MESSAGES_TSV: &str = include_str!("messages.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

fn catalogue() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static CATALOGUE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> =
        OnceLock::new();
    CATALOGUE.get_or_init(|| {
        MESSAGES_TSV
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut parts = line.split('\t');
                Some((parts.next()?, (parts.next()?, parts.next()?)))
            })
            .collect()
    })
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    /// This language's name, written in it (for the switch link).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
        }
    }

    pub fn is_ja(self) -> bool {
        self == Lang::Ja
    }

    pub fn t(self, key: &str) -> &'static str {
        match catalogue().get(key) {
            Some((ja, en)) => match self {
                Lang::Ja => ja,
                Lang::En => en,
            },
            // A missing key is a bug the catalogue test catches; show something harmless.
            None => "…",
        }
    }

    /// Picks between two texts the code already holds in both languages (e.g. domain labels).
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    pub fn has(key: &str) -> bool {
        catalogue().contains_key(key)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A UTC timestamp as Japanese local time to the minute, the way every page shows times.
pub fn jst_minutes(at: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    // Written field by field: strftime parses its pattern on every call, and a case page shows
    // dozens of these.
    let jst = at + chrono::Duration::hours(9);
    format!("{} {:02}:{:02}", jst.date(), jst.hour(), jst.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_unique_and_complete() {
        let rows: Vec<&str> = MESSAGES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        let keys: Vec<&str> = rows
            .iter()
            .map(|l| l.split('\t').next().unwrap_or_default())
            .collect();
        for pair in keys.windows(2) {
            assert!(
                pair[0] < pair[1],
                "out of order or duplicate: {} / {}",
                pair[0],
                pair[1]
            );
        }
        for row in rows {
            let parts: Vec<&str> = row.split('\t').collect();
            assert_eq!(parts.len(), 3, "key, Japanese, English: {row}");
            assert!(
                parts.iter().all(|p| !p.trim().is_empty()),
                "empty text: {row}"
            );
        }
    }

    #[test]
    fn every_key_used_by_a_template_or_the_code_exists() {
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            scan(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(dir)
                    .as_path(),
                &mut missing,
            );
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:?}"
        );
    }

    fn scan(dir: &std::path::Path, missing: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, missing);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices(".t(\"") {
                let rest = &text[i + 4..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && !key.contains('{') && !Lang::has(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }
}
