//! leakhound: a secret-exposure scanner for source trees, git history and build artifacts.
//!
//! ```text
//!  sources (enumerate)               engine (per-thread scratch)                             sink
//!  fs: ignore parallel walker ──┐   load bytes (read | gix blob data)
//!  git: objects + history diff ─┼─► dedup by BlobId ─► expand artifacts ─► prefilter (aho-corasick)
//!  staged: index vs HEAD ───────┤                       (child blobs)       ─► confirm (regex, secret group)
//!  stdin ───────────────────────┘                                           ─► checks (entropy, placeholder, checksum)
//!                                                                           ─► Detection ─► group into Finding
//!                                                                           ─► suppress (inline, allowlist, baseline)
//!                                                                           ─► report: human | json | jsonl | sarif
//! ```
//!
//! The engine never does I/O and sees paths only through [`origin::Origin`];
//! sources never know rules; reporters never re-read files.

pub mod app;
pub mod artifact;
pub mod blob;
pub mod cli;
pub mod engine;
pub mod finding;
pub mod hook;
pub mod http;
pub mod location;
pub mod origin;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
