//! Sources enumerate blobs: folders, stdin, git history, the index.

pub mod fs;
pub mod git;
pub mod stdin;
