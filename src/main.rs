use clap::Parser;

#[actix_web::main]
async fn main() {
    let cli = madoguchi::cli::Cli::parse();
    let madoguchi::cli::Exit(code) = madoguchi::cli::run(cli).await;
    std::process::exit(code);
}
