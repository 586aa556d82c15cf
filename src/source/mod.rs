//! Sources enumerate blobs: folders, stdin, git history, the index, a crawled site.

pub mod fs;
pub mod git;
pub mod stdin;
pub mod web;
