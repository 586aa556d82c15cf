//! Blobs: the bytes a source hands to the scanner, and their identity (the git
//! blob id, used for plain files too, so the same content on disk and in
//! history has one id).

use sha1::{Digest, Sha1};

/// A git blob id: sha1(`blob {len}\0` ‖ bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(pub [u8; 20]);

impl BlobId {
    /// The id git would give `data`.
    pub fn of(data: &[u8]) -> BlobId {
        let mut h = Sha1::new();
        h.update(format!("blob {}\0", data.len()).as_bytes());
        h.update(data);
        BlobId(h.finalize().into())
    }

    /// Lower-case hex, as git prints it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// The bytes of one blob as a source read them.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    pub data: &'a [u8],
    /// The git object id (hex), for blobs read from a repository: reported on
    /// detections and named in skips.
    pub git_id: Option<&'a str>,
}

impl<'a> Blob<'a> {
    /// Bytes with no git identity (a file, stdin, a fetched URL).
    pub fn new(data: &'a [u8]) -> Self {
        Blob { data, git_id: None }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_git_hash_object() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            super::BlobId::of(b"hello\n").to_hex(),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
