//! Who may change a hookwarden verdict.
//!
//! The guarded agent runs as the user, and a prompt-injected model can do
//! whatever that user can: edit files under `$HOME`, kill the user's
//! processes and start others, listen on sockets in the user's directories.
//! So a piece of state may change a verdict only if the agent's user could
//! not have forged it. Which state that is depends on the installation:
//!
//! - **managed** ([`Scope::Managed`]): root alone can change the hook's
//!   binary and its requirements file (or there is none: the built-in
//!   defaults). Only root-owned state is trusted: the admin's artifact
//!   store, a system server whose socket only root could have placed.
//!   Per-user stores and per-user servers are not used at all.
//! - **user scope** ([`Scope::User`]): the agent's user can change the binary
//!   or the requirements file anyway. That user's own state (the per-user
//!   artifact store, the user's own server) is trusted too: forging it gains
//!   the agent nothing it does not already have.
//!
//! [`assess`] decides which, from the running binary and the requirements
//! file; [`writers`] is the StrictModes-style check behind it (a path and
//! every directory above it), and [`socket`] holds the checks made on every
//! connection to a server. The threat model is in `docs/security.md`.

mod paths;
pub mod socket;

pub use hookwarden_pin::current_uid;
pub use paths::{Problem, Weakness, Writers, writers};

use std::path::{Path, PathBuf};

/// Whose files, stores and servers may change a verdict in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trust {
    me: u32,
    scope: Scope,
}

/// What kind of installation a process runs in (see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Root alone can change the binary and the configuration: only
    /// root-owned state counts.
    Managed,
    /// The agent's user can change the binary or the configuration: that
    /// user's own state counts too.
    User,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scope::Managed => "managed",
            Scope::User => "user scope",
        })
    }
}

impl Trust {
    /// Root alone is trusted.
    pub fn managed() -> Trust {
        Trust {
            me: current_uid(),
            scope: Scope::Managed,
        }
    }

    /// Root and this process's user are trusted.
    pub fn user() -> Trust {
        Trust {
            me: current_uid(),
            scope: Scope::User,
        }
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// This process's (effective) user.
    pub fn me(&self) -> u32 {
        self.me
    }

    /// Whether files owned by `uid`, and processes running as `uid`, are
    /// trusted: root always, this user in user scope.
    pub fn trusts(&self, uid: u32) -> bool {
        uid == 0 || (self.scope == Scope::User && uid == self.me)
    }

    /// Whether this user's own state (the per-user artifact store, a server
    /// this user runs) may be used: in user scope, and always for root.
    pub fn trusts_own_state(&self) -> bool {
        self.trusts(self.me)
    }
}

/// What an installation's files say about who may change verdicts.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub trust: Trust,
    /// Files someone besides root and this user can change: their owners
    /// can switch hookwarden off. Reported by the hook (as errors) and by
    /// `doctor`; the trust falls back to root alone.
    pub weaknesses: Vec<Weakness>,
}

/// Decide the scope of this process from the binary it runs and the
/// requirements file it loaded (`None`: the built-in defaults).
///
/// Managed when root alone can change both; user scope when this user can
/// change either; when anyone else can change either, the weakness is
/// returned and only root is trusted.
pub fn assess(binary: Option<&Path>, requirements: Option<&Path>) -> Assessment {
    let mut scope = Scope::Managed;
    let mut weaknesses = Vec::new();
    for path in [binary, requirements].into_iter().flatten() {
        match writers(path) {
            Writers::Root => {}
            Writers::RootAndMe => scope = Scope::User,
            Writers::Others(w) => weaknesses.push(w),
        }
    }
    if !weaknesses.is_empty() {
        scope = Scope::Managed;
    }
    Assessment {
        trust: Trust {
            me: current_uid(),
            scope,
        },
        weaknesses,
    }
}

/// The program this process runs, as it was started.
///
/// On Linux the path `execve` was given (`AT_EXECFN`, made absolute):
/// `/proc/self/exe` would be a procfs lookup, which costs a fresh process
/// tens of µs.
pub fn running_binary() -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getauxval has no preconditions; AT_EXECFN, when present,
        // points at the NUL-terminated path on the initial stack, which
        // lives as long as the process.
        let ptr = unsafe { libc::getauxval(libc::AT_EXECFN) } as *const libc::c_char;
        if !ptr.is_null() {
            // SAFETY: see above.
            let name = unsafe { std::ffi::CStr::from_ptr(ptr) };
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(std::ffi::OsStr::from_bytes(name.to_bytes()));
            if let Ok(path) = std::path::absolute(path) {
                return Some(path);
            }
        }
    }
    std::env::current_exe().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_always_trusted_and_the_user_only_in_user_scope() {
        let managed = Trust {
            me: 1000,
            scope: Scope::Managed,
        };
        assert!(managed.trusts(0));
        assert!(!managed.trusts(1000));
        assert!(!managed.trusts_own_state());
        let user = Trust {
            me: 1000,
            scope: Scope::User,
        };
        assert!(user.trusts(1000) && user.trusts(0) && !user.trusts(1001));
        assert!(user.trusts_own_state());
        let root = Trust {
            me: 0,
            scope: Scope::Managed,
        };
        assert!(root.trusts_own_state());
    }

    #[test]
    fn the_running_binary_is_this_test() {
        let bin = running_binary().unwrap();
        assert!(bin.is_absolute());
        assert_eq!(
            std::fs::canonicalize(&bin).unwrap(),
            std::fs::canonicalize(std::env::current_exe().unwrap()).unwrap()
        );
    }
}
