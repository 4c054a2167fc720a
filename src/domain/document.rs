//! A stored document's purpose and where its review stands (docs/identity.md §6).

use crate::domain::names::stable_names;

/// Why a document is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentPurpose {
    /// An identity document of the requester (or the person an agent acts for).
    Identity,
    /// A proof of an agent's authority.
    Authority,
    /// A file disclosed to the requester.
    Disclosure,
}

stable_names!(DocumentPurpose, "document purpose", {
    Identity => "identity",
    Authority => "authority",
    Disclosure => "disclosure",
});

impl DocumentPurpose {
    /// Whether the requester sent it (identity or authority), rather than the operator.
    pub fn from_requester(self) -> bool {
        self != DocumentPurpose::Disclosure
    }
}

/// Where a document's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentStatus {
    Submitted,
    Accepted,
    Rejected,
    /// More than the rule needs (a superfluous copy, an undated extra): set aside without asking
    /// the requester for anything, and never counted against the identity rule.
    NotNeeded,
    /// Destroyed for what it showed (a My Number) or at the end of its retention period.
    Destroyed,
}

stable_names!(DocumentStatus, "document status", {
    Submitted => "submitted",
    Accepted => "accepted",
    Rejected => "rejected",
    NotNeeded => "not_needed",
    Destroyed => "destroyed",
});

impl DocumentStatus {
    /// The verdict of a review.
    pub fn of_verdict(accepted: bool) -> DocumentStatus {
        if accepted {
            DocumentStatus::Accepted
        } else {
            DocumentStatus::Rejected
        }
    }
}

/// Where a drafted decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionStatus {
    /// Waiting for an approver.
    Pending,
    /// Sent back to its drafter.
    Returned,
    /// Approved: the notice is issued.
    Approved,
}

stable_names!(DecisionStatus, "decision status", {
    Pending => "pending",
    Returned => "returned",
    Approved => "approved",
});
