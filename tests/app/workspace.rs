//! The help-desk workspace over HTTP: whole lifecycles from submission to closure, and the
//! refusals that keep a case unchanged.

use madoguchi::domain::role::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{Page, TestApp, World, csrf_of};
use crate::portal::{spawn_portal, wait_for_mails};
use crate::uploads::{JPEG, upload};

pub const PASSWORD: &str = "correct horse battery staple 42";

/// A signed-in member of staff with their own cookie jar.
pub struct Staff {
    pub client: reqwest::Client,
}

pub fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} field"));
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_string()
}

/// Every checklist box ticked: a reviewer who looked at each item (accepting takes that).
pub const ALL_CHECKS: [(&str, &str); 15] = [
    ("check_document_type", "1"),
    ("check_name_matches", "1"),
    ("check_address_matches", "1"),
    ("check_birth_date_matches", "1"),
    ("check_valid_or_fresh", "1"),
    ("check_original_certificate", "1"),
    ("check_front_side_only", "1"),
    ("check_insurer_number_masked", "1"),
    ("check_insured_symbol_number_masked", "1"),
    ("check_qr_code_masked", "1"),
    ("check_no_my_number_on_resident_record", "1"),
    ("check_honseki_masked", "1"),
    ("check_relationship_shown", "1"),
    ("check_mandate_content", "1"),
    ("check_seal_matches", "1"),
];

/// `fields` with every checklist box ticked.
pub fn with_all_checks<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = fields.to_vec();
    all.extend(ALL_CHECKS);
    all
}

/// The requester uploads a driving licence; the clerk accepts it with every checklist item
/// ticked and completes identity verification.
pub async fn verify_with_licence(app: &TestApp, clerk: &Staff, id: &str, case_path: &str) {
    crate::uploads::upload(
        app,
        case_path,
        "drivers_licence",
        "l.jpg",
        crate::uploads::JPEG.to_vec(),
        None,
    )
    .await;
    let page = case_page(app, clerk, id).await;
    let doc = value_of(&page, "document");
    done(
        app,
        clerk,
        id,
        "review-document",
        &with_all_checks(&[
            ("document", &doc),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", "2031-01-01"),
        ]),
    )
    .await;
    done(app, clerk, id, "verify", &[]).await;
}

/// Opens the case page, then posts `action` with its CSRF token and version.
pub async fn act(
    app: &TestApp,
    who: &Staff,
    case_id: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Page {
    let page = app
        .get_with(&who.client, &format!("/staff/cases/{case_id}"))
        .await;
    assert_eq!(page.status, 200, "case page: {}", page.body);
    let (csrf, version) = (csrf_of(&page.body), value_of(&page.body, "version"));
    let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    form.extend_from_slice(fields);
    app.post_with(
        &who.client,
        &format!("/staff/cases/{case_id}/{action}"),
        &form,
    )
    .await
}

/// Like [`act`] but asserts the action succeeded (a redirect back to the case).
pub async fn done(
    app: &TestApp,
    who: &Staff,
    case_id: &str,
    action: &str,
    fields: &[(&str, &str)],
) {
    let page = act(app, who, case_id, action, fields).await;
    assert_eq!(page.status, 303, "{action}: {}", page.body);
}

/// Staff ask for a 補正 about the scope, to be answered by `reply_by` (YYYY-MM-DD).
pub async fn ask_for_correction(app: &TestApp, who: &Staff, case_id: &str, reply_by: &str) {
    done(
        app,
        who,
        case_id,
        "correction",
        &[
            ("item_unclear_scope", "1"),
            ("text", "訂正を求める住所の登録時期を教えてください。"),
            ("reply_by", reply_by),
        ],
    )
    .await;
}

pub async fn case_page(app: &TestApp, who: &Staff, case_id: &str) -> String {
    app.get_with(&who.client, &format!("/staff/cases/{case_id}"))
        .await
        .body
}

/// The id of the only case in the queue whose receipt number appears on `portal_page`.
pub async fn case_id_from_queue(app: &TestApp, who: &Staff) -> String {
    let queue = app.get_with(&who.client, "/staff/cases").await;
    assert_eq!(queue.status, 200);
    let marker = "href=\"/staff/cases/";
    let start = queue.body.find(marker).expect("a case in the queue") + marker.len();
    let end = queue.body[start..].find('"').unwrap();
    queue.body[start..start + end].to_string()
}

/// Submits and confirms a request through the portal; returns the requester's case path.
pub async fn requested(
    app: &TestApp,
    world: &World,
    steps: &[(&str, Vec<(&str, &str)>)],
) -> String {
    for (path, fields) in steps {
        let sent = app.submit(path, path, fields).await;
        assert_eq!(sent.status, 303, "{path}: {}", sent.body);
    }
    let csrf = csrf_of(&app.get("/request/review").await.body);
    app.post("/request/submit", &[("csrf", &csrf)]).await;
    let before = crate::portal::mails(world).len();
    let mail = wait_for_mails(world, before.max(1)).await;
    let mail = mail
        .iter()
        .find(|m| m.contains("/case/") && m.contains("確認コード"))
        .cloned()
        .expect("confirmation mail");
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let path = format!("/case/{token}");
    let csrf = csrf_of(&app.get(&path).await.body);
    let confirmed = app
        .post(&format!("{path}/confirm"), &[("csrf", &csrf)])
        .await;
    assert_eq!(confirmed.status, 303);
    path
}

pub fn person(email: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "山田 花子"),
        ("name_kana", "ヤマダ ハナコ"),
        ("birth_date", "1990-04-01"),
        ("postal_code", "231-8588"),
        ("address", "横浜市中区日本大通1"),
        ("phone", "045-210-1111"),
        ("email", email),
    ]
}

/// A real one-page PDF (cross-reference table and all), as a scanner would make.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";

/// Waits for the mail containing `needle` (the worker sends within a second or two).
pub async fn mail_with(world: &World, needle: &str) -> String {
    for _ in 0..100 {
        if let Some(m) = crate::portal::mails(world)
            .into_iter()
            .find(|m| m.contains(needle))
        {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("no mail containing {needle}");
}

fn today() -> String {
    madoguchi::domain::deadline::jst_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string()
}

pub fn days_from_today(days: i64) -> String {
    (madoguchi::domain::deadline::jst_date(chrono::Utc::now()) + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub fn document_ids(html: &str) -> Vec<String> {
    html.split("name=\"document\" value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .fold(Vec::new(), |mut ids, id| {
            if !ids.contains(&id) {
                ids.push(id);
            }
            ids
        })
}

/// National body, correction request: identity review with two documents, a 補正 with stopped
/// days, one extension (a second is refused), a returned draft, approval by another person, the
/// notice by mail and on the requester's page, closure.
#[tokio::test]
async fn a_correction_request_goes_from_receipt_to_closure() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let case_path = requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "correction"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("hanako@example.jp")),
            (
                "/request/content",
                vec![
                    ("data_description", "登録住所"),
                    ("current_content", "旧住所"),
                    ("correct_content", "新住所"),
                    (
                        "prior_disclosure_on",
                        crate::helpers::RECENT_DISCLOSURE.as_str(),
                    ),
                ],
            ),
        ],
    )
    .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;

    // The queue shows the case without the requester's name; search finds it by e-mail.
    let queue = app.get_with(&clerk.client, "/staff/cases").await;
    assert!(!queue.body.contains("山田"), "no names in lists");
    let id = case_id_from_queue(&app, &clerk).await;
    let found = app
        .get_with(&clerk.client, "/staff/cases?q=Hanako%40Example.jp")
        .await;
    assert!(
        found.body.contains(&id),
        "search by exact e-mail (normalised)"
    );
    let by_name = app
        .get_with(
            &clerk.client,
            "/staff/cases?q=%E5%B1%B1%E7%94%B0%20%E8%8A%B1%E5%AD%90",
        )
        .await;
    assert!(by_name.body.contains(&id), "search by exact name");
    let nobody = app
        .get_with(&clerk.client, "/staff/cases?q=other%40example.jp")
        .await;
    assert!(!nobody.body.contains(&id));

    done(&app, &clerk, &id, "take", &[]).await;
    done(&app, &clerk, &id, "start-review", &[]).await;

    // The requester sends a licence and a certificate of residence.
    upload(
        &app,
        &case_path,
        "drivers_licence",
        "l.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    let mut pdf = PDF.to_vec();
    pdf.extend_from_slice(b"\n% resident record");
    let form = Form::new()
        .text("csrf", csrf_of(&app.get(&case_path).await.body))
        .text("declared_type", "resident_record")
        .part(
            "file",
            Part::bytes(pdf)
                .file_name("r.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    app.client
        .post(app.url(&format!("{case_path}/documents")))
        .multipart(form)
        .send()
        .await
        .unwrap();

    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("本人確認の要件を満たしていません"));
    assert!(!page.contains("/verify\""), "verification not offered yet");
    let docs = document_ids(&page);
    assert_eq!(docs.len(), 2, "{page}");
    // The viewer decrypts on the fly and the view is audited.
    let shown = app
        .get_with(
            &clerk.client,
            &format!("/staff/cases/{id}/documents/{}", docs[0]),
        )
        .await;
    assert_eq!(shown.status, 200);
    let rejected = act(
        &app,
        &clerk,
        &id,
        "review-document",
        &[("document", &docs[0]), ("verdict", "reject")],
    )
    .await;
    assert_eq!(rejected.status, 422, "a rejection needs a reason");
    assert!(
        rejected
            .body
            .contains("請求者に伝える理由を入力してください")
    );
    // Accepting with one box ticked is refused: each item is ticked or marked not applicable.
    let expires = days_from_today(400);
    let half_looked = act(
        &app,
        &clerk,
        &id,
        "review-document",
        &[
            ("document", &docs[0]),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", &expires),
            ("check_name_matches", "1"),
        ],
    )
    .await;
    assert_eq!(half_looked.status, 422);
    assert!(half_looked.body.contains("チェックリストの各項目"));
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("id=\"verify-blocked-reason\""),
        "the button stays, with why"
    );
    done(
        &app,
        &clerk,
        &id,
        "review-document",
        &with_all_checks(&[
            ("document", &docs[0]),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", &expires),
        ]),
    )
    .await;
    // "Not needed" sets a document aside without asking the requester to send it again.
    done(
        &app,
        &clerk,
        &id,
        "review-document",
        &[("document", &docs[1]), ("verdict", "not_needed")],
    )
    .await;
    let requester = app.get(&case_path).await.body;
    assert!(
        requester.contains("不要（ご対応は不要です）"),
        "{requester}"
    );
    assert!(!requester.contains("再提出をお願いしています"));
    done(
        &app,
        &clerk,
        &id,
        "review-document",
        &with_all_checks(&[
            ("document", &docs[1]),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("issued_on", &days_from_today(-3)),
            ("original", "1"),
        ]),
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("本人確認の要件を満たしています"), "{page}");
    done(&app, &clerk, &id, "verify", &[]).await;

    // 補正: the clock stops until the requester answers.
    let no_date = act(
        &app,
        &clerk,
        &id,
        "correction",
        &[("item_unclear_scope", "1"), ("reply_by", "")],
    )
    .await;
    assert_eq!(no_date.status, 422);
    assert!(no_date.body.contains("回答期限を入力してください"));
    ask_for_correction(&app, &clerk, &id, &days_from_today(14)).await;
    let requester_view = app.get(&case_path).await.body;
    assert!(requester_view.contains("訂正を求める住所の登録時期を教えてください。"));
    assert!(
        requester_view.contains("請求する個人情報の範囲"),
        "the chosen item, in words"
    );
    let queue = app.get_with(&clerk.client, "/staff/cases?stopped=1").await;
    assert!(queue.body.contains(&id), "listed among stopped clocks");
    let csrf = csrf_of(&requester_view);
    let answered = app
        .post(
            &format!("{case_path}/answer"),
            &[("csrf", &csrf), ("answer", "2020年4月です。")],
        )
        .await;
    assert_eq!(answered.status, 303);

    // One extension before the deadline; a second is refused and changes nothing.
    done(
        &app,
        &clerk,
        &id,
        "extend",
        &[
            ("days", "30"),
            ("extend_reason", "事実関係の調査に時間を要するため"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("延長 30"),
        "extension shown with the deadline"
    );
    let twice = app
        .post_with(
            &clerk.client,
            &format!("/staff/cases/{id}/extend"),
            &[
                ("csrf", &csrf_of(&page)),
                ("version", &value_of(&page, "version")),
                ("days", "10"),
                ("extend_reason", "再度"),
            ],
        )
        .await;
    assert_eq!(
        twice.status, 422,
        "the extend form is gone, and a forged post is refused"
    );
    assert!(twice.body.contains("延長"), "{}", twice.body);

    // 開示前置: the correction is granted only once the disclosure it follows is verified.
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("id=\"prior-disclosure\"") && page.contains("未確認"),
        "the stated disclosure, not yet verified"
    );
    let unverified = act(
        &app,
        &clerk,
        &id,
        "draft",
        &[("outcome", "correct"), ("text", "住所を訂正しました。")],
    )
    .await;
    assert_eq!(unverified.status, 422, "{}", unverified.body);
    assert!(unverified.body.contains("開示前置"), "{}", unverified.body);
    done(
        &app,
        &clerk,
        &id,
        "prior-disclosure",
        &[
            ("disclosed_on", crate::helpers::RECENT_DISCLOSURE.as_str()),
            ("reference", "2026-000001"),
        ],
    )
    .await;

    // Draft → returned → redrafted → approved by someone else.
    let draft_page = app
        .get_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft?outcome=correct"),
        )
        .await;
    assert!(
        draft_page.body.contains("訂正した内容"),
        "starts from the outcome's template"
    );
    let preview = app
        .post_with(
            &clerk.client,
            &format!("/staff/cases/{id}/draft/preview"),
            &[
                ("outcome", "correct"),
                ("text", "住所を新住所に訂正しました。"),
            ],
        )
        .await;
    assert!(
        preview
            .body
            .contains("保有個人情報の訂正をする旨の決定について（通知）")
            && preview.body.contains("【教示】")
    );
    // Dated as the letter will be: 和暦 (the letter settings' default), the day of approval.
    let dated = {
        let at = preview
            .body
            .find("class=\"letter__date\"")
            .expect("the date line");
        preview.body[at..at + preview.body[at..].find("</p>").unwrap()].to_string()
    };
    let on = madoguchi::domain::deadline::jst_date(madoguchi::clock::Clock::now(&app.clock));
    assert!(
        dated.contains(&madoguchi::domain::letters::dates::japanese_date(
            on,
            madoguchi::domain::letters::dates::DateStyle::Japanese
        )) && dated.contains("決裁した日の日付になります"),
        "{dated}"
    );
    assert!(!dated.contains(&today()), "not ISO");
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[("outcome", "correct"), ("text", "住所を訂正しました。")],
    )
    .await;
    let self_approval = act(&app, &clerk, &id, "approve", &[]).await;
    assert_eq!(self_approval.status, 403, "staff cannot approve at all");
    let returned_empty = act(&app, &boss, &id, "return", &[("comment", "")]).await;
    assert_eq!(returned_empty.status, 422);
    done(
        &app,
        &boss,
        &id,
        "return",
        &[("comment", "訂正前と訂正後を明記してください。")],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("差し戻し") && page.contains("訂正前と訂正後を明記してください。"));
    // The drafter is told by mail, without the comment (it stays behind sign-in).
    let told = mail_with(&world, "差し戻されました").await;
    assert!(told.contains("To: clerk@example.jp"), "{told}");
    assert!(told.contains(&format!("/staff/cases/{id}")), "{told}");
    assert!(!told.contains("訂正前と訂正後を明記してください。"));
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "correct"),
            ("text", "登録住所を「旧住所」から「新住所」に訂正しました。"),
        ],
    )
    .await;
    done(&app, &boss, &id, "approve", &[]).await;
    // The decision keeps its days from receipt for the yearly figures.
    let (received_at, issued_on, days) = decision_timing(&world, &id);
    let received_on = (received_at + chrono::Duration::hours(9)).date();
    assert_eq!(issued_on.to_string(), today());
    assert_eq!(i64::from(days), (issued_on - received_on).num_days());

    let notice = mail_with(&world, "決定しましたので通知します").await;
    assert!(notice.contains("登録住所を「旧住所」から「新住所」に訂正しました。"));
    let requester_view = app.get(&case_path).await.body;
    assert!(requester_view.contains("保有個人情報の訂正をする旨の決定について（通知）"));
    assert!(requester_view.contains(&today()), "dated today");

    done(&app, &clerk, &id, "close", &[]).await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"case-state\">完了"), "closed");
    let pauses = page.matches("補正").count();
    assert!(pauses > 0);
}

/// Private operator, disclosure: fee invoiced and paid (a zero payment refused), partial
/// disclosure approved, a file delivered for download, the download recorded.
#[tokio::test]
async fn a_partial_disclosure_is_paid_delivered_and_downloaded() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    let case_path = requested(
        &app,
        &world,
        &[
            (
                "/request",
                vec![
                    ("kind", "disclosure"),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("taro@example.jp")),
            (
                "/request/content",
                vec![
                    ("data_description", "2025年度の健診結果"),
                    ("period", "2025年度"),
                ],
            ),
            (
                "/request/delivery",
                vec![("delivery", "electronic_download")],
            ),
        ],
    )
    .await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;

    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("手数料の額（料金表による）: 800円"),
        "the quote is offered"
    );
    let zero = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[("entry", "invoice"), ("amount", "0")],
    )
    .await;
    assert_eq!(zero.status, 422);
    assert!(zero.body.contains("0円は記録できません"));
    assert!(zero.body.contains("value=\"0\""), "typed value kept");
    // The 800円 was charged when the request was received.
    assert!(page.contains("id=\"fee-balance\">800円"));
    let negative = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "-800"),
            ("method", "bank_transfer"),
        ],
    )
    .await;
    assert_eq!(negative.status, 422);
    // More than owed, or a figure no fee reaches: refused until confirmed, or at all.
    let unconfirmed = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "1,000"),
            ("method", "bank_transfer"),
            ("reference", "振込 1234"),
        ],
    )
    .await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.body.contains("入金額が未納額を超えています"));
    let absurd = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "60,006,000"),
            ("method", "bank_transfer"),
            ("confirm_beyond_owed", "1"),
        ],
    )
    .await;
    assert_eq!(absurd.status, 422);
    assert!(absurd.body.contains("1件の金額が大きすぎます"));
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "1,000"),
            ("method", "bank_transfer"),
            ("reference", "振込 1234"),
            ("confirm_beyond_owed", "1"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("id=\"fee-balance\">-200円"),
        "overpaid by 200"
    );
    let too_much = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "refund"),
            ("amount", "5000"),
            ("fee_reason", "過払い"),
        ],
    )
    .await;
    assert_eq!(too_much.status, 422);
    assert!(too_much.body.contains("還付額が過納額を超えています"));
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "refund"),
            ("amount", "200"),
            ("fee_reason", "過払い分の返金"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">0円"), "settled");

    done(&app, &clerk, &id, "start-review", &[]).await;
    upload(
        &app,
        &case_path,
        "drivers_licence",
        "l.jpg",
        JPEG.to_vec(),
        None,
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    let doc = document_ids(&page).remove(0);
    done(
        &app,
        &clerk,
        &id,
        "review-document",
        &with_all_checks(&[
            ("document", &doc),
            ("verdict", "accept"),
            ("holder", "principal"),
            ("expires_on", &days_from_today(300)),
        ]),
    )
    .await;
    done(&app, &clerk, &id, "verify", &[]).await;
    // Withholding needs its grounds, from this regime's list; a refused draft keeps its text.
    let text = "検査機関の内部評価欄を除いて開示します。";
    let draft = |grounds: &'static str| {
        vec![
            ("outcome", "partial_disclosure"),
            (grounds, "1"),
            ("text", text),
        ]
    };
    let no_ground = act(&app, &clerk, &id, "draft", &draft("no_ground")).await;
    assert_eq!(no_ground.status, 422);
    assert!(
        no_ground
            .body
            .contains("不開示の根拠条項を1つ以上選んでください")
    );
    assert!(no_ground.body.contains(&format!(">{text}</textarea>")));
    assert!(
        no_ground.body.contains("法第33条第2項第1号"),
        "the regime's grounds to tick"
    );
    let public_ground = act(&app, &clerk, &id, "draft", &draft("ground_art78_1_2")).await;
    assert_eq!(public_ground.status, 422);
    assert!(
        public_ground
            .body
            .contains("選んだ条項はこの事業者・機関には適用されません")
    );
    let no_text = act(
        &app,
        &clerk,
        &id,
        "draft",
        &[("outcome", "partial_disclosure"), ("ground_art33_2_2", "1")],
    )
    .await;
    assert_eq!(no_text.status, 422);
    assert!(no_text.body.contains("通知の本文を入力してください。"));
    assert!(
        no_text
            .body
            .contains("id=\"ground-art33_2_2\" name=\"ground_art33_2_2\" value=\"1\" checked"),
        "the ticked ground stays ticked"
    );
    done(
        &app,
        &clerk,
        &id,
        "draft",
        &[
            ("outcome", "partial_disclosure"),
            ("ground_art33_2_2", "1"),
            (
                "text",
                "検査機関の内部評価欄を除いて開示します。理由: 法第33条第2項第2号",
            ),
        ],
    )
    .await;
    done(&app, &boss, &id, "approve", &[]).await;
    let notice = mail_with(&world, "検査機関の内部評価欄を除いて開示します。").await;
    assert!(
        notice.contains("不開示の根拠条項")
            && notice.contains("法第33条第2項第2号（業務の適正な実施"),
        "the notice cites the ground: {notice}"
    );

    // The copy fee after the page count: delivery waits until it is paid.
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[("entry", "copy_fee"), ("amount", "30")],
    )
    .await;
    let unpaid = act(&app, &clerk, &id, "deliver", &[]).await;
    assert_eq!(unpaid.status, 422);
    assert!(unpaid.body.contains("30"), "{}", unpaid.body);
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "30"),
            ("method", "postal_money_order"),
        ],
    )
    .await;

    // Deliver: a file is required first.
    let early = act(&app, &clerk, &id, "deliver", &[]).await;
    assert_eq!(early.status, 422);
    let page = case_page(&app, &clerk, &id).await;
    let form = Form::new()
        .text("csrf", csrf_of(&page))
        .text("version", value_of(&page, "version"))
        .part(
            "file",
            Part::bytes(PDF.to_vec())
                .file_name("kenshin.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let added = clerk
        .client
        .post(app.url(&format!("/staff/cases/{id}/files")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status().as_u16(), 303);
    let exe = Form::new()
        .text("csrf", csrf_of(&page))
        .text("version", value_of(&page, "version"))
        .part(
            "file",
            Part::bytes(b"MZ\x90\x00not a pdf".to_vec()).file_name("x.pdf"),
        );
    let refused = clerk
        .client
        .post(app.url(&format!("/staff/cases/{id}/files")))
        .multipart(exe)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 422);
    done(&app, &clerk, &id, "deliver", &[]).await;

    let requester_view = app.get(&case_path).await.body;
    assert!(requester_view.contains("一部開示"));
    let link_start = requester_view
        .find(&format!("{case_path}/files/"))
        .expect("download link");
    let link = &requester_view[link_start..];
    let link = &link[..link.find('"').unwrap()];
    let file = app.client.get(app.url(link)).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    let page = case_page(&app, &clerk, &id).await;
    assert!(
        page.contains("開示文書のダウンロード"),
        "the download is on the timeline"
    );
    assert!(page.contains("id=\"case-state\">完了"));
    let other = app.get(&format!("{case_path}/files/{doc}")).await;
    assert_eq!(
        other.status, 404,
        "an identity document is not downloadable by the link"
    );
    assert!(other.body.contains("このファイルはダウンロードできません"));
    assert!(other.body.contains("受付ページに戻る"), "with the way back");
}

/// The receipt instant, the notice date and the stored days to decision of a case's approved
/// decision.
fn decision_timing(
    world: &World,
    case_id: &str,
) -> (chrono::NaiveDateTime, chrono::NaiveDate, i32) {
    use diesel::prelude::*;
    use madoguchi::db::schema::{cases, decisions};
    let db = madoguchi::db::Db::connect(
        &madoguchi::db::DatabaseUrl::parse(&world.database_url).unwrap(),
        1,
    )
    .unwrap();
    let case_id = case_id.to_string();
    db.with_reader(move |c| {
        Ok(decisions::table
            .inner_join(cases::table)
            .filter(decisions::case_id.eq(&case_id))
            .filter(decisions::status.eq("approved"))
            .select((
                cases::received_at.assume_not_null(),
                decisions::issued_on.assume_not_null(),
                decisions::days_to_decision.assume_not_null(),
            ))
            .first(c)?)
    })
    .unwrap()
}

/// The ledger decides what is owed: a partial waiver leaves the rest owing (and the payment form
/// open, and the decision refused), a wrong payment is reversed rather than refunded.
#[tokio::test]
async fn a_partial_waiver_leaves_the_rest_owed_and_a_wrong_payment_is_reversed() {
    let world = World::new();
    let app = spawn_portal(&world, "private").await;
    app.requester_with_case("ledger@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    // The 800円 online request fee was charged at receipt.
    let too_much = act(
        &app,
        &boss,
        &id,
        "waive",
        &[("waive_amount", "801"), ("waive_reason", "生活保護受給")],
    )
    .await;
    assert_eq!(too_much.status, 422);
    assert!(too_much.body.contains("減免額が未納額を超えています"));
    done(
        &app,
        &boss,
        &id,
        "waive",
        &[("waive_amount", "700"), ("waive_reason", "生活保護受給")],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">100円"), "100 still owed");
    assert!(
        page.contains("<option value=\"payment\""),
        "the payment form stays while money is owed"
    );
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "payment"),
            ("amount", "100"),
            ("method", "bank_transfer"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">0円"));
    // The payment was another case's: reversed with a reason, the 100 is owed again.
    let no_reason = act(
        &app,
        &clerk,
        &id,
        "fee",
        &[("entry", "reversal_payment"), ("amount", "100")],
    )
    .await;
    assert_eq!(no_reason.status, 422);
    done(
        &app,
        &clerk,
        &id,
        "fee",
        &[
            ("entry", "reversal_payment"),
            ("amount", "100"),
            ("fee_reason", "別の案件の入金を誤って記録"),
        ],
    )
    .await;
    let page = case_page(&app, &clerk, &id).await;
    assert!(page.contains("id=\"fee-balance\">100円"), "owed again");
    assert!(page.contains("取消し（誤記録の訂正）"));
    assert_eq!(
        world.count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'fee.reversed'"),
        1
    );
}
