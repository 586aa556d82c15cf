//! Command line: raw flags (`args`) and the validated configuration built from them (`config`).

pub mod args;
pub mod config;
pub mod config_file;
pub mod url;
