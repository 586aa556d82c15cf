//! Where a blob was seen: a file, a commit, the index, stdin, or inside an artifact.

use serde::Serialize;
use std::sync::Arc;

/// The commit that introduced a blob, for provenance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CommitMeta {
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// Author time, seconds since the epoch (for ordering).
    #[serde(skip)]
    pub timestamp: i64,
}

/// An annotated tag, for provenance of its message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TagMeta {
    /// The tag object's id.
    pub id: String,
    /// The tag's name (`v1.2.0`).
    pub name: String,
    pub tagger_name: String,
    pub tagger_email: String,
    /// Tagger date, RFC 3339.
    pub date: String,
    /// Tagger time, seconds since the epoch (for ordering).
    #[serde(skip)]
    pub timestamp: i64,
}

/// One place a blob was seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A file on disk, path as given or relative to the scan root.
    File { path: String },
    /// Standard input.
    Stdin,
    /// A blob at `path` in the tree of the commit that introduced it.
    GitCommit {
        commit: Arc<CommitMeta>,
        path: String,
    },
    /// A commit message.
    GitMessage { commit: Arc<CommitMeta> },
    /// An annotated tag's message.
    TagMessage { tag: Arc<TagMeta> },
    /// A file staged in the index.
    Staged { path: String },
    /// A virtual file inside another blob (a source map's original source, an archive entry).
    Artifact { parent: Box<Origin>, inner: String },
    /// A response fetched by `leakhound url`. `url` is already safe to print: no
    /// userinfo, no fragment, query values replaced (see `source::web::scope::display_url`);
    /// `path` is the URL path without its leading `/` (`index.html` for a folder),
    /// what rules, allowlists and artifact readers match on.
    Url { url: String, path: String },
}

impl Origin {
    /// The path rules and allowlists match against (`None` for stdin and messages).
    pub fn path(&self) -> Option<&str> {
        match self {
            Origin::File { path }
            | Origin::GitCommit { path, .. }
            | Origin::Staged { path }
            | Origin::Url { path, .. } => Some(path),
            Origin::Stdin | Origin::GitMessage { .. } | Origin::TagMessage { .. } => None,
            Origin::Artifact { inner, parent } => {
                // Match path rules on the inner name when it has a file-like shape.
                if inner.is_empty() {
                    parent.path()
                } else {
                    Some(inner)
                }
            }
        }
    }

    /// The path of the real file this origin lives in (artifacts: their outermost parent).
    pub fn file_path(&self) -> Option<&str> {
        match self {
            Origin::Artifact { parent, .. } => parent.file_path(),
            other => other.path(),
        }
    }

    /// Human-readable location name: `dist/app.js.map!webpack:///src/a.ts`, `<stdin>`, `commit abc123 (message)`.
    pub fn display(&self) -> String {
        match self {
            Origin::File { path } | Origin::GitCommit { path, .. } | Origin::Staged { path } => {
                path.clone()
            }
            Origin::Stdin => "<stdin>".to_string(),
            Origin::Url { url, .. } => url.clone(),
            Origin::GitMessage { commit } => format!("commit {} (message)", short(&commit.id)),
            Origin::TagMessage { tag } => format!("tag {} (message)", tag.name),
            Origin::Artifact { parent, inner } => format!("{}!{}", parent.display(), inner),
        }
    }

    /// A short word for the kind of place: file, stdin, git, commit-message, tag-message, staged, url, artifact.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::File { .. } => "file",
            Origin::Stdin => "stdin",
            Origin::GitCommit { .. } => "git",
            Origin::GitMessage { .. } => "commit-message",
            Origin::TagMessage { .. } => "tag-message",
            Origin::Staged { .. } => "staged",
            Origin::Url { .. } => "url",
            Origin::Artifact { .. } => "artifact",
        }
    }

    /// The (printable) URL this origin was fetched from, for `url` scans and
    /// artifacts inside fetched responses.
    pub fn url(&self) -> Option<&str> {
        match self {
            Origin::Url { url, .. } => Some(url),
            Origin::Artifact { parent, .. } => parent.url(),
            _ => None,
        }
    }

    /// The annotated tag, for tag-message origins.
    pub fn tag(&self) -> Option<&Arc<TagMeta>> {
        match self {
            Origin::TagMessage { tag } => Some(tag),
            Origin::Artifact { parent, .. } => parent.tag(),
            _ => None,
        }
    }

    /// The introducing commit, for history origins.
    pub fn commit(&self) -> Option<&Arc<CommitMeta>> {
        match self {
            Origin::GitCommit { commit, .. } | Origin::GitMessage { commit } => Some(commit),
            Origin::Artifact { parent, .. } => parent.commit(),
            _ => None,
        }
    }
}

/// The first 12 characters of a commit id.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}
