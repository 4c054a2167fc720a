use super::*;
use crate::domain::role::Role;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet, VecDeque};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-02T10:00:00+09:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn later(days: i64) -> DateTime<Utc> {
    now() + chrono::TimeDelta::days(days)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn staff() -> Actor {
    Actor::staff("s-1", Role::Staff)
}
fn approver() -> Actor {
    Actor::staff("a-1", Role::Approver)
}
fn other_approver() -> Actor {
    Actor::staff("a-2", Role::Approver)
}

fn national_disclosure() -> CaseFacts {
    let mut f = CaseFacts::new(
        RequestKind::Disclosure,
        Regime::NationalBody,
        Entry::Online,
        30,
        true,
    )
    .unwrap();
    f.unextended_deadline = Some(d(2025, 7, 2));
    f
}

fn step(facts: &CaseFacts, event: Event, actor: &Actor) -> Transition {
    apply(facts, &event, actor, now()).unwrap_or_else(|r| panic!("{event:?} refused: {r}"))
}

#[test]
fn a_disclosure_from_submission_to_delivery() {
    let f = national_disclosure();
    let t = step(&f, Event::ConfirmEmail, &Actor::Requester);
    assert_eq!(
        (t.from, t.to),
        (CaseState::Unconfirmed, CaseState::Received)
    );
    assert!(t.clock.starts);
    let t = step(
        &t.facts,
        Event::InvoiceFee {
            amount: Yen(300),
            fee_after: FeeStatus::Outstanding { amount: Yen(300) },
        },
        &Actor::System,
    );
    let t = step(&t.facts, Event::StartIdentityReview, &staff());
    // Documents not yet satisfying the policy: verification is refused.
    assert_eq!(
        apply(&t.facts, &Event::VerifyIdentity, &staff(), now()).unwrap_err(),
        Refusal::IdentityRequirementsNotMet
    );
    let mut f = t.facts;
    f.identity_requirements_met = true;
    let t = step(&f, Event::VerifyIdentity, &staff());
    assert_eq!(t.to, CaseState::AwaitingPayment);
    assert_eq!(t.clock.pause_begins, Some(PauseReason::Payment));
    let t = step(
        &t.facts,
        Event::RecordPayment {
            amount: Yen(300),
            fee_after: FeeStatus::Settled,
        },
        &staff(),
    );
    assert_eq!(t.to, CaseState::InReview);
    assert!(t.clock.resumes());
    let t = step(
        &t.facts,
        Event::SubmitDraft {
            outcome: Outcome::PartialDisclosure,
        },
        &approver(),
    );
    assert_eq!(t.to, CaseState::AwaitingApproval);
    // Four eyes: the drafter cannot approve.
    assert_eq!(
        apply(&t.facts, &Event::ApproveDecision, &approver(), now()).unwrap_err(),
        Refusal::ApproverIsDrafter
    );
    assert!(!allowed_events(&t.facts, &approver(), now()).contains(&EventKind::ApproveDecision));
    assert!(
        allowed_events(&t.facts, &other_approver(), now()).contains(&EventKind::ApproveDecision)
    );
    let t = step(&t.facts, Event::ApproveDecision, &other_approver());
    assert_eq!(t.to, CaseState::Decided);
    assert!(t.clock.ends);
    assert_eq!(t.facts.decided_outcome, Some(Outcome::PartialDisclosure));
    let t = step(
        &t.facts,
        Event::ChooseDeliveryMethod {
            method: DeliveryMethod::PaperByPost,
        },
        &Actor::Requester,
    );
    let t = step(
        &t.facts,
        Event::InvoiceFee {
            amount: Yen(110),
            fee_after: FeeStatus::Outstanding { amount: Yen(110) },
        },
        &staff(),
    );
    assert_eq!(
        apply(&t.facts, &Event::Deliver, &staff(), now()).unwrap_err(),
        Refusal::FeeNotSettled {
            outstanding: Yen(110)
        }
    );
    assert_eq!(
        apply(&t.facts, &Event::Close, &staff(), now()).unwrap_err(),
        Refusal::DeliveryPending
    );
    let t = step(
        &t.facts,
        Event::RecordPayment {
            amount: Yen(110),
            fee_after: FeeStatus::Settled,
        },
        &staff(),
    );
    let t = step(&t.facts, Event::Deliver, &staff());
    assert_eq!((t.from, t.to), (CaseState::Decided, CaseState::Closed));
}

#[test]
fn a_correction_stops_and_resumes_the_clock() {
    let mut f = national_disclosure();
    f.state = CaseState::IdentityReview;
    let t = step(
        &f,
        Event::RequestCorrection {
            reply_by: d(2025, 6, 16),
            reason: "住所の記載漏れ".into(),
        },
        &staff(),
    );
    assert_eq!(t.to, CaseState::AwaitingRequester);
    assert!(t.clock.stops());
    assert_eq!(t.clock.pause_begins, Some(PauseReason::Correction));
    let t = step(&t.facts, Event::RequesterAnswered, &Actor::System);
    assert_eq!(t.to, CaseState::IdentityReview);
    assert!(t.clock.resumes());
    assert_eq!(t.clock.pause_ends, Some(PauseReason::Correction));
    assert_eq!(t.facts.correction_reply_by, None);
}

#[test]
fn correction_reply_by_must_not_be_past_and_dismissal_waits_for_it() {
    let mut f = national_disclosure();
    f.state = CaseState::Received;
    let r = apply(
        &f,
        &Event::RequestCorrection {
            reply_by: d(2025, 6, 1),
            reason: "x".into(),
        },
        &staff(),
        now(),
    );
    assert!(matches!(r, Err(Refusal::ReplyByInPast { .. })));
    let t = step(
        &f,
        Event::RequestCorrection {
            reply_by: d(2025, 6, 16),
            reason: "x".into(),
        },
        &staff(),
    );
    let dismiss = Event::Dismiss {
        reason: "補正なし".into(),
    };
    assert_eq!(
        apply(&t.facts, &dismiss, &staff(), now()).unwrap_err(),
        Refusal::ReplyPeriodRunning {
            reply_by: d(2025, 6, 16)
        }
    );
    let done = apply(&t.facts, &dismiss, &staff(), later(15)).unwrap();
    assert_eq!(done.to, CaseState::Dismissed);
    assert_eq!(done.clock.pause_ends, Some(PauseReason::Correction));
    assert!(done.clock.ends);
}

#[test]
fn the_system_dismisses_only_a_lapsed_correction_request() {
    let dismiss = Event::Dismiss {
        reason: "補正なし".into(),
    };
    let mut f = national_disclosure();
    f.state = CaseState::Received;
    assert!(matches!(
        apply(&f, &dismiss, &Actor::System, later(30)),
        Err(Refusal::NotPermitted { .. })
    ));
    let asked = step(
        &f,
        Event::RequestCorrection {
            reply_by: d(2025, 6, 16),
            reason: "x".into(),
        },
        &staff(),
    );
    assert_eq!(
        apply(&asked.facts, &dismiss, &Actor::System, now()).unwrap_err(),
        Refusal::ReplyPeriodRunning {
            reply_by: d(2025, 6, 16)
        }
    );
    let done = apply(&asked.facts, &dismiss, &Actor::System, later(15)).unwrap();
    assert_eq!(done.to, CaseState::Dismissed);
    // Answered in time: back under review, where only staff may dismiss.
    let answered = step(&asked.facts, Event::RequesterAnswered, &Actor::Requester);
    assert!(matches!(
        apply(&answered.facts, &dismiss, &Actor::System, later(30)),
        Err(Refusal::NotPermitted { .. })
    ));
}

#[test]
fn kinds_without_fees_never_get_one() {
    for (kind, regime) in [
        (RequestKind::Correction, Regime::NationalBody),
        (RequestKind::Suspension, Regime::LocalBody),
        (RequestKind::ThirdPartyStop, Regime::PrivateBusiness),
        (RequestKind::ProvisionStop, Regime::MedicalDataHandler),
    ] {
        let mut f = CaseFacts::new(kind, regime, Entry::StaffEntered, 30, true).unwrap();
        assert_eq!(
            apply(
                &f,
                &Event::InvoiceFee {
                    amount: Yen(300),
                    fee_after: FeeStatus::Outstanding { amount: Yen(300) }
                },
                &staff(),
                now()
            )
            .unwrap_err(),
            Refusal::FeeNotAllowed { kind, regime }
        );
        assert!(!allowed_events(&f, &staff(), now()).contains(&EventKind::InvoiceFee));
        f.state = CaseState::IdentityReview;
        assert!(
            apply(
                &f,
                &Event::InvoiceFee {
                    amount: Yen(1),
                    fee_after: FeeStatus::Outstanding { amount: Yen(1) }
                },
                &Actor::System,
                now()
            )
            .is_err()
        );
    }
}

#[test]
fn extension_only_once_in_range_and_in_time() {
    let mut f = national_disclosure();
    f.state = CaseState::InReview;
    let ext = |days| Event::ExtendDeadline {
        days,
        reason: "大量の文書".into(),
    };
    assert_eq!(
        apply(&f, &ext(31), &staff(), now()).unwrap_err(),
        Refusal::ExtensionOutOfRange {
            requested: 31,
            max: 30
        }
    );
    assert!(matches!(
        apply(&f, &ext(0), &staff(), now()),
        Err(Refusal::ExtensionOutOfRange { .. })
    ));
    assert_eq!(
        apply(
            &f,
            &Event::ExtendDeadline {
                days: 5,
                reason: " ".into()
            },
            &staff(),
            now()
        )
        .unwrap_err(),
        Refusal::ReasonRequired
    );
    // After the unextended deadline (2025-07-02) it is too late.
    assert_eq!(
        apply(&f, &ext(10), &staff(), later(31)).unwrap_err(),
        Refusal::ExtensionTooLate {
            unextended_deadline: d(2025, 7, 2)
        }
    );
    let t = step(&f, ext(30), &staff());
    assert_eq!((t.from, t.to), (CaseState::InReview, CaseState::InReview));
    assert_eq!(t.facts.extension_days, Some(30));
    assert_eq!(
        apply(&t.facts, &ext(1), &staff(), now()).unwrap_err(),
        Refusal::ExtensionAlreadyUsed
    );
    // No deadline known: refused with a reason.
    f.unextended_deadline = None;
    assert_eq!(
        apply(&f, &ext(1), &staff(), now()).unwrap_err(),
        Refusal::DeadlineUnknown
    );
    // A profile without extensions.
    f.max_extension_days = 0;
    assert_eq!(
        apply(&f, &ext(1), &staff(), now()).unwrap_err(),
        Refusal::ExtensionNotAvailable
    );
}

#[test]
fn public_body_only_events() {
    let mut private = CaseFacts::new(
        RequestKind::Disclosure,
        Regime::PrivateBusiness,
        Entry::StaffEntered,
        0,
        true,
    )
    .unwrap();
    private.unextended_deadline = Some(d(2025, 7, 2));
    let transfer = Event::Transfer {
        to_body: "○○省".into(),
    };
    assert_eq!(
        apply(&private, &transfer, &staff(), now()).unwrap_err(),
        Refusal::TransferOnlyForPublicBodies
    );
    let special = Event::ApplySpecialExtension {
        rest_by: d(2025, 9, 30),
        reason: "大量".into(),
    };
    assert_eq!(
        apply(&private, &special, &staff(), now()).unwrap_err(),
        Refusal::SpecialExtensionOnlyForPublicBodies
    );
    let mut public = national_disclosure();
    public.state = CaseState::Received;
    assert_eq!(step(&public, transfer, &staff()).to, CaseState::Transferred);
    let t = step(&public, special.clone(), &staff());
    assert_eq!(t.facts.special_extension_rest_by, Some(d(2025, 9, 30)));
    assert_eq!(
        apply(&t.facts, &special, &staff(), now()).unwrap_err(),
        Refusal::SpecialExtensionAlreadyUsed
    );
}

#[test]
fn outcomes_are_checked_per_kind_and_regime() {
    let mut f = CaseFacts::new(
        RequestKind::Disclosure,
        Regime::PrivateBusiness,
        Entry::StaffEntered,
        0,
        true,
    )
    .unwrap();
    f.state = CaseState::InReview;
    f.identity_verified = true;
    let r = apply(
        &f,
        &Event::SubmitDraft {
            outcome: Outcome::NeitherConfirmNorDeny,
        },
        &staff(),
        now(),
    );
    assert!(matches!(r, Err(Refusal::OutcomeNotAllowed { .. })));
    let r = apply(
        &f,
        &Event::SubmitDraft {
            outcome: Outcome::Correct,
        },
        &staff(),
        now(),
    );
    assert!(matches!(r, Err(Refusal::OutcomeNotAllowed { .. })));
    // A decision without delivery closes directly.
    let t = step(
        &f,
        Event::SubmitDraft {
            outcome: Outcome::NotHeld,
        },
        &staff(),
    );
    let t = step(&t.facts, Event::ApproveDecision, &approver());
    assert!(!allowed_events(&t.facts, &staff(), now()).contains(&EventKind::Deliver));
    assert_eq!(step(&t.facts, Event::Close, &staff()).to, CaseState::Closed);
}

#[test]
fn allowed_events_depend_on_role() {
    let mut f = national_disclosure();
    f.state = CaseState::Received;
    assert_eq!(
        allowed_events(&f, &Actor::Requester, now()),
        vec![EventKind::Withdraw]
    );
    assert!(allowed_events(&f, &Actor::staff("x", Role::Auditor), now()).is_empty());
    assert!(allowed_events(&f, &Actor::staff("x", Role::Admin), now()).is_empty());
    assert_eq!(
        allowed_events(&f, &staff(), now()),
        vec![
            EventKind::StartIdentityReview,
            EventKind::RequestCorrection,
            EventKind::InvoiceFee,
            EventKind::ExtendDeadline,
            EventKind::ApplySpecialExtension,
            EventKind::Withdraw,
            EventKind::Dismiss,
            EventKind::Transfer,
        ]
    );
    assert_eq!(
        apply(
            &f,
            &Event::WaiveFee {
                reason: "生活保護".into(),
                fee_after: FeeStatus::Settled,
            },
            &approver(),
            now()
        )
        .unwrap_err(),
        Refusal::NothingOutstanding
    );
    f.fee = FeeStatus::Outstanding { amount: Yen(300) };
    assert!(matches!(
        apply(
            &f,
            &Event::WaiveFee {
                reason: "生活保護".into(),
                fee_after: FeeStatus::Settled,
            },
            &staff(),
            now()
        ),
        Err(Refusal::NotPermitted { .. })
    ));
    assert!(allowed_events(&f, &approver(), now()).contains(&EventKind::WaiveFee));
}

#[test]
fn refusals_explain_themselves_in_both_languages() {
    let refusal = Refusal::WrongState {
        event: EventKind::Deliver,
        state: CaseState::Received,
    };
    assert_eq!(
        refusal.message_ja(),
        "「受付」の状態では「開示を実施」はできません。"
    );
    assert_eq!(
        refusal.message_en(),
        "`deliver` is not possible while the case is `received`."
    );
    let json = serde_json::to_value(Refusal::FeeNotSettled {
        outstanding: Yen(300),
    })
    .unwrap();
    assert_eq!(json["code"], "fee_not_settled");
    assert_eq!(json["ja"], "手数料が納付されていません（未納300円）。");
    assert!(
        CaseFacts::new(
            RequestKind::PurposeNotice,
            Regime::LocalBody,
            Entry::Online,
            30,
            true
        )
        .is_err()
    );
}

// ---- Exhaustive exploration -------------------------------------------------------------------

fn alphabet(f: &CaseFacts) -> Vec<Event> {
    let mut events = vec![
        Event::ConfirmEmail,
        Event::ExpireUnconfirmed,
        Event::StartIdentityReview,
        Event::VerifyIdentity,
        Event::RequestCorrection {
            reply_by: d(2025, 6, 9),
            reason: "r".into(),
        },
        Event::RequesterAnswered,
        Event::InvoiceFee {
            amount: Yen(300),
            fee_after: FeeStatus::Outstanding { amount: Yen(300) },
        },
        Event::RecordPayment {
            amount: Yen(300),
            fee_after: FeeStatus::Settled,
        },
        Event::WaiveFee {
            reason: "r".into(),
            fee_after: FeeStatus::Settled,
        },
        // What a ledger can also report: a part paid or waived. (An overpayment is settled by a
        // refund, a ledger entry outside the case's states: `service::casework::fees`.)
        Event::RecordPayment {
            amount: Yen(100),
            fee_after: FeeStatus::Outstanding { amount: Yen(200) },
        },
        Event::WaiveFee {
            reason: "r".into(),
            fee_after: FeeStatus::Outstanding { amount: Yen(100) },
        },
        Event::ReturnDraft {
            comment: "c".into(),
        },
        Event::ApproveDecision,
        Event::ExtendDeadline {
            days: 30,
            reason: "r".into(),
        },
        Event::ApplySpecialExtension {
            rest_by: d(2025, 9, 30),
            reason: "r".into(),
        },
        Event::ChooseDeliveryMethod {
            method: DeliveryMethod::ElectronicDownload,
        },
        Event::Deliver,
        Event::Close,
        Event::Withdraw,
        Event::Dismiss { reason: "r".into() },
        Event::Transfer {
            to_body: "b".into(),
        },
    ];
    for outcome in Outcome::allowed(f.kind, f.regime) {
        events.push(Event::SubmitDraft { outcome: *outcome });
    }
    events
}

fn actors() -> Vec<Actor> {
    vec![
        Actor::Requester,
        Actor::System,
        staff(),
        approver(),
        other_approver(),
    ]
}

/// Every successor of a configuration: events by every actor at two instants, plus the outside
/// fact that the identity documents come to satisfy the policy.
fn successors(f: &CaseFacts) -> Vec<(CaseFacts, Option<Transition>)> {
    let mut out = Vec::new();
    if !f.identity_requirements_met {
        let mut g = f.clone();
        g.identity_requirements_met = true;
        out.push((g, None));
    }
    for event in alphabet(f) {
        for actor in actors() {
            for at in [now(), later(10)] {
                // Repeated invoices would make the space infinite; one outstanding fee is enough.
                if let Ok(t) = apply(f, &event, &actor, at)
                    && t.facts.fee.outstanding() <= Yen(300)
                {
                    out.push((t.facts.clone(), Some(t)));
                }
            }
        }
    }
    out
}

fn starts() -> Vec<CaseFacts> {
    let mut v = Vec::new();
    for regime in Regime::ALL {
        for kind in RequestKind::ALL {
            for entry in [Entry::Online, Entry::StaffEntered] {
                for stops in [true, false] {
                    if let Ok(mut f) = CaseFacts::new(*kind, *regime, entry, 30, stops) {
                        f.unextended_deadline = Some(d(2025, 7, 2));
                        v.push(f);
                    }
                }
            }
        }
    }
    v
}

#[test]
fn every_state_is_reachable_and_every_case_can_end() {
    let mut seen: HashSet<CaseFacts> = HashSet::new();
    let mut edges: HashMap<CaseFacts, Vec<CaseFacts>> = HashMap::new();
    let mut queue: VecDeque<CaseFacts> = starts().into_iter().collect();
    while let Some(f) = queue.pop_front() {
        if !seen.insert(f.clone()) {
            continue;
        }
        let next = successors(&f);
        for (g, transition) in &next {
            if let Some(t) = transition
                && t.from != t.to
                && matches!(t.to, CaseState::AwaitingApproval | CaseState::Decided)
            {
                assert!(
                    t.facts.identity_verified && t.facts.fee.is_settled(),
                    "{t:?}"
                );
            }
            if !f.kind.may_carry_fee(f.regime) {
                assert_eq!(g.fee, FeeStatus::NotRequired);
            }
            queue.push_back(g.clone());
        }
        edges.insert(f, next.into_iter().map(|(g, _)| g).collect());
    }
    let states: HashSet<CaseState> = seen.iter().map(|f| f.state).collect();
    for state in CaseState::ALL {
        assert!(states.contains(state), "{state} unreachable");
    }
    // Backward fixpoint: which configurations can reach a terminal state?
    let mut can_end: HashSet<&CaseFacts> = seen.iter().filter(|f| f.state.is_terminal()).collect();
    loop {
        let before = can_end.len();
        for (f, next) in &edges {
            if !can_end.contains(f) && next.iter().any(|g| can_end.contains(g)) {
                can_end.insert(f);
            }
        }
        if can_end.len() == before {
            break;
        }
    }
    let stuck: Vec<_> = seen.iter().filter(|f| !can_end.contains(f)).collect();
    assert!(
        stuck.is_empty(),
        "{} stuck, e.g. {:?}",
        stuck.len(),
        stuck.first()
    );
    for f in seen.iter().filter(|f| f.state.is_terminal()) {
        assert!(
            edges[f]
                .iter()
                .all(|g| g == f || g.state == f.state && g.identity_requirements_met)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_sequence_decides_without_identity_and_fee(
        start in 0usize..1000,
        script in proptest::collection::vec((0usize..64, 0usize..5, 0i64..40, any::<bool>()), 1..60),
    ) {
        let starts = starts();
        let mut f = starts[start % starts.len()].clone();
        for (event_index, actor_index, day, documents_ok) in script {
            if documents_ok {
                f.identity_requirements_met = true;
            }
            let events = alphabet(&f);
            let event = &events[event_index % events.len()];
            let actor = &actors()[actor_index];
            if let Ok(t) = apply(&f, event, actor, later(day)) {
                let enters_decision = t.from != t.to
                    && matches!(t.to, CaseState::Decided | CaseState::AwaitingApproval);
                if enters_decision {
                    prop_assert!(t.facts.identity_verified);
                    prop_assert!(t.facts.fee.is_settled());
                }
                if t.facts.fee != FeeStatus::NotRequired {
                    prop_assert!(f.kind.may_carry_fee(f.regime));
                }
                // No sequence closes a case with money owed either way.
                if t.from != t.to && t.to == CaseState::Closed {
                    prop_assert!(t.facts.fee.is_square(), "{:?}", t.facts.fee);
                }
                prop_assert_eq!(t.from, f.state);
                f = t.facts;
            }
        }
    }
}

/// A schedule not paid in advance (a local body's copies, an operator that invoices after the
/// decision): the decision goes ahead while the fee is owed, delivery and closing wait for it.
#[test]
fn a_fee_not_paid_in_advance_holds_delivery_not_the_decision() {
    let mut f = national_disclosure();
    f.fee_in_advance = false;
    f.identity_requirements_met = true;
    let t = step(&f, Event::ConfirmEmail, &Actor::Requester);
    let t = step(
        &t.facts,
        Event::InvoiceFee {
            amount: Yen(300),
            fee_after: FeeStatus::Outstanding { amount: Yen(300) },
        },
        &Actor::System,
    );
    let t = step(&t.facts, Event::StartIdentityReview, &staff());
    let t = step(&t.facts, Event::VerifyIdentity, &staff());
    assert_eq!(t.to, CaseState::InReview, "not waiting for payment");
    let t = step(
        &t.facts,
        Event::SubmitDraft {
            outcome: Outcome::PartialDisclosure,
        },
        &staff(),
    );
    let t = step(&t.facts, Event::ApproveDecision, &approver());
    let t = step(
        &t.facts,
        Event::ChooseDeliveryMethod {
            method: DeliveryMethod::PaperByPost,
        },
        &Actor::Requester,
    );
    assert_eq!(
        apply(&t.facts, &Event::Deliver, &staff(), now()).unwrap_err(),
        Refusal::FeeNotSettled {
            outstanding: Yen(300)
        }
    );
    // The same case paid in advance waits for the fee before the decision.
    let mut g = national_disclosure();
    g.identity_requirements_met = true;
    let t = step(&g, Event::ConfirmEmail, &Actor::Requester);
    let t = step(
        &t.facts,
        Event::InvoiceFee {
            amount: Yen(300),
            fee_after: FeeStatus::Outstanding { amount: Yen(300) },
        },
        &Actor::System,
    );
    let t = step(&t.facts, Event::StartIdentityReview, &staff());
    let t = step(&t.facts, Event::VerifyIdentity, &staff());
    assert_eq!(t.to, CaseState::AwaitingPayment);
}
