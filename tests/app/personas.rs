//! The people a test needs, ready to act: a member of staff of any role, signed in with a cookie
//! jar of their own, and a requester whose request is submitted and confirmed.

use madoguchi::auth::password::Cost;
use madoguchi::domain::role::Role;
use madoguchi::service::accounts::{AccountInput, add_staff};

use crate::helpers::{TestApp, client, csrf_of};
use crate::workspace::{PASSWORD, Staff, person, requested};

impl TestApp {
    /// A member of staff with `role` and `email`, created and signed in.
    pub async fn staff(&self, role: Role, email: &str) -> Staff {
        let config = madoguchi::config::Config::from_vars(&self.world.vars()).unwrap();
        let db = madoguchi::startup::open_database(&config).unwrap();
        let input = AccountInput {
            email: email.into(),
            display_name: format!("{} {}", role.label_ja(), email.split('@').next().unwrap()),
            password: PASSWORD.into(),
        };
        add_staff(&db, input, (role, false), chrono::Utc::now(), Cost::Fast).unwrap();
        let client = client();
        let signed_in = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        Staff { client }
    }

    /// A principal's disclosure request (records, paper by post) submitted through the portal
    /// and confirmed; returns the requester's case path.
    pub async fn requester_with_case(&self, email: &'static str) -> String {
        requested(self, &self.world, &disclosure_steps(email)).await
    }

    /// The same request submitted in this app's browser, its e-mail address not yet confirmed.
    pub async fn submitted_request(&self, email: &'static str) {
        for (path, fields) in disclosure_steps(email) {
            let sent = self.submit(path, path, &fields).await;
            assert_eq!(sent.status, 303, "{path}: {}", sent.body);
        }
        let csrf = csrf_of(&self.get("/request/review").await.body);
        let submitted = self.post("/request/submit", &[("csrf", &csrf)]).await;
        assert_eq!(submitted.status, 303, "{}", submitted.body);
    }
}

/// The portal's steps for a principal's disclosure request of records, paper by post.
pub fn disclosure_steps(
    email: &'static str,
) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/request",
            vec![
                ("kind", "disclosure"),
                ("requester_type", "principal"),
                ("consent", "2026-11-21"),
            ],
        ),
        ("/request/person", person(email)),
        (
            "/request/content",
            vec![("data_description", "診療記録"), ("period", "2024年")],
        ),
        ("/request/delivery", vec![("delivery", "paper_by_post")]),
    ]
}
