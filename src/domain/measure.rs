//! The measures a suspension-type request may ask for (docs/regimes.md §2); each regime's table in
//! [`crate::domain::regime_rules`] says which it offers.

use crate::domain::names::stable_names;

/// What a suspension-type request asks to be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// 利用の停止.
    StopUse,
    /// 消去.
    Erase,
    /// 提供の停止 (to third parties; under 次世代医療基盤法, to the certified producer).
    StopProvision,
    /// 削除 (次世代医療基盤法's 削除の求め, as the certified producer publishes it).
    Delete,
}

stable_names!(Measure, "measure", {
    StopUse => "stop_use",
    Erase => "erase",
    StopProvision => "stop_provision",
    Delete => "delete",
});

impl Measure {
    /// Whether carrying it out removes data for good (PHR guideline Q&A Q3-11: warn first).
    pub fn deletes_data(self) -> bool {
        matches!(self, Measure::Erase | Measure::Delete)
    }
}
