//! The user interface speaks Japanese first and English second. Messages live in one table so a
//! test can prove every key has both languages and every key a template uses exists.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    /// The other language's name, written in that language (for the switch link).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
        }
    }

    pub fn t(self, key: &str) -> &'static str {
        match MESSAGES.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
            Ok(i) => match self {
                Lang::Ja => MESSAGES[i].1,
                Lang::En => MESSAGES[i].2,
            },
            // A missing key is a bug the catalogue test catches; show something harmless.
            Err(_) => "…",
        }
    }

    pub fn has(key: &str) -> bool {
        MESSAGES.binary_search_by(|(k, _, _)| (*k).cmp(key)).is_ok()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// (key, Japanese, English), sorted by key.
pub static MESSAGES: &[(&str, &str, &str)] = &[
    (
        "error.400.message",
        "リクエストの内容を読み取れませんでした。入力をやり直してください。",
        "The request could not be read. Please try again.",
    ),
    (
        "error.400.title",
        "リクエストを処理できません",
        "Bad request",
    ),
    (
        "error.403.message",
        "このページを表示する権限がありません。別のアカウントでサインインするか、管理者にお問い合わせください。",
        "You do not have permission to see this page. Sign in with another account or ask your administrator.",
    ),
    ("error.403.title", "アクセスできません", "Access denied"),
    (
        "error.404.message",
        "お探しのページは見つかりませんでした。アドレスが正しいかご確認ください。",
        "We could not find that page. Please check the address.",
    ),
    (
        "error.404.title",
        "ページが見つかりません",
        "Page not found",
    ),
    (
        "error.422.message",
        "送信された内容を処理できませんでした。前のページに戻って入力内容を確認してください。",
        "We could not process what was sent. Go back and check what you entered.",
    ),
    (
        "error.422.title",
        "内容を処理できません",
        "Cannot process the request",
    ),
    (
        "error.500.message",
        "システムで問題が発生しました。入力した内容は失われていない場合があります。しばらくしてからもう一度お試しください。お問い合わせの際は次の番号をお伝えください。",
        "Something went wrong on our side. Please try again in a few minutes. If you contact us, please quote this reference.",
    ),
    (
        "error.500.title",
        "エラーが発生しました",
        "Sorry, something went wrong",
    ),
    (
        "error.503.message",
        "現在サービスを利用できません。しばらくしてからもう一度お試しください。",
        "The service is unavailable right now. Please try again later.",
    ),
    (
        "error.503.title",
        "一時的に利用できません",
        "Service unavailable",
    ),
    (
        "error.back_home",
        "トップページへ戻る",
        "Go to the start page",
    ),
    ("error.request_id", "問い合わせ番号", "Reference"),
    (
        "field.csrf_expired",
        "画面の有効期限が切れました。もう一度送信してください。",
        "This page expired. Please submit it again.",
    ),
    (
        "field.display_name.name_length",
        "氏名を60文字以内で入力してください。",
        "Enter a name of up to 60 characters.",
    ),
    (
        "field.email.email_invalid",
        "メールアドレスを name@example.jp の形式で入力してください。",
        "Enter an e-mail address like name@example.jp.",
    ),
    (
        "field.email.email_taken",
        "このメールアドレスのアカウントは既にあります。",
        "An account with this e-mail address already exists.",
    ),
    (
        "field.password.password_length",
        "パスワードは12文字以上128文字以内で入力してください。",
        "Enter a password of 12 to 128 characters.",
    ),
    (
        "field.password_confirm.password_mismatch",
        "確認用のパスワードが一致しません。同じパスワードをもう一度入力してください。",
        "The passwords do not match. Enter the same password twice.",
    ),
    (
        "form.error_summary",
        "入力内容に問題があります",
        "There is a problem",
    ),
    ("form.required", "必須", "required"),
    (
        "home.apply_heading",
        "請求できること",
        "What you can ask for",
    ),
    (
        "home.apply_items",
        "利用目的の通知、保有個人データ（第三者提供記録を含む）の開示、内容の訂正・追加・削除、利用停止・消去・第三者提供の停止、次世代医療基盤法に基づく提供停止・削除の求め。",
        "Notification of the purpose of use; disclosure of the personal data held about you (including records of provision to third parties); correction, addition or deletion; suspension of use, erasure or stop of provision to third parties; and stop of provision or deletion under the Next-Generation Medical Infrastructure Act.",
    ),
    (
        "home.intro",
        "この窓口では、当機関が保有するあなたの個人情報について、開示・訂正・利用停止などの請求をオンラインで受け付け、受付から決定まで進み具合をお知らせします。アカウントの登録は不要です。",
        "Here you can ask us, online and without an account, to disclose, correct or stop using the personal information we hold about you, and follow your request from receipt to decision.",
    ),
    (
        "home.lead",
        "ご自身の個人情報についての請求窓口",
        "Requests about your personal information",
    ),
    (
        "home.privacy_heading",
        "この窓口での個人情報の取扱い",
        "How this service handles your information",
    ),
    (
        "home.privacy_text",
        "請求のためにお預かりする氏名・連絡先・本人確認書類は、請求への対応にのみ利用し、暗号化して保管します。本人確認書類は対応完了後、定められた期間の経過後に消去します。",
        "Your name, contact details and identity documents are used only to handle your request and are stored encrypted. Identity documents are destroyed after a set period once your request is closed.",
    ),
    (
        "home.title",
        "個人情報の開示等の請求",
        "Requests about your personal information",
    ),
    (
        "login.bad_credentials",
        "メールアドレスまたはパスワードが正しくありません。",
        "The e-mail address or password is not correct.",
    ),
    (
        "login.disabled",
        "このアカウントは無効になっています。管理者にお問い合わせください。",
        "This account has been disabled. Please contact your administrator.",
    ),
    ("login.email", "メールアドレス", "E-mail address"),
    (
        "login.locked",
        "サインインの失敗が続いたため、このアカウントは一時的にロックされています。15分ほど待ってからお試しください。",
        "This account is locked for a while after repeated failed sign-ins. Please wait about 15 minutes and try again.",
    ),
    ("login.password", "パスワード", "Password"),
    ("login.submit", "サインイン", "Sign in"),
    ("login.title", "職員サインイン", "Staff sign-in"),
    ("nav.skip", "本文へ移動", "Skip to main content"),
    ("nav.staff", "職員の方", "Staff"),
    ("setup.display_name", "氏名", "Your name"),
    ("setup.email", "メールアドレス", "E-mail address"),
    (
        "setup.intro",
        "最初の管理者アカウントを作成します。このリンクは一度だけ、有効期限内に限り使えます。作成後は管理者として職員アカウントを追加できます。",
        "Create the first administrator account. This link works once, before it expires. Afterwards you can add other staff accounts as an administrator.",
    ),
    (
        "setup.invalid",
        "このセットアップ用リンクは無効です。有効期限が切れたか、既に使用されています。サーバーを再起動すると、管理者が未登録の場合に新しいリンクがコンソールに表示されます。",
        "This setup link is not valid: it has expired or has already been used. Restart the server to print a new link on its console if no administrator exists yet.",
    ),
    ("setup.invalid_title", "リンクが無効です", "Link not valid"),
    ("setup.password", "パスワード", "Password"),
    (
        "setup.password_confirm",
        "パスワード（確認）",
        "Password again",
    ),
    (
        "setup.password_hint",
        "12文字以上。長い文やパスフレーズがおすすめです。",
        "At least 12 characters. A long phrase works well.",
    ),
    (
        "setup.submit",
        "管理者アカウントを作成",
        "Create administrator account",
    ),
    ("setup.title", "初期設定", "First-time setup"),
    (
        "site.name",
        "個人情報 請求窓口",
        "Personal Information Requests",
    ),
    ("site.short", "窓口", "Madoguchi"),
    ("staff.home.role", "権限", "Role"),
    ("staff.home.sign_out", "サインアウト", "Sign out"),
    (
        "staff.home.sign_out_everywhere",
        "すべての端末でサインアウト",
        "Sign out on every device",
    ),
    ("staff.home.signed_in_as", "サインイン中", "Signed in as"),
    ("staff.home.title", "職員ページ", "Staff workspace"),
    (
        "staff.home.welcome",
        "サインインしました。",
        "You are signed in.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_unique_and_complete() {
        for pair in MESSAGES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "out of order or duplicate: {} / {}",
                pair[0].0,
                pair[1].0
            );
        }
        for (key, ja, en) in MESSAGES {
            assert!(
                !ja.trim().is_empty() && !en.trim().is_empty(),
                "{key} lacks a language"
            );
        }
    }

    #[test]
    fn every_key_used_by_a_template_or_the_code_exists() {
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            scan(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(dir)
                    .as_path(),
                &mut missing,
            );
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:?}"
        );
    }

    fn scan(dir: &std::path::Path, missing: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, missing);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices(".t(\"") {
                let rest = &text[i + 4..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && !key.contains('{') && !Lang::has(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }
}
