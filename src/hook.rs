//! `leakhound hook install|uninstall`: the git hooks in `hooks/`, written into a
//! repository's hooks directory.
//!
//! The hooks directory comes from `git rev-parse --git-path hooks`, which honours
//! `core.hooksPath` and linked worktrees exactly as git itself will when it runs
//! the hook. This is setup, not scanning, so asking git is the correct source of truth.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The marker line that identifies a hook leakhound installed.
pub const MARKER: &str = "# leakhound-hook:";

/// A hook leakhound can install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    PreCommit,
    PrePush,
}

impl HookKind {
    /// The hook's file name in the hooks directory.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }

    /// The script (shipped in `hooks/`).
    pub fn script(self) -> &'static str {
        match self {
            HookKind::PreCommit => include_str!("../hooks/pre-commit"),
            HookKind::PrePush => include_str!("../hooks/pre-push"),
        }
    }
}

/// The hooks directory git uses for the repository at `repo`.
pub fn hooks_dir(repo: &Path) -> Result<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--path-format=absolute", "--git-path", "hooks"])
        .output()
        .context("cannot run git to locate the hooks directory")?;
    if !out.status.success() {
        bail!("{} is not inside a git repository", repo.display());
    }
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if path.is_empty() {
        bail!("git did not report a hooks directory");
    }
    Ok(PathBuf::from(path))
}

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    Updated(PathBuf),
    AlreadyCurrent(PathBuf),
    Replaced(PathBuf),
}

/// Write the hook; refuses to replace a hook leakhound did not write unless `force`.
pub fn install(repo: &Path, kind: HookKind, force: bool) -> Result<Installed> {
    let dir = hooks_dir(repo)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(kind.file_name());
    let outcome = match std::fs::read(&path) {
        Ok(existing) if existing == kind.script().as_bytes() => {
            return Ok(Installed::AlreadyCurrent(path));
        }
        Ok(existing) if is_ours(&existing) => Installed::Updated(path.clone()),
        Ok(_) if !force => bail!(
            "{} already exists and was not written by leakhound; not overwriting it (use --force to replace it, or call `leakhound staged` from it)",
            path.display()
        ),
        Ok(_) => Installed::Replaced(path.clone()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Installed::New(path.clone()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    std::fs::write(&path, kind.script())
        .with_context(|| format!("cannot write {}", path.display()))?;
    set_executable(&path)?;
    Ok(outcome)
}

/// Remove the hook if leakhound installed it; a foreign hook is left alone.
pub fn uninstall(repo: &Path, kind: HookKind) -> Result<Option<PathBuf>> {
    let path = hooks_dir(repo)?.join(kind.file_name());
    match std::fs::read(&path) {
        Ok(existing) if is_ours(&existing) => {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
            Ok(Some(path))
        }
        Ok(_) => bail!(
            "{} was not installed by leakhound; leaving it in place",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn is_ours(content: &[u8]) -> bool {
    content
        .split(|&b| b == b'\n')
        .take(3)
        .any(|l| l.starts_with(MARKER.as_bytes()))
}

fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(path)?.permissions();
    perm.set_mode(perm.mode() | 0o755);
    std::fs::set_permissions(path, perm)
        .with_context(|| format!("cannot make {} executable", path.display()))
}
