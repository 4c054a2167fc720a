//! The letters an approved decision issues besides its own text: under Art. 84 the part's and the
//! remainder's letters each say which decision they are, and where a consulted third party
//! objected to a disclosure, that party is told of the decision, its reason and the day of
//! disclosure (Art. 86(3); docs/notices.md §5).

use chrono::NaiveDate;

use super::{Casework, CaseworkError, corrupt};
use crate::db::cases::CaseRow;
use crate::domain::consultation::{self, ThirdPartyReply};
use crate::domain::letters::LetterKind;
use crate::domain::lifecycle::{CaseFacts, DecisionScope};
use crate::domain::outcome::Outcome;
use crate::domain::text::Bilingual;
use crate::service::letters::{self, Stage};

/// The line of an Art. 84 decision's letter that says which decision it is: the part, with the
/// date the rest is decided by; the remainder, with the part's letter (its date and number).
pub async fn scope_particular(
    cw: &Casework<'_>,
    row: &CaseRow,
    facts: &CaseFacts,
    scope: DecisionScope,
) -> Result<Option<(Bilingual, Bilingual)>, CaseworkError> {
    let Some(special) = facts.rules().and_then(|r| r.special) else {
        return Ok(None);
    };
    let basis = special.basis;
    let profile = &cw.desk.profile;
    let label = Bilingual::fixed("決定の範囲", "Scope of this decision");
    let value = match scope {
        DecisionScope::Whole => return Ok(None),
        DecisionScope::Part => {
            let rest = facts
                .special_extension_rest_by
                .map(|d| letters::date_value(profile, d));
            let (rest_ja, rest_en) = match &rest {
                Some(d) => (
                    format!("残りの部分については、{}までに決定します。", d.ja),
                    format!(" The remainder will be decided by {}.", d.en),
                ),
                None => (String::new(), String::new()),
            };
            Bilingual::owned(
                format!(
                    "{}の規定により、ご請求に係る保有個人情報のうち相当の部分について行う決定です。{rest_ja}",
                    basis.ja
                ),
                format!(
                    "Under {}, this decision covers a considerable part of the information you asked for.{rest_en}",
                    basis.en
                ),
            )
        }
        DecisionScope::Remainder => {
            let id = row.id.clone();
            let part = cw
                .db
                .read(move |conn| crate::db::letters::list_for_case(conn, &id))
                .await?
                .into_iter()
                .find(|l| {
                    matches!(
                        LetterKind::parse(&l.kind),
                        Some(LetterKind::PartDecision(_))
                    )
                });
            let (part_ja, part_en) = match part {
                Some(letter) => {
                    let on = letters::date_value(profile, letter.issued_on);
                    (
                        format!(
                            "相当の部分については、{}付け{}で通知しました。",
                            on.ja, letter.number
                        ),
                        format!(
                            " The decision on the considerable part was sent on {} as {}.",
                            on.en, letter.number
                        ),
                    )
                }
                None => (String::new(), String::new()),
            };
            Bilingual::owned(
                format!(
                    "{}の規定により、ご請求に係る保有個人情報のうち残りの部分について行う決定です。{part_ja}",
                    basis.ja
                ),
                format!(
                    "Under {}, this decision covers the remainder of the information you asked for.{part_en}",
                    basis.en
                ),
            )
        }
    };
    Ok(Some((label, value)))
}

/// The third parties who objected to a disclosure now decided, by the names staff recorded
/// when consulting them (kept sealed as internal notes under each consultation's id).
pub async fn objectors(
    cw: &Casework<'_>,
    row: &CaseRow,
    facts: &CaseFacts,
    outcome: Outcome,
) -> Result<Vec<String>, CaseworkError> {
    if !outcome.needs_delivery() || facts.rules().and_then(|r| r.consultation).is_none() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for consulted in &facts.consultations {
        if consulted.reply != Some(ThirdPartyReply::Objects) {
            continue;
        }
        let (case_id, id) = (row.id.clone(), consulted.id.clone());
        let note = cw
            .db
            .read(move |conn| crate::db::messages::find(conn, &case_id, &id))
            .await?
            .ok_or_else(|| corrupt("consultation note missing"))?;
        let name = cw
            .desk
            .master
            .open_value(&format!("message:{}", note.id), &note.sealed_body)
            .map_err(corrupt)?;
        names.push(String::from_utf8_lossy(&name).into_owned());
    }
    Ok(names)
}

/// The Art. 86(3) notice: that disclosure was decided on `decided_on` over the party's
/// objection, why, and the first day of disclosure — two full weeks later, the day before which
/// delivery is refused (domain::consultation).
pub fn third_party_stage(
    cw: &Casework<'_>,
    facts: &CaseFacts,
    reason: &str,
    decided_on: NaiveDate,
) -> Option<Stage> {
    let rule = facts.rules()?.consultation?;
    let profile = &cw.desk.profile;
    let from = consultation::disclosure_allowed_from(decided_on, rule.wait_days);
    let from = letters::date_value(profile, from);
    Some(Stage {
        kind: LetterKind::ThirdPartyNotice,
        body: Bilingual::owned(
            format!(
                "あなたから提出された反対意見書に係る保有個人情報について、開示決定をしましたので、{}の規定により、次のとおり通知します。",
                rule.wait_basis.ja
            ),
            format!(
                "Under {}, we tell you that we have decided to disclose the information your written objection concerned, as follows.",
                rule.wait_basis.en
            ),
        ),
        particulars: vec![
            (
                Bilingual::fixed("開示決定をした日", "Decided on"),
                letters::date_value(profile, decided_on),
            ),
            (
                Bilingual::fixed("開示決定の理由", "Reason for the decision"),
                Bilingual::owned(reason.to_string(), reason.to_string()),
            ),
            (
                Bilingual::fixed("開示を実施する日", "Disclosure on"),
                Bilingual::owned(
                    format!("{}（この日より前には開示を実施しません。）", from.ja),
                    format!("{} (not before this day)", from.en),
                ),
            ),
        ],
    })
}
