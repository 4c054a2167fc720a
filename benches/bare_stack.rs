//! The bare stack, for scale: actix-web and diesel committing one SQLite row per request through
//! a single connection, in WAL mode with the application's `synchronous` setting (FULL, or NORMAL
//! when `MADOGUCHI_SQLITE_SYNCHRONOUS=normal`, as for the application). `benches/bare_stack.sh`
//! loads it with wrk exactly as `benches/submissions.sh` loads the application, so the two
//! figures, taken minutes apart on the same machine, show what the application's own work costs
//! whatever the machine's speed that day.
//! Usage: bare_stack BIND_ADDRESS DATABASE_FILE

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, RunQueryDsl, SqliteConnection};

type Shared = Arc<Mutex<SqliteConnection>>;

async fn insert_row(conn: web::Data<Shared>, body: web::Bytes) -> HttpResponse {
    let conn = conn.get_ref().clone();
    let payload = String::from_utf8_lossy(&body).into_owned();
    let inserted = web::block(move || {
        let mut conn = conn.lock().map_err(|_| "poisoned".to_string())?;
        diesel::sql_query("INSERT INTO rows (payload) VALUES (?)")
            .bind::<Text, _>(payload)
            .execute(&mut *conn)
            .map_err(|e| e.to_string())
    })
    .await;
    match inserted {
        Ok(Ok(_)) => HttpResponse::SeeOther()
            .insert_header(("Location", "/request/sent"))
            .finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(bind), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bare_stack BIND_ADDRESS DATABASE_FILE");
        std::process::exit(2);
    };
    let synchronous = match std::env::var("MADOGUCHI_SQLITE_SYNCHRONOUS") {
        Ok(value) if value.eq_ignore_ascii_case("normal") => "NORMAL",
        _ => "FULL",
    };
    let mut conn = SqliteConnection::establish(file).map_err(std::io::Error::other)?;
    conn.batch_execute(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
         CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
    ))
    .map_err(std::io::Error::other)?;
    let shared: Shared = Arc::new(Mutex::new(conn));
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(shared.clone()))
            .route("/request/submit", web::post().to(insert_row))
            .route("/healthz", web::get().to(HttpResponse::Ok))
    })
    .bind(bind.as_str())?
    .run()
    .await
}
