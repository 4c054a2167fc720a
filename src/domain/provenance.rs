//! Where an operator-profile value comes from (docs/operators.md). A ready profile is built
//! from its operator's published policy (the seed); a value the seed does not state is a
//! default that the operator must confirm before the public is shown it as fact.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Provenance {
    /// Stated in the operator's published policy: the seed file and its section.
    Seed {
        document: &'static str,
        section: &'static str,
    },
    /// Fixed by statute: the article.
    Statute(&'static str),
    /// Confirmed by the operator's administrator in the settings.
    ConfirmedByOperator,
    /// A placeholder default; administrators see it marked, the public does not see it.
    ToConfirm,
}

/// A profile value with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub provenance: Provenance,
}

impl<T> Sourced<T> {
    pub fn seed(value: T, document: &'static str, section: &'static str) -> Self {
        Sourced {
            value,
            provenance: Provenance::Seed { document, section },
        }
    }

    pub fn statute(value: T, article: &'static str) -> Self {
        Sourced {
            value,
            provenance: Provenance::Statute(article),
        }
    }

    pub fn confirmed(value: T) -> Self {
        Sourced {
            value,
            provenance: Provenance::ConfirmedByOperator,
        }
    }

    pub fn to_confirm(value: T) -> Self {
        Sourced {
            value,
            provenance: Provenance::ToConfirm,
        }
    }

    pub fn is_confirmed(&self) -> bool {
        self.provenance != Provenance::ToConfirm
    }

    /// Where it comes from, for administrators: the seed and its section, the article, "確認済み",
    /// or "要確認".
    pub fn source_text(&self) -> crate::domain::text::Bilingual {
        use crate::domain::text::Bilingual;
        match self.provenance {
            Provenance::Seed { document, section } => Bilingual::owned(
                format!("公表資料 {document} {section}"),
                format!("Published policy {document} {section}"),
            ),
            Provenance::Statute(article) => {
                Bilingual::owned(format!("法令（{article}）"), format!("Statute ({article})"))
            }
            Provenance::ConfirmedByOperator => {
                Bilingual::fixed("管理者が確認済み", "Confirmed by an administrator")
            }
            Provenance::ToConfirm => {
                Bilingual::fixed("要確認（仮の値）", "To confirm (a placeholder)")
            }
        }
    }

    /// The value as the public may see it: only once it is confirmed.
    pub fn public(&self) -> Option<&T> {
        self.is_confirmed().then_some(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_confirmed_values_are_public() {
        let seeded = Sourced::seed("0120-000-000", "004", "§5");
        assert_eq!(seeded.public(), Some(&"0120-000-000"));
        let default = Sourced::to_confirm("9:00–17:00");
        assert_eq!(default.public(), None);
        assert!(!default.is_confirmed());
    }
}
