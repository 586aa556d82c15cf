//! What a SARIF report says about the scanned repository: where it lives, the
//! commit checked out and the branch, without credentials from remote URLs.

use super::open_repo;
use anyhow::Result;
use std::path::Path;

/// The repository behind a history scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoDetails {
    /// Absolute URI: the `origin` remote without user or password, else `file://` of the repository.
    pub uri: String,
    /// The commit `HEAD` points at (none in a repository with no commits).
    pub head: Option<String>,
    /// The branch `HEAD` is on (none when detached or bare without one).
    pub branch: Option<String>,
}

/// Details of the repository containing `path`.
pub fn repo_details(path: &Path) -> Result<RepoDetails> {
    let repo = open_repo(path)?;
    let remote_uri = repo.find_remote("origin").ok().and_then(|r| {
        r.url(gix::remote::Direction::Fetch)
            .map(uri_without_credentials)
    });
    let local = repo.workdir().unwrap_or_else(|| repo.git_dir());
    let local_uri = std::fs::canonicalize(local)
        .map(|p| format!("file://{}", p.to_string_lossy()))
        .unwrap_or_else(|_| format!("file://{}", local.to_string_lossy()));
    Ok(RepoDetails {
        uri: remote_uri.flatten().unwrap_or(local_uri),
        head: repo.head_id().ok().map(|id| id.to_string()),
        branch: repo
            .head_name()
            .ok()
            .flatten()
            .map(|n| n.shorten().to_string()),
    })
}

/// `scheme://host[:port]/path` of a remote URL: user names and passwords (a
/// token pasted into a remote URL is a leak) are dropped; scp-like `host:path`
/// becomes `ssh://host/path`.
fn uri_without_credentials(url: &gix::Url) -> Option<String> {
    let path = String::from_utf8_lossy(url.path.as_ref()).into_owned();
    let scheme = url.scheme.as_str();
    match url.host() {
        Some(host) => {
            let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
            let sep = if path.starts_with('/') { "" } else { "/" };
            Some(format!("{scheme}://{host}{port}{sep}{path}"))
        }
        None if scheme == "file" => {
            let abs = std::fs::canonicalize(&path)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(path);
            Some(format!("file://{abs}"))
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::uri_without_credentials;

    fn parse(s: &str) -> gix::Url {
        gix::url::parse(gix::bstr::BStr::new(s)).expect("valid url")
    }

    #[test]
    fn remote_urls_lose_their_credentials() {
        let with_password = "https://user:s3cr3t@github.com/acme/app.git"; // leakhound:allow fake
        assert_eq!(
            uri_without_credentials(&parse(with_password)).as_deref(),
            Some("https://github.com/acme/app.git")
        );
        assert_eq!(
            uri_without_credentials(&parse("git@github.com:acme/app.git")).as_deref(),
            Some("ssh://github.com/acme/app.git")
        );
    }
}
