//! Several instances against one database behave as one service.

use crate::helpers::{World, client};

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn a_sign_in_on_one_instance_is_valid_on_another() {
    let world = World::new();
    let first = world.spawn().await;
    let second = world.spawn().await;
    first.create_first_admin("admin@example.jp", PASSWORD).await;

    let browser = client();
    let signed_in = first.sign_in(&browser, "admin@example.jp", PASSWORD).await;
    assert_eq!(signed_in.status, 303);
    let on_second = second.get_with(&browser, "/staff").await;
    assert_eq!(
        on_second.status, 200,
        "the session cookie is accepted by the second instance"
    );
    assert!(on_second.body.contains("admin@example.jp"));

    let other = client();
    second.sign_in(&other, "admin@example.jp", PASSWORD).await;
    assert_eq!(first.get_with(&other, "/staff").await.status, 200);
}
