//! Files in and out. Nothing here panics on bad bytes: every reader returns an
//! error that says what is wrong and where.

pub mod formats;
pub mod project_file;
pub mod sample;
pub mod text_import;
