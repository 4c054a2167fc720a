use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: fn() -> NaiveDate = || d(2025, 6, 2);

fn doc(doc_type: DocumentType, holder: Holder) -> AcceptedDocument {
    AcceptedDocument {
        doc_type,
        holder,
        issued_on: None,
        expires_on: None,
        original: false,
    }
}

fn certificate(
    doc_type: DocumentType,
    holder: Holder,
    issued: NaiveDate,
    original: bool,
) -> AcceptedDocument {
    AcceptedDocument {
        doc_type,
        holder,
        issued_on: Some(issued),
        expires_on: None,
        original,
    }
}

fn codes(e: &IdentityEvaluation) -> Vec<&'static str> {
    match e {
        IdentityEvaluation::Satisfied => Vec::new(),
        IdentityEvaluation::Missing(m) => m.iter().map(|m| m.code).collect(),
    }
}

#[test]
fn private_one_photo_id_or_two_without_photo() {
    let p = IdentityPolicy::private_operator();
    let ok = evaluate(
        RequesterType::Principal,
        Channel::Remote,
        &[doc(DocumentType::DriversLicence, Holder::Principal)],
        &p,
        TODAY(),
    );
    assert!(ok.is_satisfied());
    let one = [doc(
        DocumentType::QualificationCertificate,
        Holder::Principal,
    )];
    assert_eq!(
        codes(&evaluate(
            RequesterType::Principal,
            Channel::Remote,
            &one,
            &p,
            TODAY()
        )),
        vec!["identity_document"]
    );
    let two = [
        doc(DocumentType::QualificationCertificate, Holder::Principal),
        certificate(
            DocumentType::ResidentRecord,
            Holder::Principal,
            d(2025, 5, 1),
            false,
        ),
    ];
    assert!(evaluate(RequesterType::Principal, Channel::Remote, &two, &p, TODAY()).is_satisfied());
    // The same document twice is still one document.
    let twice = [
        doc(DocumentType::PensionCertificate, Holder::Principal),
        doc(DocumentType::PensionCertificate, Holder::Principal),
    ];
    assert!(
        !evaluate(
            RequesterType::Principal,
            Channel::Remote,
            &twice,
            &p,
            TODAY()
        )
        .is_satisfied()
    );
}

#[test]
fn public_body_by_mail_needs_id_copy_and_fresh_original_resident_record() {
    let p = IdentityPolicy::public_body();
    let licence = doc(DocumentType::DriversLicence, Holder::Principal);
    assert_eq!(
        codes(&evaluate(
            RequesterType::Principal,
            Channel::Remote,
            &[licence],
            &p,
            TODAY()
        )),
        vec!["resident_record"]
    );
    assert!(
        evaluate(
            RequesterType::Principal,
            Channel::InPerson,
            &[licence],
            &p,
            TODAY()
        )
        .is_satisfied()
    );
    let fresh = certificate(
        DocumentType::ResidentRecord,
        Holder::Principal,
        d(2025, 5, 3),
        true,
    );
    assert!(
        evaluate(
            RequesterType::Principal,
            Channel::Remote,
            &[licence, fresh],
            &p,
            TODAY()
        )
        .is_satisfied()
    );
    // 30 days: issued 2025-05-02 is 31 days old on 2025-06-02.
    let stale = certificate(
        DocumentType::ResidentRecord,
        Holder::Principal,
        d(2025, 5, 2),
        true,
    );
    let e = evaluate(
        RequesterType::Principal,
        Channel::Remote,
        &[licence, stale],
        &p,
        TODAY(),
    );
    assert_eq!(codes(&e), vec!["certificate_too_old", "resident_record"]);
    if let IdentityEvaluation::Missing(m) = &e {
        assert!(m[0].text.ja.contains("30日以内"));
        assert!(m[0].text.en.contains("31 days ago"));
    }
    let copy = certificate(
        DocumentType::ResidentRecord,
        Holder::Principal,
        d(2025, 5, 20),
        false,
    );
    let e = evaluate(
        RequesterType::Principal,
        Channel::Remote,
        &[licence, copy],
        &p,
        TODAY(),
    );
    assert_eq!(
        codes(&e),
        vec!["certificate_not_original", "resident_record"]
    );
    // The 住民票 alone does not also count as the ID copy.
    assert_eq!(
        codes(&evaluate(
            RequesterType::Principal,
            Channel::Remote,
            &[fresh],
            &p,
            TODAY()
        )),
        vec!["identity_document"]
    );
}

#[test]
fn paper_insurance_cards_stop_counting_on_2025_12_02() {
    let p = IdentityPolicy::public_body();
    let card = [doc(DocumentType::HealthInsuranceCard, Holder::Principal)];
    assert!(
        evaluate(
            RequesterType::Principal,
            Channel::InPerson,
            &card,
            &p,
            d(2025, 12, 1)
        )
        .is_satisfied()
    );
    let e = evaluate(
        RequesterType::Principal,
        Channel::InPerson,
        &card,
        &p,
        d(2025, 12, 2),
    );
    assert_eq!(
        codes(&e),
        vec!["paper_insurance_card_invalid", "identity_document"]
    );
    let mut relaxed = p.clone();
    relaxed.paper_insurance_card_invalid_from = None;
    assert!(
        evaluate(
            RequesterType::Principal,
            Channel::InPerson,
            &card,
            &relaxed,
            d(2025, 12, 2)
        )
        .is_satisfied()
    );
    let expired = AcceptedDocument {
        expires_on: Some(d(2025, 6, 1)),
        ..doc(DocumentType::Passport, Holder::Principal)
    };
    assert_eq!(
        codes(&evaluate(
            RequesterType::Principal,
            Channel::InPerson,
            &[expired],
            &p,
            TODAY()
        )),
        vec!["document_expired", "identity_document"]
    );
}

#[test]
fn legal_representatives_prove_their_authority() {
    let p = IdentityPolicy::public_body();
    let agent_id = doc(DocumentType::MyNumberCard, Holder::Agent);
    let rr = certificate(
        DocumentType::ResidentRecord,
        Holder::Agent,
        d(2025, 5, 30),
        true,
    );
    let e = evaluate(
        RequesterType::Parent,
        Channel::Remote,
        &[agent_id, rr],
        &p,
        TODAY(),
    );
    assert_eq!(codes(&e), vec!["parental_authority"]);
    let koseki = certificate(
        DocumentType::FamilyRegister,
        Holder::Principal,
        d(2025, 5, 30),
        true,
    );
    assert!(
        evaluate(
            RequesterType::Parent,
            Channel::Remote,
            &[agent_id, rr, koseki],
            &p,
            TODAY()
        )
        .is_satisfied()
    );
    // The principal's ID does not prove who the agent is.
    let only_principal = [doc(DocumentType::DriversLicence, Holder::Principal), koseki];
    assert_eq!(
        codes(&evaluate(
            RequesterType::Parent,
            Channel::InPerson,
            &only_principal,
            &p,
            TODAY()
        )),
        vec!["identity_document"]
    );
    let e = evaluate(
        RequesterType::AdultGuardian,
        Channel::InPerson,
        &[agent_id],
        &p,
        TODAY(),
    );
    assert_eq!(codes(&e), vec!["guardianship"]);
    let touki = certificate(
        DocumentType::GuardianshipCertificate,
        Holder::Agent,
        d(2025, 5, 30),
        true,
    );
    assert!(
        evaluate(
            RequesterType::AdultGuardian,
            Channel::InPerson,
            &[agent_id, touki],
            &p,
            TODAY()
        )
        .is_satisfied()
    );
}

#[test]
fn appointed_agents_need_a_mandate_and_more() {
    let private = IdentityPolicy::private_operator();
    let agent_id = doc(DocumentType::DriversLicence, Holder::Agent);
    let mandate = certificate(
        DocumentType::PowerOfAttorney,
        Holder::Principal,
        d(2025, 5, 1),
        true,
    );
    let e = evaluate(
        RequesterType::AppointedAgent,
        Channel::Remote,
        &[agent_id, mandate],
        &private,
        TODAY(),
    );
    assert_eq!(codes(&e), vec!["seal_certificate"]);
    let seal = certificate(
        DocumentType::SealCertificate,
        Holder::Principal,
        d(2025, 5, 1),
        true,
    );
    assert!(
        evaluate(
            RequesterType::AppointedAgent,
            Channel::Remote,
            &[agent_id, mandate, seal],
            &private,
            TODAY()
        )
        .is_satisfied()
    );
    // Public bodies accept a copy of the principal's ID instead of the seal certificate.
    let public = IdentityPolicy::public_body();
    let agent_rr = certificate(
        DocumentType::ResidentRecord,
        Holder::Agent,
        d(2025, 5, 30),
        true,
    );
    let principal_id = doc(DocumentType::MyNumberCard, Holder::Principal);
    let fresh_mandate = certificate(
        DocumentType::PowerOfAttorney,
        Holder::Principal,
        d(2025, 5, 30),
        true,
    );
    assert!(
        evaluate(
            RequesterType::AppointedAgent,
            Channel::Remote,
            &[agent_id, agent_rr, fresh_mandate, principal_id],
            &public,
            TODAY()
        )
        .is_satisfied()
    );
    let e = evaluate(
        RequesterType::AppointedAgent,
        Channel::InPerson,
        &[agent_id],
        &public,
        TODAY(),
    );
    assert_eq!(
        codes(&e),
        vec!["power_of_attorney", "seal_certificate_or_principal_id"]
    );
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["verdict"], "missing");
    assert_eq!(json["missing"][0]["text"]["ja"], "本人が作成した委任状");
}
