//! Staff accounts managed by an administrator over HTTP: add with a one-time password, bad input
//! kept and explained, role change and disabling end the person's sessions, the last administrator
//! stays one, every change audited, nobody else gets in.

use diesel::prelude::*;
use madoguchi::db::schema::{audit_events, staff as staff_table};
use madoguchi::domain::role::Role;

use crate::helpers::{TestApp, World, client, csrf_of};
use crate::portal::spawn_portal;

async fn admin_post(
    app: &TestApp,
    admin: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Page {
    let shown = app.get_with(admin, "/staff/admin/staff").await;
    assert_eq!(shown.status, 200);
    let csrf = csrf_of(&shown.body);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_with(admin, path, &form).await
}

fn one_time_password(html: &str) -> String {
    let marker = "<code id=\"one-time-password\" class=\"secret\">";
    let start = html.find(marker).expect("a one-time password is shown") + marker.len();
    html[start..][..html[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn an_administrator_adds_changes_and_disables_staff_accounts() {
    let world = World::new();
    let app = spawn_portal(&world, "national").await;
    let admin = app.staff(Role::Admin, "admin@example.jp").await;
    let boss = app.staff(Role::Approver, "boss@example.jp").await;
    assert_eq!(
        app.get_with(&boss.client, "/staff/admin/staff")
            .await
            .status,
        403
    );

    // Bad input: each field says what is wrong and what was typed stays.
    let bad = admin_post(
        &app,
        &admin.client,
        "/staff/admin/staff",
        &[
            ("display_name", "山田 花子"),
            ("email", "yamada.example.jp"),
            ("role", ""),
        ],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("役割を選んでください。"));
    let bad = admin_post(
        &app,
        &admin.client,
        "/staff/admin/staff",
        &[
            ("display_name", "山田 花子"),
            ("email", "yamada.example.jp"),
            ("role", "staff"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("メールアドレスを name@example.jp の形式で入力してください。")
    );
    assert!(bad.body.contains("value=\"山田 花子\""));
    let taken = admin_post(
        &app,
        &admin.client,
        "/staff/admin/staff",
        &[
            ("display_name", "別人"),
            ("email", "BOSS@example.jp"),
            ("role", "staff"),
        ],
    )
    .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken
            .body
            .contains("このメールアドレスのアカウントは既にあります。")
    );

    // Added: the one-time password works once handed over, and the page is never cached.
    let added = admin_post(
        &app,
        &admin.client,
        "/staff/admin/staff",
        &[
            ("display_name", "山田 花子"),
            ("email", " Yamada@Example.jp "),
            ("role", "staff"),
        ],
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let one_time = one_time_password(&added.body);
    assert!(one_time.len() >= 12);
    let yamada = client();
    assert_eq!(
        app.sign_in(&yamada, "yamada@example.jp", &one_time)
            .await
            .status,
        303
    );
    // The password the administrator saw is changed before any work.
    let owed = app.get_with(&yamada, "/staff/cases").await;
    assert_eq!(
        (owed.status, owed.location.as_deref()),
        (303, Some("/staff?owes=password"))
    );
    let home = app.get_with(&yamada, "/staff?owes=password").await;
    assert!(home.body.contains("仮のパスワード"), "{}", home.body);
    let password = "a passphrase of her own 7";
    let changed = app
        .post_with(
            &yamada,
            "/staff/password",
            &[
                ("csrf", &csrf_of(&home.body)),
                ("current_password", &one_time),
                ("new_password", password),
            ],
        )
        .await;
    assert_eq!(changed.location.as_deref(), Some("/staff?changed=1"));
    assert_eq!(app.get_with(&yamada, "/staff/cases").await.status, 200);
    assert_eq!(
        app.get_with(&yamada, "/staff/dashboard").await.status,
        403,
        "a clerk has no dashboard"
    );
    let config = madoguchi::config::Config::from_vars(&world.vars()).unwrap();
    let db = madoguchi::startup::open_database(&config).unwrap();
    let id: String = db
        .with_reader(|c| {
            Ok(staff_table::table
                .filter(staff_table::email.eq("yamada@example.jp"))
                .select(staff_table::id)
                .first(c)?)
        })
        .unwrap();
    let path = format!("/staff/admin/staff/{id}");

    // A new role ends the old session; signing in again gives the new role.
    let promoted = admin_post(
        &app,
        &admin.client,
        &path,
        &[("change", "role"), ("role", "approver")],
    )
    .await;
    assert_eq!(promoted.status, 200);
    assert_ne!(app.get_with(&yamada, "/staff/cases").await.status, 200);
    app.sign_in(&yamada, "yamada@example.jp", password).await;
    assert_eq!(app.get_with(&yamada, "/staff/dashboard").await.status, 200);

    // A reset password replaces the old one and signs the person out.
    let reset = admin_post(&app, &admin.client, &path, &[("change", "reset")]).await;
    let fresh = one_time_password(&reset.body);
    assert_ne!(fresh, password);
    assert_ne!(app.get_with(&yamada, "/staff/dashboard").await.status, 200);
    assert_ne!(
        app.sign_in(&yamada, "yamada@example.jp", password)
            .await
            .status,
        303
    );
    assert_eq!(
        app.sign_in(&yamada, "yamada@example.jp", &fresh)
            .await
            .status,
        303
    );

    // Disabled: signed out and refused; re-enabled: back in.
    admin_post(&app, &admin.client, &path, &[("change", "disable")]).await;
    assert_ne!(app.get_with(&yamada, "/staff/dashboard").await.status, 200);
    assert_ne!(
        app.sign_in(&yamada, "yamada@example.jp", &fresh)
            .await
            .status,
        303
    );
    admin_post(&app, &admin.client, &path, &[("change", "enable")]).await;
    assert_eq!(
        app.sign_in(&yamada, "yamada@example.jp", &fresh)
            .await
            .status,
        303
    );

    // The only administrator cannot disable or demote themselves; nothing changes.
    let admin_id: String = db
        .with_reader(|c| {
            Ok(staff_table::table
                .filter(staff_table::email.eq("admin@example.jp"))
                .select(staff_table::id)
                .first(c)?)
        })
        .unwrap();
    let own = format!("/staff/admin/staff/{admin_id}");
    for change in [
        vec![("change", "disable")],
        vec![("change", "role"), ("role", "staff")],
    ] {
        let refused = admin_post(&app, &admin.client, &own, &change).await;
        assert_eq!(refused.status, 422);
        assert!(
            refused
                .body
                .contains("最後の管理者は無効にすることも役割を変えることもできません。")
        );
    }
    assert_eq!(
        app.get_with(&admin.client, "/staff/admin/staff")
            .await
            .status,
        200
    );
    let unknown = admin_post(
        &app,
        &admin.client,
        "/staff/admin/staff/no-such-account",
        &[("change", "disable")],
    )
    .await;
    assert_eq!(unknown.status, 404);

    // Every change is in the audit log, by the administrator, naming the account, not the password.
    let actions: Vec<(String, String, Option<String>)> = db
        .with_reader(|c| {
            Ok(audit_events::table
                .filter(audit_events::action.like("staff.%"))
                .filter(audit_events::actor.like("staff:%"))
                .select((
                    audit_events::action,
                    audit_events::actor,
                    audit_events::target,
                ))
                .order(audit_events::at.asc())
                .load(c)?)
        })
        .unwrap();
    let by_admin: Vec<&str> = actions
        .iter()
        .filter(|(a, actor, _)| *actor == format!("staff:{admin_id}") && a != "staff.signed_in")
        .map(|(a, _, _)| a.as_str())
        .collect();
    assert_eq!(
        by_admin,
        [
            "staff.created",
            "staff.role_changed",
            "staff.password_reset",
            "staff.disabled",
            "staff.enabled"
        ]
    );
    assert!(actions.iter().any(|(a, _, t)| a == "staff.role_changed"
        && t.as_deref() == Some(&format!("staff:{id} staff→approver"))));
    assert!(
        actions
            .iter()
            .all(|(_, _, t)| !t.as_deref().unwrap_or("").contains(&fresh))
    );
}
