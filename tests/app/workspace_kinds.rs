//! Every kind of request, from the requester's submission to closure by the help desk.

use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::portal::spawn_portal;
use crate::workspace::{case_id_from_queue, case_page, done, mail_with, person, requested};

struct Run {
    kind: &'static str,
    content: Vec<(&'static str, &'static str)>,
    outcome: &'static str,
    text: &'static str,
    delivered: bool,
}

fn runs() -> Vec<Run> {
    vec![
        Run {
            kind: "purpose_notice",
            content: vec![("data_description", "会員登録情報")],
            outcome: "notify",
            text: "利用目的: 研究用データベースの運営",
            delivered: false,
        },
        Run {
            kind: "disclosure",
            content: vec![("data_description", "健診結果"), ("period", "2025年度")],
            outcome: "full_disclosure",
            text: "全部を開示します。",
            delivered: true,
        },
        Run {
            kind: "provision_records",
            content: vec![("data_description", "第三者提供の記録")],
            outcome: "full_disclosure",
            text: "提供記録を開示します。",
            delivered: true,
        },
        Run {
            kind: "correction",
            content: vec![
                ("data_description", "住所"),
                ("current_content", "旧"),
                ("correct_content", "新"),
                (
                    "prior_disclosure_on",
                    crate::helpers::RECENT_DISCLOSURE.as_str(),
                ),
            ],
            outcome: "correct",
            text: "訂正前: 旧 / 訂正後: 新",
            delivered: false,
        },
        Run {
            kind: "suspension",
            content: vec![
                ("data_description", "健診結果"),
                ("ground", "no_longer_needed"),
                ("action_choice", "erase"),
            ],
            outcome: "suspend",
            text: "消去しました。復元できません。",
            delivered: false,
        },
        Run {
            kind: "third_party_stop",
            content: vec![
                ("data_description", "健診結果"),
                ("ground", "provided_without_consent"),
            ],
            outcome: "stop_provision",
            text: "提供を停止しました。",
            delivered: false,
        },
        Run {
            kind: "provision_stop",
            content: vec![("action_choice", "stop_provision")],
            outcome: "stop_provision",
            text: "提供を停止しました。",
            delivered: false,
        },
        // 次世代医療基盤法's deletion is decided as a deletion, not as a provision stop.
        Run {
            kind: "provision_stop",
            content: vec![("action_choice", "delete")],
            outcome: "delete",
            text: "医療情報を削除しました。復元できません。",
            delivered: false,
        },
    ]
}

#[tokio::test]
async fn every_kind_runs_from_submission_to_closure() {
    for run in runs() {
        let world = World::new();
        let app = spawn_portal(&world, "jmimo").await;
        let mut steps = vec![
            (
                "/request",
                vec![
                    ("kind", run.kind),
                    ("requester_type", "principal"),
                    ("consent", "2026-11-21"),
                ],
            ),
            ("/request/person", person("kind@example.jp")),
            ("/request/content", run.content.clone()),
        ];
        if run.delivered {
            steps.push(("/request/delivery", vec![("delivery", "paper_by_post")]));
        }
        // Deletion kinds confirm on the review page that deleted data cannot be restored.
        let case_path = if matches!(run.kind, "suspension" | "provision_stop") {
            requested_with_irreversible(&app, &world, &steps).await
        } else {
            requested(&app, &world, &steps).await
        };
        let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
        let boss = app.staff(Role::Approver, "boss@example.jp").await;
        let id = case_id_from_queue(&app, &clerk).await;
        done(&app, &clerk, &id, "take", &[]).await;
        done(&app, &clerk, &id, "start-review", &[]).await;
        crate::workspace::verify_with_licence(&app, &clerk, &id, &case_path).await;
        // J-MIMO charges 4,000円 at receipt for the kinds that carry a fee, paid in advance.
        let owed = crate::money::balance(&case_page(&app, &clerk, &id).await);
        let charged = matches!(
            run.kind,
            "purpose_notice" | "disclosure" | "provision_records"
        );
        assert_eq!(owed, if charged { 4000 } else { 0 }, "{}", run.kind);
        if owed > 0 {
            let today = crate::money::jst_today(&app).to_string();
            crate::money::pay(&app, &clerk, &id, "4,000", &today).await;
        }
        done(
            &app,
            &clerk,
            &id,
            "draft",
            &[("outcome", run.outcome), ("text", run.text)],
        )
        .await;
        done(&app, &boss, &id, "approve", &[]).await;
        mail_with(&world, run.text).await;
        if run.delivered {
            done(
                &app,
                &clerk,
                &id,
                "deliver",
                &[("dispatch_note", "簡易書留で発送")],
            )
            .await;
        } else {
            done(&app, &clerk, &id, "close", &[]).await;
        }
        let page = case_page(&app, &clerk, &id).await;
        assert!(
            page.contains("id=\"case-state\">完了"),
            "{}: closed",
            run.kind
        );
        assert!(
            app.get(&case_path).await.body.contains(run.text),
            "{}: notice on the requester's page",
            run.kind
        );
    }
}

/// Like [`requested`], ticking the irreversibility confirmation on the review page.
async fn requested_with_irreversible(
    app: &crate::helpers::TestApp,
    world: &World,
    steps: &[(&str, Vec<(&str, &str)>)],
) -> String {
    for (path, fields) in steps {
        let sent = app.submit(path, path, fields).await;
        assert_eq!(sent.status, 303, "{path}: {}", sent.body);
    }
    let csrf = crate::helpers::csrf_of(&app.get("/request/review").await.body);
    let sent = app
        .post(
            "/request/submit",
            &[("csrf", &csrf), ("irreversible", "yes")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mail = mail_with(world, "確認コード").await;
    let token = mail
        .split("/case/")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let path = format!("/case/{token}");
    let csrf = crate::helpers::csrf_of(&app.get(&path).await.body);
    app.post(&format!("{path}/confirm"), &[("csrf", &csrf)])
        .await;
    path
}
