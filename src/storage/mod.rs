//! Documents at rest: recognised by content, encrypted before anything touches disk, destroyable
//! by destroying their key. Knows neither the database nor the web.

pub mod crypto;
pub mod files;
pub mod index;
pub mod sniff;
