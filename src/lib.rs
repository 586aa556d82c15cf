//! leakhound: a secret-exposure scanner for source trees, git history and build artifacts.
//!
//! ```text
//!  sources (blobs + Origin)        scan::Scanner::scan (one entry point, pure)          sink (caller)
//!  source::fs (walker) ─────┐       ├─ scan::policy: size, LFS pointer, binary            group into Findings
//!  source::stdin ───────────┤       ├─ artifact readers: child blobs + annotations        fan out (history paths)
//!  source::git history ─────┼──►    │   (bundle/map, dotenv, gzip, archive); children    filter (staged: added lines)
//!  source::git staged ──────┤       │   go through the same Scanner, recursively         suppress (inline, allow, baseline)
//!  source::web (url crawl) ─┘       └─ engine: prefilter → regex → checks → Detection   report: human|json|jsonl|sarif
//!    Files: folder | commit tree | index | fetched site
//! ```
//!
//! The engine never does I/O and sees paths only through [`origin::Origin`];
//! sources never know rules; artifact readers are functions of bytes and a
//! [`artifact::Files`] lookup and never write into a collector; reporters never
//! re-read files. `docs/architecture.md` says where to add a source, a reader,
//! a rule or a reporter, and what each module may import.

pub mod artifact;
pub mod blob;
pub mod cli;
pub mod commands;
pub mod compat;
pub mod engine;
pub mod finding;
pub mod hook;
pub mod http;
pub mod lint;
pub mod location;
pub mod origin;
pub mod report;
pub mod rules;
pub mod scan;
pub mod skip;
pub mod source;
pub mod suppress;
pub mod text;
