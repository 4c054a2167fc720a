//! How a disclosure reaches the requester (APPI Art. 33(1)-(2) private; Art. 87 public bodies).

use crate::domain::names::stable_names;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryMethod {
    /// Authenticated, time-limited download (電磁的記録の提供).
    ElectronicDownload,
    /// Paper copies by post (書面の交付).
    PaperByPost,
    /// Optical disc by post.
    DiscByPost,
    /// Inspection or copies at the counter (閲覧・窓口交付).
    Counter,
}

stable_names!(DeliveryMethod, "delivery method", {
    ElectronicDownload => "electronic_download",
    PaperByPost => "paper_by_post",
    DiscByPost => "disc_by_post",
    Counter => "counter",
});

impl DeliveryMethod {
    /// Whether postage is charged (施行令 Art. 28: the requester bears 送付に要する費用).
    pub fn is_by_post(self) -> bool {
        matches!(
            self,
            DeliveryMethod::PaperByPost | DeliveryMethod::DiscByPost
        )
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            DeliveryMethod::ElectronicDownload => "電子データのダウンロード",
            DeliveryMethod::PaperByPost => "紙の写しの郵送",
            DeliveryMethod::DiscByPost => "光ディスクの郵送",
            DeliveryMethod::Counter => "窓口での閲覧・交付",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DeliveryMethod::ElectronicDownload => "Electronic download",
            DeliveryMethod::PaperByPost => "Paper copies by post",
            DeliveryMethod::DiscByPost => "Disc by post",
            DeliveryMethod::Counter => "Inspection or copies at the counter",
        }
    }
}
