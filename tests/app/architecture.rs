//! The house's rules, read off the source tree: handlers reach the database only through services,
//! the domain does no I/O and reads no clock, services know nothing of HTTP, handlers read a form
//! through its own struct, never as a map of names to strings, no code compares a state, a
//! status, a channel, a role or a kind with a string, and no handler or service asks which regime
//! a case is under (it reads the regime's table). A broken rule fails with the file and line.

use std::path::{Path, PathBuf};

/// A rule: which files it covers, what they may not say, and why.
struct Rule {
    under: &'static str,
    forbidden: &'static [&'static str],
    /// Uses of a forbidden prefix that are allowed (the pool handle and its error type).
    allowed: &'static [&'static str],
    why: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        under: "src/web",
        forbidden: &["crate::db::", "use crate::db;", "diesel::"],
        allowed: &[
            "crate::db::Db,",
            "crate::db::Db;",
            "crate::db::Db)",
            "crate::db::Db>",
            "crate::db::DbError",
            "crate::db::{Db, DbError}",
        ],
        why: "handlers call a service; only services use repositories",
    },
    Rule {
        under: "src/domain",
        forbidden: &[
            "Utc::now",
            "Local::now",
            "SystemTime",
            "Instant::now",
            "std::fs",
            "std::net",
            "std::env",
            "std::process",
            "tokio",
            "actix",
            "diesel",
            "lettre",
            "rand::",
            "uuid::",
            "crate::db",
            "crate::service",
            "crate::web",
            "crate::storage",
            "crate::mail",
        ],
        allowed: &[],
        why: "the domain is plain Rust: no I/O, no clock (pass `now` in), no framework",
    },
    Rule {
        under: "src/service",
        forbidden: &[
            "actix_web::http",
            "actix_web::web::",
            "HttpRequest",
            "HttpResponse",
            "StatusCode",
            "actix_session",
            "actix_multipart",
            "crate::web",
        ],
        allowed: &[],
        why: "a service is one use case; HTTP belongs to the web layer",
    },
    Rule {
        under: "src/web",
        forbidden: &[
            "Form<HashMap",
            "Form<BTreeMap",
            "Form<Fields",
            "Form<TypedValues",
            "Query<HashMap",
            "Query<BTreeMap",
            "Query<Fields",
            "Query<TypedValues",
        ],
        allowed: &[],
        why: "a handler takes its form as a struct of its own (Deserialize, then TryFrom or parse \
              into the domain value), so no field is picked by a string name",
    },
    Rule {
        under: "src",
        forbidden: &[
            "state == \"",
            "state != \"",
            "status == \"",
            "status != \"",
            "channel == \"",
            "channel != \"",
            "role == \"",
            "role != \"",
            "purpose == \"",
            "purpose != \"",
            "kind == \"",
            "kind != \"",
        ],
        allowed: &[],
        why: "states, statuses, channels, roles and kinds are read into the domain's enums at the \
              database boundary (db::types); compare enums, and keep predicates in the domain",
    },
    Rule {
        under: "src/web",
        forbidden: &[
            "is_public_body",
            "Regime::NationalBody",
            "Regime::LocalBody",
            "Regime::PrivateBusiness",
            "Regime::MedicalDataHandler",
        ],
        allowed: &[],
        why: "what a regime allows is read from its table (regime_rules), not asked of the regime",
    },
    Rule {
        under: "src/service",
        forbidden: &[
            "is_public_body",
            "Regime::NationalBody",
            "Regime::LocalBody",
            "Regime::PrivateBusiness",
            "Regime::MedicalDataHandler",
        ],
        allowed: &[],
        why: "what a regime allows is read from its table (regime_rules), not asked of the regime",
    },
];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The code of a line, without a trailing `//` comment (doc comments and comments may name
/// anything).
fn code_of(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with("//") {
        return "";
    }
    match line.find(" //") {
        Some(at) if !line[..at].contains('"') => &line[..at],
        _ => line,
    }
}

/// The broken rules in one file's text, as `path:line: text (why)`.
fn violations(rule: &Rule, path: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_tests = false;
    for (number, line) in text.lines().enumerate() {
        // Unit tests at the end of a file may build what they check.
        if line.trim() == "#[cfg(test)]" {
            in_tests = true;
        }
        if in_tests {
            continue;
        }
        let code = code_of(line);
        for forbidden in rule.forbidden {
            let mut rest = code;
            while let Some(at) = rest.find(forbidden) {
                let tail = &rest[at..];
                if !rule.allowed.iter().any(|ok| tail.starts_with(ok)) {
                    found.push(format!(
                        "{path}:{}: `{}` ({})",
                        number + 1,
                        line.trim(),
                        rule.why
                    ));
                }
                rest = &rest[at + forbidden.len()..];
            }
        }
    }
    found
}

#[test]
fn the_layers_keep_to_their_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for rule in RULES {
        let mut files = Vec::new();
        rust_files(&root.join(rule.under), &mut files);
        assert!(!files.is_empty(), "no files under {}", rule.under);
        for file in files {
            // Unit-test modules kept in files of their own.
            if file
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with("tests.rs"))
            {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("source file");
            let shown = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            broken.extend(violations(rule, &shown, &text));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    let web = &RULES[0];
    let handler = "use crate::db::Db;\nuse crate::db::cases::{self, CaseRow};\n\
                   // crate::db::cases in a comment is fine\nfn f(db: &crate::db::Db) {}\n";
    let found = violations(web, "src/web/x.rs", handler);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("src/web/x.rs:2:"), "{found:?}");
    let domain = &RULES[1];
    let clock =
        "fn today() -> NaiveDate { jst_date(Utc::now()) }\n#[cfg(test)]\nfn t() { Utc::now(); }";
    assert_eq!(violations(domain, "src/domain/x.rs", clock).len(), 1);
    let service = &RULES[2];
    let http = "use actix_web::HttpResponse;\nfn f() -> HttpResponse {}\n";
    assert_eq!(violations(service, "src/service/x.rs", http).len(), 2);
    let forms = &RULES[3];
    let untyped = "fn a(CsrfForm(p): CsrfForm<HashMap<String, String>>) {}
\
                   fn b(q: web::Query<Fields>) {}
fn c(CsrfForm(p): CsrfForm<NoteForm>) {}
";
    assert_eq!(violations(forms, "src/web/x.rs", untyped).len(), 2);
    let names = &RULES[4];
    let stringly = "if row.state == \"received\" {}\nif row.state == CaseState::Received {}\n";
    assert_eq!(violations(names, "src/service/x.rs", stringly).len(), 1);
    let regimes = &RULES[6];
    let asked = "if regime.is_public_body() {}\nif facts.regime == Regime::LocalBody {}\n\
                 let rules = regime.kind_rules(kind);\n";
    assert_eq!(violations(regimes, "src/service/x.rs", asked).len(), 2);
}
