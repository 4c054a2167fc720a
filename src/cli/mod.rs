//! The command line. With no subcommand, `madoguchi` serves.

/// `println!` for the command line's output, which does not panic when nobody reads it any
/// more (`madoguchi calendar holidays … | head -1` closes the pipe early): see [`write_line`].
macro_rules! say {
    () => {
        $crate::cli::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

pub mod domain_cmds;
mod key_rotation;
mod session_key;

use std::io::BufRead;
use std::sync::atomic::{AtomicU8, Ordering};

use clap::{Parser, Subcommand};

use crate::auth::password::{self, Cost};
use crate::config::Config;
use crate::domain::role::Role;
use crate::service::accounts::{self, AccountError, AccountInput};
use crate::service::{audit_log, backup};
use crate::startup::{self, Application};

#[derive(Debug, Parser)]
#[command(
    name = "madoguchi",
    version,
    about = "Madoguchi (窓口): requests about personal information, from receipt to decision",
    long_about = "Madoguchi (窓口) receives and handles requests about the personal information an \
organisation holds (開示・訂正・利用停止等の請求).\n\nWith no command it starts the web server. \
Configuration comes from environment variables (see README); with none, it serves on \
http://127.0.0.1:8080 with an SQLite database under ./data/.",
    after_help = variables_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (default) / サーバーを起動
    Serve,
    /// Create or update the database schema, then exit / データベースを移行
    Migrate,
    /// Manage staff accounts / 職員アカウント
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
    /// Development and benchmark tools / 開発用
    Dev {
        #[command(subcommand)]
        action: DevCommand,
    },
    /// Generate keys for MADOGUCHI_SESSION_KEY and MADOGUCHI_DOCUMENT_KEY, or rotate the
    /// document key / 鍵の生成・更新
    #[command(args_conflicts_with_subcommands = true)]
    Keys {
        #[command(subcommand)]
        action: Option<KeysCommand>,
    },
    /// Take a backup set under DIR while the server runs, or check one / バックアップ
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        action: Option<BackupCommand>,
        /// Directory the set is written under (as DIR/madoguchi-<UTC time>)
        #[arg(long, value_name = "DIR")]
        to: Option<std::path::PathBuf>,
        /// Copy only the documents the newest set under DIR does not hold
        #[arg(long)]
        incremental: bool,
    },
    /// Restore a backup set into an empty database and data directory, then check it / リストア
    Restore {
        /// The set's directory (DIR/madoguchi-<UTC time>)
        #[arg(long, value_name = "SET")]
        from: std::path::PathBuf,
    },
    /// Check or seal the tamper-evident audit log / 監査ログの検証
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    #[command(flatten)]
    Domain(domain_cmds::DomainCommand),
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff account / 職員アカウントを追加
    Add {
        /// E-mail address used to sign in
        #[arg(long)]
        email: String,
        /// staff (担当者), approver (決裁者), admin (管理者) or auditor (監査)
        #[arg(long)]
        role: Role,
        /// Name shown to colleagues (defaults to the part of the e-mail before @)
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Fill the database with realistic cases in every state / デモ・計測用の案件を生成
    Seed {
        /// How many cases to add
        #[arg(long, default_value_t = 1000)]
        cases: usize,
        /// Add seeded cases even if the database holds real ones
        #[arg(long)]
        force: bool,
    },
    /// Run one reminder and escalation sweep now and say how long it took / リマインダーを1回実行
    Sweep,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Check a set against its manifest (exit 1 naming what is wrong) / バックアップの検証
    Verify {
        /// The set's directory
        set: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Seal every stored value under a new document key, with every server stopped; run it
    /// again to finish an interrupted rotation / 文書鍵の更新
    Rotate,
    /// One step of changing the session key without signing anybody out: the first run writes
    /// session.key.next, the second makes it session.key; restart every instance after each
    /// / セッション鍵の更新
    RotateSession,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every record and seal; print the latest seal's digest (exit 1 naming the first
    /// broken record) / 改ざん検知
    Verify,
    /// Seal the records written since the last seal now / 未封印の記録を封印
    Seal,
}

/// The environment variables `--help` lists, from the table the configuration reads.
fn variables_help() -> String {
    let width = crate::config::VARIABLES
        .iter()
        .map(|(name, _, _)| name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "Environment variables / 環境変数 (an optional .env file in the working directory is read too):\n",
    );
    for (name, default, meaning) in crate::config::VARIABLES {
        if default.is_empty() {
            out.push_str(&format!("  {name:<width$}  {meaning}\n"));
        } else {
            out.push_str(&format!(
                "  {name:<width$}  {meaning} [default: {default}]\n"
            ));
        }
    }
    out
}

/// What became of standard output: 0 written, 1 a closed pipe, 2 another error.
static STDOUT_STATE: AtomicU8 = AtomicU8::new(0);

/// Writes one line to standard output. A reader that went away (EPIPE) is no error: like other
/// Unix tools, the command stops writing and ends quietly. Any other failure (a full disk) is
/// reported once on standard error and the command ends with 1.
pub fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if STDOUT_STATE.load(Ordering::Relaxed) != 0 {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_STATE.store(1, Ordering::Relaxed);
        } else {
            STDOUT_STATE.store(2, Ordering::Relaxed);
            eprintln!("error: cannot write to standard output: {e}");
        }
    }
}

/// The exit code once the output is written: `code`, unless writing failed for a reason other
/// than a reader that stopped reading.
fn after_output(code: i32) -> Exit {
    match STDOUT_STATE.load(Ordering::Relaxed) {
        2 => Exit(1),
        _ => Exit(code),
    }
}

/// How the process should end: 0 success, 1 failure at run time, 2 bad configuration or arguments.
pub struct Exit(pub i32);

pub async fn run(cli: Cli) -> Exit {
    match cli.command.unwrap_or(Command::Serve) {
        // The rule commands need no configuration, database or logging: they only compute.
        Command::Domain(command) => match domain_cmds::run(command) {
            Ok(output) => {
                say!("{output}");
                after_output(0)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Exit(e.exit_code())
            }
        },
        Command::Keys {
            action: Some(KeysCommand::Rotate),
        } => match load_config() {
            Ok(config) => key_rotation::rotate_keys(&config),
            Err(exit) => exit,
        },
        Command::Keys {
            action: Some(KeysCommand::RotateSession),
        } => match load_config() {
            Ok(config) => session_key::rotate_session_key(&config),
            Err(exit) => exit,
        },
        Command::Keys { action: None } => {
            say!(
                "MADOGUCHI_SESSION_KEY={}",
                crate::secrets::generate_encoded(crate::secrets::SESSION_KEY_LEN)
            );
            say!(
                "MADOGUCHI_DOCUMENT_KEY={}",
                crate::secrets::generate_encoded(crate::secrets::DOCUMENT_KEY_LEN)
            );
            after_output(0)
        }
        Command::Serve => match load_config() {
            Ok(config) => serve(config).await,
            Err(exit) => exit,
        },
        Command::Migrate => match load_config() {
            Ok(config) => migrate(&config),
            Err(exit) => exit,
        },
        Command::Dev {
            action: DevCommand::Seed { cases, force },
        } => match load_config() {
            Ok(config) => seed(&config, cases, force),
            Err(exit) => exit,
        },
        Command::Dev {
            action: DevCommand::Sweep,
        } => match load_config() {
            Ok(config) => sweep(&config).await,
            Err(exit) => exit,
        },
        Command::Backup {
            action: Some(BackupCommand::Verify { set }),
            ..
        } => verify_backup(&set),
        Command::Backup {
            action: None,
            to: Some(root),
            incremental,
        } => match load_config() {
            Ok(config) => take_backup(&config, &root, incremental),
            Err(exit) => exit,
        },
        Command::Backup { .. } => {
            eprintln!(
                "error: say where: madoguchi backup --to DIR, or madoguchi backup verify SET"
            );
            Exit(2)
        }
        Command::Restore { from } => match load_config() {
            Ok(config) => restore(&config, &from),
            Err(exit) => exit,
        },
        Command::Audit { action } => match load_config() {
            Ok(config) => audit(&config, action),
            Err(exit) => exit,
        },
        Command::Staff {
            action:
                StaffCommand::Add {
                    email,
                    role,
                    name,
                    password_stdin,
                },
        } => match load_config() {
            Ok(config) => add_staff(&config, email, role, name, password_stdin),
            Err(exit) => exit,
        },
    }
}

/// Reads the configuration and starts logging; on error prints every problem (exit code 2).
fn load_config() -> Result<Config, Exit> {
    match Config::from_env() {
        Ok(config) => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            Ok(config)
        }
        Err(errors) => {
            eprintln!("{errors}");
            Err(Exit(2))
        }
    }
}

fn migrate(config: &Config) -> Exit {
    match startup::open_database(config) {
        Ok(_) => {
            say!("database {} is up to date", config.database_url.redacted());
            Exit(0)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit(2)
        }
    }
}

fn audit(config: &Config, action: AuditCommand) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    match action {
        AuditCommand::Seal => match audit_log::seal_blocking(&db, chrono::Utc::now()) {
            Ok(run) => {
                match run.latest {
                    Some(latest) => println!(
                        "sealed {} records in {} seals; latest seal {} digest {}",
                        run.records, run.seals, latest.number, latest.digest
                    ),
                    None => println!("nothing to seal"),
                }
                Exit(0)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Exit(1)
            }
        },
        AuditCommand::Verify => {
            let started = std::time::Instant::now();
            match audit_log::verify(&db) {
                Ok(Ok(intact)) => {
                    let seconds = started.elapsed().as_secs_f64();
                    println!(
                        "audit log intact: {} records ({} sealed, {} awaiting the next seal) checked in {seconds:.2} s",
                        intact.records, intact.sealed, intact.pending
                    );
                    match intact.latest {
                        Some((number, digest)) => {
                            println!("latest seal {number} digest {digest}");
                        }
                        None => println!("no seal yet"),
                    }
                    if let Some(anchor) = intact.anchor {
                        println!(
                            "kept from seal {} on: older records were pruned, anchored at seal {} digest {}",
                            anchor.number + 1,
                            anchor.number,
                            anchor.digest
                        );
                    }
                    Exit(0)
                }
                Ok(Err(broken)) => {
                    eprintln!("audit log broken: {broken}");
                    Exit(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Exit(1)
                }
            }
        }
    }
}

fn backup_exit(e: &backup::BackupError) -> Exit {
    eprintln!("error: {e}");
    Exit(match e {
        backup::BackupError::BadInput(_) => 2,
        _ => 1,
    })
}

fn take_backup(config: &Config, root: &std::path::Path, incremental: bool) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let documents_dir = config.data_path("documents");
    let sources = backup::Sources {
        db: &db,
        documents_dir: &documents_dir,
        keys: config.keys_note(),
        taken_by: "cli",
    };
    let started = std::time::Instant::now();
    let taken = backup::take(&sources, root, incremental, chrono::Utc::now());
    seal_before_exit(&db);
    match taken {
        Ok(taken) => {
            println!(
                "backup set {} ({:?}): {} bytes written, {} documents ({} copied into this set) in {:.1} s",
                taken.set.display(),
                taken.manifest.kind,
                taken.bytes,
                taken.manifest.documents.len(),
                taken.copied,
                started.elapsed().as_secs_f64()
            );
            if taken.manifest.database.is_none() {
                println!(
                    "database: PostgreSQL is not in the set; back it up with pg_dump (docs/operations.md §3)"
                );
            }
            println!("manifest SHA-256 {}", taken.manifest_sha256);
            println!("keys: {}", taken.manifest.keys);
            Exit(0)
        }
        Err(e) => backup_exit(&e),
    }
}

fn verify_backup(set: &std::path::Path) -> Exit {
    match backup::verify(set) {
        Ok(verified) => {
            println!(
                "backup set {} is sound: {} files, {} bytes, as its manifest says",
                set.display(),
                verified.files,
                verified.bytes
            );
            Exit(0)
        }
        Err(e) => backup_exit(&e),
    }
}

fn restore(config: &Config, set: &std::path::Path) -> Exit {
    let documents_dir = config.data_path("documents");
    let master = crate::storage::crypto::MasterKey::new(config.secrets.document_key);
    let target = backup::Target {
        url: &config.database_url,
        documents_dir: &documents_dir,
        master: &master,
    };
    let started = std::time::Instant::now();
    match backup::restore(set, &target) {
        Ok(restored) => {
            println!(
                "restored {} cases and {} documents from {} in {:.1} s; integrity check ok; every document opens; audit log intact ({} records)",
                restored.cases,
                restored.documents,
                set.display(),
                started.elapsed().as_secs_f64(),
                restored.audit.records
            );
            Exit(0)
        }
        Err(e) => backup_exit(&e),
    }
}

/// A command that wrote audit records seals them before it exits, so that none waits for a
/// server that may not be running (`docs/operations.md §2`).
pub(crate) fn seal_before_exit(db: &crate::db::Db) {
    if let Err(e) = audit_log::seal_blocking(db, chrono::Utc::now()) {
        eprintln!("warning: could not seal the audit log: {e}");
    }
}

async fn sweep(config: &Config) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let Ok(from) = crate::mail::parse_mailbox(&config.mail_from) else {
        eprintln!("error: MADOGUCHI_MAIL_FROM is not an address");
        return Exit(2);
    };
    let profile = config.profile.profile();
    let sweeper = crate::service::reminders::Sweeper {
        db,
        calendars: std::sync::Arc::new(crate::service::caches::CalendarCache::new(
            profile.calendar(std::iter::empty()),
        )),
        profiles: std::sync::Arc::new(crate::service::caches::ProfileCache::new(config.profile)),
        master: std::sync::Arc::new(crate::storage::crypto::MasterKey::new(
            config.secrets.document_key,
        )),
        from,
        public_url: config.public_url.clone(),
        deadline_days: config.reminder_days.clone(),
        instance: format!("cli-{}", uuid::Uuid::now_v7()),
        metrics: crate::service::metrics::Metrics::new(),
    };
    let started = std::time::Instant::now();
    let swept = sweeper.sweep(chrono::Utc::now()).await;
    seal_before_exit(&sweeper.db);
    match swept {
        Ok(swept) => {
            say!(
                "considered {} cases, sent {} reminders, dismissed {} requests in {:.3} s",
                swept.cases_considered,
                swept.reminders_sent,
                swept.dismissed,
                started.elapsed().as_secs_f64()
            );
            Exit(0)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit(1)
        }
    }
}

fn seed(config: &Config, cases: usize, force: bool) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let key = config.secrets.document_key;
    let master = crate::storage::crypto::MasterKey::new(key);
    let index = crate::storage::index::IndexKey::derive(&key);
    // The profile an administrator chose, as the server would apply it.
    let profile = match db.with_reader(crate::db::operator_settings::current) {
        Ok(row) => crate::service::caches::profile_of(config.profile, &row),
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(1);
        }
    };
    let calendar = profile.calendar(std::iter::empty());
    let seeder = crate::service::seed::Seeder {
        db: &db,
        master: &master,
        index: &index,
        profile: &profile,
        calendar: &calendar,
    };
    let started = std::time::Instant::now();
    let seeded = seeder.seed(cases, force, chrono::Utc::now());
    seal_before_exit(&db);
    match seeded {
        Ok(total) => {
            say!(
                "added {cases} seeded cases in {:.1} s; the database now holds {total}",
                started.elapsed().as_secs_f64()
            );
            Exit(0)
        }
        Err(e @ crate::service::seed::SeedError::RealCases(_)) => {
            eprintln!("error: {e}");
            Exit(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit(1)
        }
    }
}

async fn serve(config: Config) -> Exit {
    let bind = config.bind;
    let public_url = config.public_url.clone();
    for (en, ja) in config.warnings() {
        tracing::warn!("{en}");
        say!("WARNING: {en}");
        say!("警告: {ja}");
    }
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    tracing::info!(%bind, "Madoguchi is serving");
    say!("Madoguchi: {public_url}/");
    if let Some(dir) = app.mail_files() {
        // Said loudly and logged: requesters are waiting for these mails.
        tracing::warn!(
            mail_dir = %dir.display(),
            "no SMTP server configured: mail is NOT being sent"
        );
        say!(
            "WARNING: no SMTP server is configured (MADOGUCHI_SMTP_URL): mail is NOT being sent. \
             Each message is written, readable by this user only, to {}",
            dir.display()
        );
        say!(
            "警告: SMTPサーバーが設定されていないため（MADOGUCHI_SMTP_URL）、メールは送信されません。\
             メールは {} に、このユーザーだけが読めるファイルとして書き出されます。",
            dir.display()
        );
    }
    if let Some(link) = app.setup_link() {
        // Printed, not logged: the link is a credential meant for the operator's eyes only.
        say!();
        say!(
            "No administrator exists yet. Open this one-time link to create the first administrator:"
        );
        say!(
            "管理者がまだ登録されていません。次のリンクから最初の管理者を登録してください（1回限り有効）:"
        );
        say!("  {link}");
        say!();
    }
    match app.run_until_stopped().await {
        Ok(()) => Exit(0),
        Err(e) => {
            eprintln!("error: {e}");
            Exit(1)
        }
    }
}

fn add_staff(
    config: &Config,
    email: String,
    role: Role,
    name: Option<String>,
    password_stdin: bool,
) -> Exit {
    let db = match startup::open_database(config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit(2);
        }
    };
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_err() {
            eprintln!("error: could not read a password from standard input");
            return Exit(2);
        }
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (password::generate(), true)
    };
    let display_name =
        name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let input = AccountInput {
        email,
        display_name,
        password: password.clone(),
    };
    let added = accounts::add_staff(
        &db,
        input,
        (role, generated),
        chrono::Utc::now(),
        Cost::Standard,
    );
    seal_before_exit(&db);
    match added {
        Ok(row) => {
            say!("created {} account for {} (id {})", role, row.email, row.id);
            if generated {
                say!("password (shown once; ask them to change it): {password}");
            }
            if role != Role::Admin && matches!(accounts::administrator_exists(&db), Ok(false)) {
                say!(
                    "note: no administrator exists yet. The one-time setup link the server prints \
                     at start still creates the first one; or add one with \
                     `madoguchi staff add --role admin`."
                );
                say!(
                    "注意: 管理者はまだ登録されていません。サーバー起動時に表示される1回限りのリンクから\
                     最初の管理者を登録できます（`madoguchi staff add --role admin` でも追加できます）。"
                );
            }
            after_output(0)
        }
        Err(AccountError::Invalid(errors)) => {
            for (field, list) in errors.field_errors() {
                for error in list {
                    let why = match error.code.as_ref() {
                        "email_invalid" => "is not a valid e-mail address".to_string(),
                        "name_length" => "must be 1 to 60 characters".to_string(),
                        "password_length" => format!(
                            "must be {} to {} characters",
                            password::MIN_LENGTH,
                            password::MAX_LENGTH
                        ),
                        "password_common" => {
                            "is one of the passwords people choose most often".to_string()
                        }
                        "password_personal" => "contains the e-mail address's name".to_string(),
                        other => other.to_string(),
                    };
                    eprintln!("error: {field} {why}");
                }
            }
            Exit(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit(if matches!(e, AccountError::EmailTaken) {
                2
            } else {
                1
            })
        }
    }
}
