//! # symlink-guard
//!
//! Symlink substitution ("SymJack"): a repository, a dependency or an earlier
//! step plants `config.json -> ~/.ssh/authorized_keys`, and a later, innocent
//! looking write to `config.json` lands outside the project. This rule
//!
//! - **denies writes whose real path escapes the workspace through a
//!   symlink** (`symlink-guard.escape`), judged from the host's path facts
//!   (the rule has no file system: the host resolves every path the action
//!   writes — file tools, patches, shell write targets — and says whether a
//!   symlink lies on the way, where it points, and whether the real path is
//!   inside the workspace);
//! - **denies creating a symlink that points at a protected place**
//!   (`symlink-guard.link-to-protected`): `/`, system directories, a home,
//!   credential stores, agent configuration (`ln -s ~/.ssh/id_rsa key.txt`);
//! - **asks before creating a symlink that points outside the workspace**
//!   (`symlink-guard.link-outside`), where later writes would follow it.
//!
//! Symlinks inside the workspace, and writes outside it that name their
//! target plainly (no symlink on the way), are left to other rules.
//!
//! Configuration (`[hookwarden.rules.config]`):
//!
//! ```toml
//! escape = "deny"                 # deny | ask: a write carried out by a symlink
//! link_outside = "ask"            # allow | ask | deny: a new link pointing out of the workspace
//! protected_targets = ["/srv/keys/**"]   # more places no link may point at (globs)
//! ```

mod links;
mod policy;

use hookwarden_sdk::{
    Action, ActionKind, Config, Decision, Event, Fact, HookEvent, Metadata, Rule, Verdict,
    export_rule,
};
use policy::{Level, Policy};

/// One thing the rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub level: Level,
    pub id: &'static str,
    pub message: String,
}

pub struct SymlinkGuard;

impl Rule for SymlinkGuard {
    fn metadata() -> Metadata {
        Metadata::new(
            "symlink-guard",
            env!("CARGO_PKG_VERSION"),
            "Stops writes that a symlink carries out of the workspace, and symlinks that point \
             at protected places.",
        )
        .events([HookEvent::PreToolUse, HookEvent::PermissionRequest])
        .actions([
            ActionKind::Shell,
            ActionKind::FileWrite,
            ActionKind::FileEdit,
            ActionKind::Patch,
        ])
    }

    fn evaluate(event: &Event, config: &Config) -> Result<Verdict, String> {
        let policy = Policy::from_config(config)?;
        let mut hits = escapes(event, &policy);
        if let Action::Shell(shell) = &event.action {
            let cwd = shell.workdir.as_deref().unwrap_or(&event.cwd);
            links::check(&shell.analysis, cwd, &event.cwd, &policy, &mut hits);
        }
        Ok(verdict(hits))
    }
}

export_rule!(SymlinkGuard);

/// Writes whose path goes through a symlink and really lands outside the workspace.
fn escapes(event: &Event, policy: &Policy) -> Vec<Hit> {
    event
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Path(p) if p.via_symlink && !p.inside_workspace => Some(Hit {
                level: policy.escape,
                id: "symlink-guard.escape",
                message: format!(
                    "writing `{}` follows a symlink{} and lands outside the workspace, at `{}`",
                    p.path,
                    p.symlink_target
                        .as_deref()
                        .map(|t| format!(" to `{t}`"))
                        .unwrap_or_default(),
                    p.real_path.as_deref().unwrap_or("an unknown place")
                ),
            }),
            _ => None,
        })
        .collect()
}

/// The strongest hit decides and names the reason; every hit is a finding.
fn verdict(hits: Vec<Hit>) -> Verdict {
    let decision = |level| match level {
        Level::Allow => Decision::Allow,
        Level::Ask => Decision::Ask,
        Level::Deny => Decision::Deny,
    };
    Verdict::from_findings(
        hits.into_iter()
            .map(|h| (decision(h.level), h.id, h.message)),
        "hookwarden blocked this because of a symbolic link. Do not work around it by another \
         path or tool; ask the user if the target really must change.",
    )
}

#[cfg(test)]
mod tests;
