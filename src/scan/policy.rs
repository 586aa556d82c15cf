//! Blob policy, in one place for every source: size, binary content, Git LFS
//! pointers. A blob the policy refuses becomes a [`Skip`] with its reason.

use crate::skip::{Skip, SkipKind};

/// Bytes looked at for a NUL to call a blob binary (git uses the same 8 KiB).
pub const BINARY_SNIFF_BYTES: usize = 8 * 1024;
/// Default `--max-file-size`: larger blobs are skipped and reported.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;
/// LFS pointers are tiny by specification ("must be less than 1024 bytes").
const MAX_LFS_POINTER: usize = 1024;

/// What the scanner accepts.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Larger blobs are skipped (`--max-file-size`).
    pub max_file_size: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Policy {
    /// The skip for a blob of `len` bytes that is over the size limit.
    pub fn too_large(&self, name: &str, len: u64) -> Option<Skip> {
        (len > self.max_file_size).then(|| {
            Skip::new(
                name,
                SkipKind::TooLarge,
                format!("{len} bytes over the --max-file-size limit"),
                len,
            )
        })
    }
}

/// NUL in the first 8 KiB: git's own test for binary content.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF_BYTES)]).is_some()
}

/// Whether `data` is a Git LFS pointer file (the content lives on an LFS server).
pub fn is_lfs_pointer(data: &[u8]) -> bool {
    data.len() < MAX_LFS_POINTER && data.starts_with(b"version https://git-lfs.github.com/spec/")
}

/// The skip for binary content.
pub fn binary_skip(name: &str, len: usize) -> Skip {
    Skip::new(
        name,
        SkipKind::Binary,
        "binary content (NUL byte)",
        len as u64,
    )
}

/// The skip for a Git LFS pointer.
pub fn lfs_skip(name: &str, len: usize) -> Skip {
    Skip::new(
        name,
        SkipKind::LfsPointer,
        "Git LFS pointer: the content is stored on the LFS server",
        len as u64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lfs_pointer_is_recognised() {
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
        ));
        assert!(!is_lfs_pointer(b"version 1\n"));
    }

    #[test]
    fn binary_is_a_nul_in_the_first_8k() {
        assert!(is_binary(b"ab\0c"));
        let mut late = vec![b'a'; BINARY_SNIFF_BYTES];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
