//! What a requester must send, stated before the request is made (docs/identity.md): for a
//! requester type under an operator's identity policy, every document, and which of them must
//! arrive as a paper original by post, so that nothing is asked for later as a 補正 with the
//! requester's clock stopped. The list is the identity rule itself asked about an empty set of
//! documents, so the two cannot disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::identity::{self, Channel, IdentityEvaluation, IdentityPolicy, RequesterType};
use crate::domain::text::Bilingual;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The identity rule's code (`resident_record`, `seal_certificate`, …).
    pub code: &'static str,
    pub text: Bilingual,
    /// Must be posted as a paper original (an upload or a copy does not do).
    pub original_by_post: bool,
}

/// The certificates a policy wants as originals when they are sent from afar.
fn original_needed(code: &str, policy: &IdentityPolicy) -> bool {
    match code {
        // 施行令 Art. 21 per the public-body policy: an original 住民票の写し by post.
        "resident_record" => true,
        "parental_authority"
        | "guardianship"
        | "power_of_attorney"
        | "seal_certificate"
        | "seal_certificate_or_principal_id" => policy.certificates_must_be_original,
        _ => false,
    }
}

/// Everything a requester of `requester` type sends online under `policy`, in the rule's order.
pub fn documents_needed(
    requester: RequesterType,
    policy: &IdentityPolicy,
    today: NaiveDate,
) -> Vec<Requirement> {
    match identity::evaluate(requester, Channel::Remote, &[], policy, today) {
        IdentityEvaluation::Satisfied => Vec::new(),
        IdentityEvaluation::Missing(missing) => missing
            .into_iter()
            .map(|m| Requirement {
                original_by_post: original_needed(m.code, policy),
                code: m.code,
                text: m.text,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn codes(r: &[Requirement]) -> Vec<(&str, bool)> {
        r.iter().map(|r| (r.code, r.original_by_post)).collect()
    }

    #[test]
    fn a_public_body_wants_an_original_resident_record_by_post() {
        let needed = documents_needed(
            RequesterType::Principal,
            &IdentityPolicy::public_body(),
            day(),
        );
        assert_eq!(
            codes(&needed),
            vec![("identity_document", false), ("resident_record", true)]
        );
    }

    #[test]
    fn an_appointed_agent_is_told_of_the_principal_s_seal_certificate_up_front() {
        let needed = documents_needed(
            RequesterType::AppointedAgent,
            &IdentityPolicy::private_operator(),
            day(),
        );
        assert_eq!(
            codes(&needed),
            vec![
                ("identity_document", false),
                ("power_of_attorney", false),
                ("seal_certificate", false)
            ]
        );
        assert!(needed[2].text.ja.contains("印鑑登録証明書"));
        let public = documents_needed(
            RequesterType::AppointedAgent,
            &IdentityPolicy::public_body(),
            day(),
        );
        assert!(
            public
                .iter()
                .any(|r| r.code == "seal_certificate_or_principal_id" && r.original_by_post)
        );
    }

    #[test]
    fn every_requester_type_has_something_to_send() {
        for policy in [
            IdentityPolicy::public_body(),
            IdentityPolicy::private_operator(),
        ] {
            for t in RequesterType::ALL {
                assert!(!documents_needed(*t, &policy, day()).is_empty());
            }
        }
    }
}
