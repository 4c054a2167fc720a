//! The tables, written by hand in the subset of SQL types both backends share (Text, BigInt,
//! Integer, Timestamp). The migrations parity test checks both backends against each other.

diesel::table! {
    staff (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        auth_epoch -> BigInt,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        must_change_password -> Integer,
        totp_secret -> Nullable<Text>,
        totp_enabled_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    staff_sessions (token_digest) {
        token_digest -> Text,
        staff_id -> Text,
        auth_epoch -> BigInt,
        created_at -> Timestamp,
        seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff_recovery_codes (staff_id, code_digest) {
        staff_id -> Text,
        code_digest -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    security_settings (id) {
        id -> Integer,
        mfa_roles -> Text,
        changed_by -> Nullable<Text>,
        changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_links (case_id, link_digest) {
        case_id -> Text,
        link_digest -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    setup_links (token_hash) {
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        target -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        role -> Nullable<Text>,
        case_id -> Nullable<Text>,
        digest -> Nullable<Text>,
        seal -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_seals (number) {
        number -> BigInt,
        sealed_at -> Timestamp,
        records -> BigInt,
        first_id -> Text,
        last_id -> Text,
        previous_digest -> Text,
        digest -> Text,
    }
}

diesel::table! {
    audit_seal_head (id) {
        id -> Integer,
        number -> BigInt,
        digest -> Text,
        anchor_number -> BigInt,
        anchor_digest -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        created_at -> Timestamp,
        purpose -> Text,
        case_id -> Nullable<Text>,
        sealed_message -> Binary,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claim_expires_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    receipt_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        receipt_number -> Nullable<Text>,
        profile -> Text,
        kind -> Text,
        state -> Text,
        channel -> Text,
        lang -> Text,
        requester_type -> Text,
        facts -> Text,
        created_at -> Timestamp,
        received_at -> Nullable<Timestamp>,
        due_on -> Nullable<Date>,
        assignee_id -> Nullable<Text>,
        email_index -> Text,
        access_token_hash -> Nullable<Text>,
        confirm_code_hash -> Nullable<Text>,
        confirm_attempts -> Integer,
        confirm_expires_at -> Nullable<Timestamp>,
        version -> BigInt,
        updated_at -> Timestamp,
        link_digest -> Nullable<Text>,
    }
}

diesel::table! {
    case_name_keys (name_key, case_id) {
        name_key -> Text,
        case_id -> Text,
    }
}

diesel::table! {
    case_parties (case_id) {
        case_id -> Text,
        sealed -> Binary,
    }
}

diesel::table! {
    case_contents (case_id) {
        case_id -> Text,
        sealed -> Binary,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        at -> Timestamp,
        actor -> Text,
        event -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        sealed_note -> Nullable<Binary>,
    }
}

diesel::table! {
    case_pauses (id) {
        id -> Text,
        case_id -> Text,
        reason -> Text,
        started_on -> Date,
        reply_by -> Nullable<Date>,
        ended_on -> Nullable<Date>,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        case_id -> Text,
        notice_version -> Text,
        agreed_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        case_id -> Text,
        uploaded_at -> Timestamp,
        uploaded_by -> Text,
        purpose -> Text,
        declared_type -> Text,
        mime -> Text,
        size_bytes -> BigInt,
        wrapped_key -> Nullable<Binary>,
        status -> Text,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        sealed_review -> Nullable<Binary>,
        destroyed_at -> Nullable<Timestamp>,
        available_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        case_id -> Text,
        at -> Timestamp,
        direction -> Text,
        author -> Text,
        sealed_body -> Binary,
    }
}

diesel::table! {
    drafts (id) {
        id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        submitted_case_id -> Nullable<Text>,
        sealed -> Binary,
    }
}

diesel::table! {
    fee_entries (id) {
        id -> Text,
        case_id -> Text,
        at -> Timestamp,
        entry -> Text,
        amount -> BigInt,
        recorded_by -> Text,
        sealed_entry -> Binary,
        value_date -> Nullable<Date>,
    }
}

diesel::table! {
    decisions (id) {
        id -> Text,
        case_id -> Text,
        outcome -> Text,
        sealed_text -> Binary,
        drafted_by -> Text,
        drafted_at -> Timestamp,
        status -> Text,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        sealed_comment -> Nullable<Binary>,
        issued_on -> Nullable<Date>,
        due_on -> Nullable<Date>,
        grounds -> Text,
        days_to_decision -> Nullable<Integer>,
        scope -> Text,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        status -> Text,
        note -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    calendar_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    reminders (key) {
        key -> Text,
        case_id -> Text,
        kind -> Text,
        sent_at -> Timestamp,
        instance -> Text,
        about_on -> Nullable<Date>,
    }
}

diesel::joinable!(reminders -> cases (case_id));
diesel::joinable!(fee_entries -> cases (case_id));
diesel::joinable!(decisions -> cases (case_id));
diesel::joinable!(case_name_keys -> cases (case_id));
diesel::joinable!(case_parties -> cases (case_id));
diesel::joinable!(case_contents -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_pauses -> cases (case_id));
diesel::joinable!(consents -> cases (case_id));
diesel::joinable!(documents -> cases (case_id));
diesel::joinable!(messages -> cases (case_id));
diesel::joinable!(cases -> staff (assignee_id));
diesel::joinable!(staff_sessions -> staff (staff_id));
diesel::joinable!(staff_recovery_codes -> staff (staff_id));
diesel::joinable!(case_links -> cases (case_id));

diesel::table! {
    fee_schedules (effective_from) {
        effective_from -> Date,
        schedule -> Text,
        added_by -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    fee_schedule_confirmations (profile, effective_from) {
        profile -> Text,
        effective_from -> Date,
        schedule -> Text,
        confirmed_by -> Text,
        confirmed_at -> Timestamp,
    }
}

diesel::table! {
    fee_schedule_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    retention_policy (id) {
        id -> Integer,
        document_days -> Integer,
        changed_by -> Text,
        changed_at -> Timestamp,
        audit_days -> Nullable<Integer>,
        audit_changed_by -> Nullable<Text>,
        audit_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    operator_settings (id) {
        id -> Integer,
        profile -> Nullable<Text>,
        adjustments -> Nullable<Text>,
        revision -> BigInt,
        changed_by -> Nullable<Text>,
        changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notice_templates (outcome, lang) {
        outcome -> Text,
        lang -> Text,
        body -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    figure_snapshots (name, day) {
        name -> Text,
        day -> Date,
        counted_at -> Timestamp,
        figures -> Text,
    }
}

diesel::table! {
    server_instances (id) {
        id -> Text,
        started_at -> Timestamp,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    maintenance (name) {
        name -> Text,
        started_at -> Timestamp,
    }
}

diesel::table! {
    backup_sets (name) {
        name -> Text,
        taken_at -> Timestamp,
        kind -> Text,
        bytes -> BigInt,
        manifest_sha256 -> Text,
        taken_by -> Text,
    }
}

diesel::table! {
    backup_claims (day) {
        day -> Date,
        instance -> Text,
        claimed_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    letters (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        series -> Text,
        fiscal_year -> Integer,
        seq -> BigInt,
        number -> Text,
        issued_on -> Date,
        lang -> Text,
        sealed_content -> Binary,
        issued_by -> Text,
        issued_at -> Timestamp,
        list_title -> Text,
        list_date -> Text,
    }
}

diesel::table! {
    letter_counters (series, fiscal_year) {
        series -> Text,
        fiscal_year -> Integer,
        last_seq -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    staff,
    setup_links,
    audit_events,
    audit_seal_head,
    audit_seals,
    outbox,
    receipt_counters,
    cases,
    case_name_keys,
    case_parties,
    case_contents,
    case_events,
    case_pauses,
    consents,
    documents,
    messages,
    drafts,
    fee_entries,
    decisions,
    calendar_days,
    calendar_revision,
    reminders,
    fee_schedules,
    fee_schedule_confirmations,
    fee_schedule_revision,
    retention_policy,
    operator_settings,
    notice_templates,
    figure_snapshots,
    staff_sessions,
    staff_recovery_codes,
    security_settings,
    case_links,
    server_instances,
    maintenance,
    backup_sets,
    backup_claims,
    letters,
    letter_counters,
);
