use super::*;
use proptest::prelude::*;

const PUBLIC: [Regime; 2] = [Regime::NationalBody, Regime::LocalBody];
const BUSINESS: [Regime; 2] = [Regime::PrivateBusiness, Regime::MedicalDataHandler];

fn rules(regime: Regime, kind: RequestKind) -> &'static KindRules {
    regime
        .kind_rules(kind)
        .unwrap_or_else(|| panic!("{kind} under {regime}"))
}

#[test]
fn each_regime_knows_its_own_kinds() {
    let kinds =
        |r: Regime| -> Vec<RequestKind> { r.rules().kinds.iter().map(|k| k.kind).collect() };
    for regime in PUBLIC {
        assert_eq!(
            kinds(regime),
            [
                RequestKind::Disclosure,
                RequestKind::Correction,
                RequestKind::Suspension
            ]
        );
    }
    assert_eq!(kinds(Regime::PrivateBusiness).len(), 6);
    assert!(!kinds(Regime::PrivateBusiness).contains(&RequestKind::ProvisionStop));
    assert_eq!(kinds(Regime::MedicalDataHandler), RequestKind::ALL);
    for regime in Regime::ALL {
        assert_eq!(regime.rules().regime, *regime);
        for k in regime.rules().kinds {
            assert!(k.kind.exists_under(*regime));
        }
    }
}

#[test]
fn public_suspension_offers_the_grounds_of_article_98_and_no_business_ground() {
    for regime in PUBLIC {
        let s = rules(regime, RequestKind::Suspension);
        let grounds = |m: Measure| s.measure(m).map(|r| r.grounds.to_vec()).unwrap_or_default();
        let use_grounds = vec![
            RequestGround::HeldBeyondPurpose,
            RequestGround::ImproperHandling,
            RequestGround::UnlawfulAcquisition,
            RequestGround::UsedBeyondPurpose,
        ];
        assert_eq!(grounds(Measure::StopUse), use_grounds);
        assert_eq!(grounds(Measure::Erase), use_grounds);
        // 提供の停止 is asked under Art. 98(1)(ii), against Arts. 69(1)-(2) and 71(1).
        assert_eq!(
            grounds(Measure::StopProvision),
            [
                RequestGround::ProvidedBeyondPurpose,
                RequestGround::ProvidedAbroadUnlawfully
            ]
        );
        for g in s.all_grounds() {
            assert!(g.basis().ja.starts_with("法第98条"), "{g}");
        }
        assert!(!s.all_grounds().contains(&RequestGround::NoLongerNeeded));
        assert_eq!(s.outcomes, [Outcome::Suspend, Outcome::NotSuspend]);
        assert!(s.measure_is_chosen());
    }
}

#[test]
fn business_suspension_and_stop_rest_on_article_35() {
    for regime in BUSINESS {
        let s = rules(regime, RequestKind::Suspension);
        assert!(s.all_grounds().contains(&RequestGround::NoLongerNeeded));
        assert!(s.measure(Measure::StopProvision).is_none());
        let stop = rules(regime, RequestKind::ThirdPartyStop);
        assert!(!stop.measure_is_chosen(), "a single measure is implied");
        assert_eq!(
            stop.measure_asked(None).map(|m| m.measure),
            Some(Measure::StopProvision)
        );
        assert!(
            stop.all_grounds()
                .contains(&RequestGround::ProvidedWithoutConsent)
        );
        assert!(!stop.all_grounds().contains(&RequestGround::BeyondPurpose));
        for k in [s, stop] {
            for g in k.all_grounds() {
                assert!(g.basis().ja.starts_with("法第35条"), "{g}");
            }
        }
    }
}

#[test]
fn the_medical_deletion_request_has_its_own_outcomes_and_needs_no_ground() {
    let p = rules(Regime::MedicalDataHandler, RequestKind::ProvisionStop);
    assert_eq!(
        p.outcomes_for(Some(Measure::Delete)),
        [Outcome::Delete, Outcome::NotDelete]
    );
    assert_eq!(
        p.outcomes_for(Some(Measure::StopProvision)),
        [Outcome::StopProvision, Outcome::NotStopProvision]
    );
    assert_eq!(p.outcomes.len(), 4, "all four when the measure is unknown");
    assert!(p.all_grounds().is_empty());
    assert_eq!(p.check_ground(Some(Measure::Delete), None), Ok(()));
    assert_eq!(
        p.check_ground(None, None),
        Err(GroundProblem::MeasureMissing)
    );
    assert!(
        !p.measure(Measure::Delete)
            .unwrap()
            .basis
            .ja
            .contains("個人情報保護法第35条第3項")
    );
}

#[test]
fn special_rules_and_their_effects_follow_the_articles() {
    for regime in PUBLIC {
        let d = rules(regime, RequestKind::Disclosure).special.unwrap();
        assert_eq!(d.effect, SpecialEffect::PartThenRemainder { part_days: 60 });
        assert_eq!(d.basis.ja, "個人情報保護法第84条");
        let c = rules(regime, RequestKind::Correction).special.unwrap();
        assert_eq!(c.effect, SpecialEffect::WholeByStatedDate);
        assert_eq!(c.basis.ja, "個人情報保護法第95条");
        let s = rules(regime, RequestKind::Suspension).special.unwrap();
        assert_eq!(s.effect, SpecialEffect::WholeByStatedDate);
        assert_eq!(s.basis.ja, "個人情報保護法第103条");
        let ext = |k| rules(regime, k).extension.unwrap().basis.ja;
        assert_eq!(ext(RequestKind::Disclosure), "個人情報保護法第83条第2項");
        assert_eq!(ext(RequestKind::Correction), "個人情報保護法第94条第2項");
        assert_eq!(ext(RequestKind::Suspension), "個人情報保護法第102条第2項");
        let period = |k| rules(regime, k).decision;
        assert_eq!(
            period(RequestKind::Correction),
            DecisionPeriod::Days {
                days: 30,
                basis: LegalBasis::APPI_94
            }
        );
    }
    for regime in BUSINESS {
        for k in regime.rules().kinds {
            assert!(k.special.is_none() && k.extension.is_none(), "{}", k.kind);
            assert!(matches!(k.decision, DecisionPeriod::WithoutDelay { .. }));
        }
    }
}

#[test]
fn prior_disclosure_transfer_consultation_and_warnings_apply_where_the_law_has_them() {
    for regime in Regime::ALL {
        for k in regime.rules().kinds {
            let public = PUBLIC.contains(regime);
            let pd = public && matches!(k.kind, RequestKind::Correction | RequestKind::Suspension);
            assert_eq!(k.prior_disclosure.is_some(), pd, "{regime} {}", k.kind);
            if let Some(p) = k.prior_disclosure {
                assert_eq!(p.days, 90);
            }
            // No transfer article for suspension (Arts. 98-103).
            let tr = public && matches!(k.kind, RequestKind::Disclosure | RequestKind::Correction);
            assert_eq!(k.transfer.is_some(), tr, "{regime} {}", k.kind);
            let disclosure = public && k.kind == RequestKind::Disclosure;
            assert_eq!(k.consultation.is_some(), disclosure);
            assert_eq!(
                k.consultation.map(|c| c.wait_days),
                disclosure.then_some(14)
            );
            // The 過料 concerns obtaining a public body's disclosure by deceit, nothing else.
            let warned = if disclosure {
                vec![Warning::FalseDisclosureFine]
            } else {
                vec![]
            };
            assert_eq!(k.warnings.to_vec(), warned, "{regime} {}", k.kind);
        }
        assert_eq!(regime.rules().transfers(), PUBLIC.contains(regime));
    }
}

#[test]
fn outcomes_of_measures_are_outcomes_of_their_kind() {
    for regime in Regime::ALL {
        for k in regime.rules().kinds {
            assert!(!k.outcomes.is_empty());
            let mut union: Vec<Outcome> = Vec::new();
            for m in k.measures {
                for o in m.outcomes {
                    assert!(k.outcomes.contains(o), "{regime} {} {o}", k.kind);
                    if !union.contains(o) {
                        union.push(*o);
                    }
                }
            }
            if !k.measures.is_empty() {
                assert_eq!(union.len(), k.outcomes.len(), "{regime} {}", k.kind);
            }
            assert_eq!(k.withholding.is_empty(), !k.kind.is_disclosure());
        }
    }
    let outcomes = Regime::PrivateBusiness.rules().outcomes();
    assert!(!outcomes.contains(&Outcome::NeitherConfirmNorDeny));
    assert!(!outcomes.contains(&Outcome::Delete));
    let public = Regime::LocalBody.rules().outcomes();
    assert!(!public.contains(&Outcome::Notify) && !public.contains(&Outcome::StopProvision));
    assert!(
        Regime::MedicalDataHandler
            .rules()
            .outcomes()
            .contains(&Outcome::NotDelete)
    );
}

fn any_regime() -> impl Strategy<Value = Regime> {
    (0..Regime::ALL.len()).prop_map(|i| Regime::ALL[i])
}

fn any_kind() -> impl Strategy<Value = RequestKind> {
    (0..RequestKind::ALL.len()).prop_map(|i| RequestKind::ALL[i])
}

fn any_measure() -> impl Strategy<Value = Option<Measure>> {
    (0..=Measure::ALL.len()).prop_map(|i| Measure::ALL.get(i).copied())
}

fn any_ground() -> impl Strategy<Value = Option<RequestGround>> {
    (0..=RequestGround::ALL.len()).prop_map(|i| RequestGround::ALL.get(i).copied())
}

proptest! {
    /// A ground is accepted exactly when the table lists it for the measure asked for.
    #[test]
    fn grounds_are_accepted_exactly_as_the_table_lists_them(
        regime in any_regime(), kind in any_kind(), measure in any_measure(), ground in any_ground(),
    ) {
        let Some(k) = regime.kind_rules(kind) else {
            prop_assert!(!kind.exists_under(regime));
            prop_assert!(Outcome::allowed(kind, regime).is_empty());
            return Ok(());
        };
        let asked = k.measure_asked(measure);
        let expected = match asked {
            None => k.measures.is_empty(),
            Some(m) => m.grounds.is_empty() || ground.is_some_and(|g| m.grounds.contains(&g)),
        };
        prop_assert_eq!(k.check_ground(measure, ground).is_ok(), expected);
        // The outcomes for a measure are the measure's own, and never outside the kind's.
        let outcomes = Outcome::allowed_for(kind, regime, measure);
        prop_assert_eq!(outcomes, asked.map_or(k.outcomes, |m| m.outcomes));
        for o in outcomes {
            prop_assert!(o.is_allowed(kind, regime));
        }
    }
}

#[test]
fn local_bodies_follow_the_national_table() {
    assert_eq!(
        Regime::LocalBody.rules().kinds,
        Regime::NationalBody.rules().kinds
    );
}
