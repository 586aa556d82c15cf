//! [`Files`] lookups inside a repository, so a bundle committed with its map
//! resolves the map from the same commit's tree (history) or from the index
//! (staged), exactly as `scan` resolves it from the folder.

use crate::artifact::Files;
use gix::hash::ObjectId;
use gix::prelude::{Find, Header};
use std::path::{Component, Path};

/// Files of one tree (a commit's), read from the object database.
pub(crate) struct TreeFiles<'r> {
    pub repo: &'r gix::Repository,
    pub tree: ObjectId,
}

/// Files of the index being committed.
pub(crate) struct IndexFiles<'r> {
    pub repo: &'r gix::Repository,
    /// Path → blob id of every regular file staged.
    pub entries: &'r std::collections::HashMap<Vec<u8>, ObjectId>,
}

/// `path` as a repository-relative git path, with `.` and `..` resolved
/// lexically; `None` when it leaves the repository or is absolute.
fn repo_path(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Read blob `id`, refusing anything over `limit` bytes before decompressing it.
fn read_limited(
    repo: &gix::Repository,
    id: &gix::hash::oid,
    limit: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    let header = match repo.objects.try_header(id) {
        Ok(Some(h)) => h,
        Ok(None) => return Ok(None),
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    if header.kind() != gix::objs::Kind::Blob {
        return Ok(None);
    }
    if header.size() > limit {
        return Err(std::io::Error::other(format!(
            "{} bytes, over the size limit",
            header.size()
        )));
    }
    let mut buf = Vec::new();
    match repo.objects.try_find(id, &mut buf) {
        Ok(Some(_)) => Ok(Some(buf)),
        Ok(None) => Ok(None),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    }
}

impl Files for TreeFiles<'_> {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        let Some(rel) = repo_path(path) else {
            return Ok(None);
        };
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let entry = tree
            .lookup_entry_by_path(&rel)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        match entry {
            Some(e) if e.mode().is_blob() => read_limited(self.repo, &e.object_id(), limit),
            _ => Ok(None),
        }
    }
}

impl Files for IndexFiles<'_> {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        let Some(rel) = repo_path(path) else {
            return Ok(None);
        };
        match self.entries.get(rel.as_bytes()) {
            Some(id) => read_limited(self.repo, id, limit),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::repo_path;
    use std::path::Path;

    #[test]
    fn paths_stay_inside_the_repository() {
        assert_eq!(
            repo_path(Path::new("dist/app.js.map")).as_deref(),
            Some("dist/app.js.map")
        );
        assert_eq!(
            repo_path(Path::new("dist/./../maps/a.map")).as_deref(),
            Some("maps/a.map")
        );
        assert_eq!(repo_path(Path::new("../outside.map")), None);
        assert_eq!(repo_path(Path::new("/etc/passwd")), None);
    }
}
