//! Blob identity: the git blob id, used for plain files too, so the same
//! content on disk and in history is one blob.

use sha1::{Digest, Sha1};
use std::collections::HashSet;
use std::sync::Mutex;

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

/// Shards in [`SeenSet`]: enough that workers rarely contend on one lock.
const SEEN_SHARDS: usize = 64;

/// A concurrent set of blob ids already scanned.
pub struct SeenSet {
    shards: Vec<Mutex<HashSet<[u8; 20]>>>,
}

impl Default for SeenSet {
    fn default() -> Self {
        SeenSet {
            shards: (0..SEEN_SHARDS)
                .map(|_| Mutex::new(HashSet::new()))
                .collect(),
        }
    }
}

impl SeenSet {
    /// Record `id`; true when it was not seen before.
    pub fn insert(&self, id: &[u8; 20]) -> bool {
        let shard = &self.shards[id[0] as usize % SEEN_SHARDS];
        shard.lock().unwrap_or_else(|p| p.into_inner()).insert(*id)
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
