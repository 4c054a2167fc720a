//! Staff roles. A requester has no account and therefore no role.

use std::fmt;
use std::str::FromStr;

/// What a signed-in staff member may do. Roles are not ranked: an auditor reads the audit log but
/// cannot act on cases, and an admin configures the operator without approving decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 担当者: carries cases from receipt to decision draft.
    Staff,
    /// 決裁者: approves or returns draft decisions (never their own).
    Approver,
    /// 管理者: operator profile, calendar, fees, templates, staff accounts.
    Admin,
    /// 監査: read-only access to the audit log.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Staff, Role::Approver, Role::Admin, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Approver => "approver",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// Whether people with this role take and work cases (administrators and auditors do not
    /// open case files).
    pub fn works_cases(self) -> bool {
        matches!(self, Role::Staff | Role::Approver)
    }

    /// Who may waive (減免) a fee: approvers only, the one place this is decided (the lifecycle's
    /// permission for a waiver and the waive route both follow it). A waiver gives up money the
    /// operator is owed, so it is an approver's decision like a disclosure decision; clerks
    /// record charges and payments, administrators and auditors do not open case files.
    pub fn may_waive_fees(self) -> bool {
        matches!(self, Role::Approver)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Staff => "担当者",
            Role::Approver => "決裁者",
            Role::Admin => "管理者",
            Role::Auditor => "監査",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Staff => "Staff",
            Role::Approver => "Approver",
            Role::Admin => "Administrator",
            Role::Auditor => "Auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}` (expected one of: staff, approver, admin, auditor)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(" Admin ".parse::<Role>(), Ok(Role::Admin));
        assert!("manager".parse::<Role>().is_err());
    }
}
