// `embed_migrations!` reads the migration folders at compile time; without this, a new migration
// folder is not embedded until something else makes cargo rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
