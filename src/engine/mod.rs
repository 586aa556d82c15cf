//! The detection engine: bytes in, [`Hit`]s out. It never does I/O.

pub mod checks;
pub mod keywords;
pub mod matcher;
pub mod placeholder;

pub use matcher::{Hit, Matcher};
