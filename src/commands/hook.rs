//! `leakhound hook`: install or remove the git hooks.

use crate::cli::args::HookCommand;
use anyhow::Result;

/// `leakhound hook install|uninstall`.
pub fn run(cmd: HookCommand) -> Result<u8> {
    use crate::hook::{Installed, install, uninstall};
    match cmd {
        HookCommand::Install { hook, force, repo } => {
            let msg = match install(&repo, hook.into(), force)? {
                Installed::New(p) => format!("installed {}", p.display()),
                Installed::Updated(p) => format!("updated {}", p.display()),
                Installed::Replaced(p) => format!("replaced {} (--force)", p.display()),
                Installed::AlreadyCurrent(p) => {
                    format!("{} is already installed and current", p.display())
                }
            };
            println!("leakhound: {msg}");
        }
        HookCommand::Uninstall { hook, repo } => match uninstall(&repo, hook.into())? {
            Some(p) => println!("leakhound: removed {}", p.display()),
            None => println!(
                "leakhound: no {} hook installed",
                crate::hook::HookKind::from(hook).file_name()
            ),
        },
    }
    Ok(0)
}
