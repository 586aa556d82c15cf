//! What was not scanned, and why: every source and reader reports skips in
//! this one shape, and the summary lists them.

use serde::Serialize;

/// Why something was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// Policy: NUL bytes in the first 8 KiB.
    Binary,
    /// Policy: larger than `--max-file-size`.
    TooLarge,
    /// Policy: FIFO, socket, device: never opened.
    NotRegular,
    /// Policy: symbolic link not followed.
    Symlink,
    /// Policy: a symbolic link loop.
    SymlinkLoop,
    /// Policy: a Git LFS pointer (content lives elsewhere).
    LfsPointer,
    /// Policy: a git submodule (not entered).
    Submodule,
    /// Policy: an artifact whose expansion hit a limit (nested archive depth, entry count, ratio).
    ArtifactLimit,
    /// Incomplete: could not be read (permission, I/O error, vanished).
    Unreadable,
    /// Incomplete: a missing or corrupt git object.
    CorruptObject,
}

impl SkipKind {
    /// Whether this skip means content the user asked for was not scanned.
    pub fn makes_incomplete(self) -> bool {
        matches!(self, SkipKind::Unreadable | SkipKind::CorruptObject)
    }
}

/// One thing that was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skip {
    pub path: String,
    pub reason: SkipKind,
    pub detail: String,
    /// Bytes not scanned, when known (0 otherwise); counted, not listed.
    #[serde(skip)]
    pub bytes: u64,
}

impl Skip {
    /// A skip of `bytes` bytes at `path`.
    pub fn new(
        path: impl Into<String>,
        reason: SkipKind,
        detail: impl Into<String>,
        bytes: u64,
    ) -> Skip {
        Skip {
            path: path.into(),
            reason,
            detail: detail.into(),
            bytes,
        }
    }
}
