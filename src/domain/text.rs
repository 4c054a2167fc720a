//! Bilingual (Japanese / English) text. Every message a requester or staff member may read comes in
//! both languages; fixed texts borrow `'static` strings so that building them costs nothing.

use std::borrow::Cow;

use serde::Serialize;

/// One message in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Bilingual {
    pub ja: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Bilingual {
    /// A fixed text; usable in `const` items.
    pub const fn fixed(ja: &'static str, en: &'static str) -> Self {
        Bilingual {
            ja: Cow::Borrowed(ja),
            en: Cow::Borrowed(en),
        }
    }

    /// A text built at run time (dates, amounts).
    pub fn owned(ja: String, en: String) -> Self {
        Bilingual {
            ja: Cow::Owned(ja),
            en: Cow::Owned(en),
        }
    }
}
