use clap::Parser;

/// Returns the code rather than calling `process::exit`, so the runtime and the database pools
/// shut down in order before the process ends.
#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = madoguchi::cli::Cli::parse();
    let madoguchi::cli::Exit(code) = madoguchi::cli::run(cli).await;
    // Past this point no connection may be opened: see `db::quiesce`.
    let _ = madoguchi::db::quiesce(std::time::Duration::from_secs(15));
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(1))
}
