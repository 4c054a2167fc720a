//! A stopped clock says what it waits for (#26): a wait for a fee paid in advance is the
//! operator's policy and is shown as such on the staff page, on the requester's page and in the
//! deadline explanation, never as a 補正; a 補正 pause is shown as one (docs/deadlines.md §3, §7).

use chrono::Duration;
use madoguchi::domain::profile::ProfileName;
use madoguchi::domain::role::Role;

use crate::helpers::World;
use crate::money::{jst_today, pay};
use crate::portal::spawn_portal;
use crate::workspace::{ask_for_correction, case_id_from_queue, case_page, done};

const STAFF_PAYMENT_TAG: &str =
    "id=\"case-clock-stopped\">期限停止中（手数料の納付待ち・補正ではない）";
const STAFF_CORRECTION_TAG: &str = "id=\"case-clock-stopped\">期限停止中（補正待ち）";

#[tokio::test]
async fn a_payment_pause_is_told_apart_from_a_correction_pause_everywhere() {
    let world = World::new();
    // J-MIMO takes its fee in advance, and its clock stops while the fee is owed (seed 004).
    let app = spawn_portal(&world, "jmimo").await;
    let case_path = app.requester_with_case("pause@example.jp").await;
    let clerk = app.staff(Role::Staff, "clerk@example.jp").await;
    let id = case_id_from_queue(&app, &clerk).await;
    done(&app, &clerk, &id, "take", &[]).await;
    done(&app, &clerk, &id, "start-review", &[]).await;
    crate::workspace::verify_with_licence(&app, &clerk, &id, &case_path).await;

    // Waiting for the fee: each page names the fee, none says 補正.
    let staff = case_page(&app, &clerk, &id).await;
    assert!(staff.contains(STAFF_PAYMENT_TAG), "{staff}");
    assert!(
        staff.contains("手数料の納付を待つため期限停止中"),
        "{staff}"
    );
    assert!(
        staff.contains("期限停止中（手数料の納付待ち）"),
        "status step"
    );
    assert!(!staff.contains("補正待ち") && !staff.contains("補正を待つ"));
    let mine = app.get(&case_path).await.body;
    assert!(
        mine.contains("id=\"case-clock-stopped\">期限停止中（手数料の納付待ち）"),
        "{mine}"
    );
    assert!(mine.contains("id=\"fee-clock\">お支払いが確認できるまでの日数"));
    assert!(!mine.contains("補正待ち") && !mine.contains("補正を待つ"));
    assert_eq!(
        world.count(&format!(
            "SELECT COUNT(*) AS n FROM case_pauses WHERE case_id = '{id}' \
             AND reason = 'payment' AND ended_on IS NULL"
        )),
        1
    );

    // Paid two days later (the clerk's session has lapsed; an approver, who sees every case,
    // carries on): the clock runs, and the closed episode is explained as the fee's.
    app.clock.advance(Duration::days(2));
    let clerk = app.staff(Role::Approver, "boss@example.jp").await;
    pay(&app, &clerk, &id, "4,000円", &jst_today(&app).to_string()).await;
    let staff = case_page(&app, &clerk, &id).await;
    assert!(!staff.contains("id=\"case-clock-stopped\""), "{staff}");
    assert!(
        staff.contains("停止期間1（手数料の納付を待つ間）"),
        "{staff}"
    );
    assert!(staff.contains("運営者の定めによる停止。補正ではない"));

    // Then a 補正: this pause is the statute's, and is called so.
    let calendar = ProfileName::Jmimo.profile().calendar([]);
    let reply_by = calendar.next_office_day_on_or_after(jst_today(&app) + Duration::days(14));
    ask_for_correction(&app, &clerk, &id, &reply_by.format("%Y-%m-%d").to_string()).await;
    let staff = case_page(&app, &clerk, &id).await;
    assert!(staff.contains(STAFF_CORRECTION_TAG), "{staff}");
    assert!(
        staff.contains("請求者からの補正を待つため期限停止中"),
        "{staff}"
    );
    assert!(
        staff.contains("停止期間1（手数料の納付を待つ間）"),
        "the fee's episode stays"
    );
    let mine = app.get(&case_path).await.body;
    assert!(mine.contains("id=\"case-clock-stopped\">期限停止中（補正待ち）"));
    assert!(!mine.contains("id=\"fee-clock\""));
}
