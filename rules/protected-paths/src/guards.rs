//! What is protected: the categories, their default patterns, and how a
//! path is matched against them.
//!
//! A pattern is a glob anchored in one of three ways:
//!
//! - `/etc/codex/**`: absolute, matched against the absolute path;
//! - `~/.ssh/**`: home-based, matched against the path relative to the home
//!   it lies in (`~/…`, `$HOME/…`, `/home/<user>/…`, `/Users/<user>/…`,
//!   `/root/…`);
//! - `.env`, `.github/workflows/**`: relative, matched against every tail of
//!   the path, so it protects that name at any depth of any directory
//!   (the workspace's `.git/hooks` and a sibling clone's alike), except in
//!   temporary directories (`/tmp`, `/var/tmp`…) outside the workspace,
//!   which hold scratch copies (the caller says which paths are scratch).
//!
//! A path relates to a pattern in one of three ways ([`Relation`]): it is a
//! protected file (`Exact`), the directory a `dir/**` pattern protects
//! (`DirRoot`), or a directory holding protected paths (`Ancestor`:
//! `~` holds `~/.ssh/**`, `.github` holds `.github/workflows/**`). Which
//! relations count depends on the operation: writing a file counts the
//! first two, a recursive delete all three.

use std::fmt;

use hookwarden_sdk::paths::{has_glob, home_relative};

/// Why a path is protected. Each is a finding id `protected-paths.<name>`
/// and can be set to deny, ask or allow separately (`categories`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// `.env` files: the project's secrets.
    Secrets,
    /// Credential stores: `~/.ssh`, `~/.aws`, `.npmrc`, `.netrc`…
    Credentials,
    /// `.git` internals: hooks run code on every commit, config can too.
    GitInternals,
    /// CI definitions: they run with the repository's secrets.
    Ci,
    /// Agents' own configuration, hooks and instructions.
    AgentConfig,
    /// Shell start-up files: every new shell runs them.
    ShellStartup,
    /// A program named like a common tool put in a directory on `PATH`, or
    /// a start-up file line that puts a relative or scratch directory first
    /// on `PATH`: it runs in place of the real tool.
    PathHijack,
    /// Git hook managers' configuration and hook directories (`.husky`,
    /// lefthook, pre-commit…) and `core.hooksPath`: what git runs on commit.
    GitHooks,
    /// hookwarden's own files: compiled rules, server socket, configuration,
    /// logs, binaries. Changing them could switch hookwarden off.
    Hookwarden,
    /// Paths the admin added with `extra`.
    Custom,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Secrets,
        Category::Credentials,
        Category::GitInternals,
        Category::Ci,
        Category::AgentConfig,
        Category::ShellStartup,
        Category::PathHijack,
        Category::GitHooks,
        Category::Hookwarden,
        Category::Custom,
    ];

    /// The name used in config keys and finding ids.
    pub fn name(self) -> &'static str {
        match self {
            Category::Secrets => "secrets",
            Category::Credentials => "credentials",
            Category::GitInternals => "git-internals",
            Category::Ci => "ci",
            Category::AgentConfig => "agent-config",
            Category::ShellStartup => "shell-startup",
            Category::PathHijack => "path-hijack",
            Category::GitHooks => "git-hooks",
            Category::Hookwarden => "hookwarden",
            Category::Custom => "custom",
        }
    }

    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The finding id of a write into the category.
    pub fn finding_id(self) -> &'static str {
        match self {
            Category::Secrets => "protected-paths.secrets",
            Category::Credentials => "protected-paths.credentials",
            Category::GitInternals => "protected-paths.git-internals",
            Category::Ci => "protected-paths.ci",
            Category::AgentConfig => "protected-paths.agent-config",
            Category::ShellStartup => "protected-paths.shell-startup",
            Category::PathHijack => "protected-paths.path-hijack",
            Category::GitHooks => "protected-paths.git-hooks",
            Category::Hookwarden => "protected-paths.hookwarden",
            Category::Custom => "protected-paths.custom",
        }
    }

    /// Its files hold secrets, so reading them is flagged too.
    pub fn is_secret(self) -> bool {
        matches!(self, Category::Secrets | Category::Credentials)
    }

    fn describe(self) -> &'static str {
        match self {
            Category::Secrets => "a secrets file",
            Category::Credentials => "a credential store",
            Category::GitInternals => "git internals (hooks and config run code)",
            Category::Ci => "a CI definition (it runs with the repository's secrets)",
            Category::AgentConfig => "an agent's configuration or instructions",
            Category::ShellStartup => "a shell start-up file (every new shell runs it)",
            Category::PathHijack => {
                "a program on PATH named like a common tool (it would run in its place)"
            }
            Category::GitHooks => "a git hook manager's hooks or configuration (git runs them)",
            Category::Hookwarden => {
                "hookwarden's own files (changed, replaced or removed, they could switch \
                 hookwarden's checks off)"
            }
            Category::Custom => "a path the admin protected",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Protected by default, per category.
const DEFAULTS: &[(Category, &[&str])] = &[
    (Category::Secrets, &[".env", ".env.*"]),
    (
        Category::Credentials,
        &[
            "~/.ssh/**",
            "~/.aws/**",
            "~/.gnupg/**",
            "~/.kube/config",
            "~/.docker/config.json",
            "~/.config/gh/hosts.yml",
            "~/.config/gcloud/**",
            "~/.azure/**",
            "~/.cargo/credentials",
            "~/.cargo/credentials.toml",
            "~/.password-store/**",
            "~/.codex/auth.json",
            "~/.claude/.credentials.json",
            ".npmrc",
            ".pypirc",
            ".netrc",
            ".git-credentials",
            "id_rsa",
            "id_ecdsa",
            "id_ed25519",
            "id_dsa",
        ],
    ),
    (Category::GitInternals, &[".git/**"]),
    (
        Category::Ci,
        &[
            ".github/workflows/**",
            ".github/actions/**",
            ".gitlab-ci.yml",
            ".circleci/**",
            "Jenkinsfile",
            ".buildkite/**",
            "azure-pipelines.yml",
            "bitbucket-pipelines.yml",
            ".travis.yml",
        ],
    ),
    (
        Category::AgentConfig,
        &[
            // The agents' own directories, in the project and (relative
            // patterns match at any depth) in the home: settings, hooks,
            // MCP servers, skills, plugins, commands, rules.
            ".codex/**",
            ".claude/**",
            ".gemini/**",
            ".cursor/**",
            "~/.claude.json",
            // The cross-agent skills directories (Codex and others load
            // `SKILL.md` files from them as instructions); the home one
            // whole, the project's skills only (`.agents/` also holds plans).
            "~/.agents/**",
            ".agents/skills/**",
            // Copilot CLI's home (config, MCP servers, hooks, agents).
            "~/.copilot/**",
            // Copilot's instructions, prompt files, custom agents and chat
            // modes, skills, and project hooks (`install --agent copilot-cli`).
            ".github/copilot-instructions.md",
            ".github/instructions/**",
            ".github/prompts/**",
            ".github/agents/**",
            ".github/chatmodes/**",
            ".github/skills/**",
            ".github/hooks/**",
            // Instruction files every session reads.
            "AGENTS.md",
            "AGENTS.override.md",
            "CLAUDE.md",
            "CLAUDE.local.md",
            "GEMINI.md",
            ".cursorrules",
            // Windsurf, Cline, Continue, Roo and Kiro rules (Kiro's hooks
            // run commands); `.clinerules` is a file or a directory.
            ".windsurfrules",
            ".windsurf/**",
            ".clinerules/**",
            ".continue/**",
            ".roo/**",
            ".roomodes",
            ".kiro/**",
            // opencode's configuration, agents and plugins (plugins are code).
            ".opencode/**",
            "opencode.json",
            "opencode.jsonc",
            "~/.config/opencode/**",
            // MCP server definitions: each is a command the editor starts.
            ".mcp.json",
            ".vscode/mcp.json",
            "hooks.json",
            "requirements.toml",
            "managed-settings.json",
            "/etc/codex/**",
            "/etc/claude-code/**",
            "/etc/gemini-cli/**",
            "/Library/Application Support/ClaudeCode/**",
        ],
    ),
    (
        Category::ShellStartup,
        &[
            // bash: login, interactive and logout files, and the aliases
            // file Debian's .bashrc sources.
            "~/.bashrc",
            "~/.bash_profile",
            "~/.bash_login",
            "~/.profile",
            "~/.bash_logout",
            "~/.bash_aliases",
            // zsh (and the XDG directory ZDOTDIR usually points at),
            // oh-my-zsh's custom plugins and themes, which every zsh sources.
            "~/.zshrc",
            "~/.zshenv",
            "~/.zprofile",
            "~/.zlogin",
            "~/.zlogout",
            "~/.config/zsh/**",
            "~/.oh-my-zsh/custom/**",
            // ksh, mksh, csh, tcsh.
            "~/.kshrc",
            "~/.mkshrc",
            "~/.cshrc",
            "~/.tcshrc",
            "~/.login",
            // fish: config.fish, conf.d, autoloaded functions (a `git.fish`
            // there replaces git), completions, and fish_variables (which
            // holds fish_user_paths, part of PATH).
            "~/.config/fish/**",
            // nushell and PowerShell profiles.
            "~/.config/nushell/**",
            "~/.config/powershell/*profile.ps1",
            // readline: a key macro can type a command into every bash.
            "~/.inputrc",
            // The session environment (PATH included) of systemd and PAM.
            "~/.config/environment.d/**",
            "~/.pam_environment",
            // System-wide start-up files and PATH (macOS: /etc/paths).
            "/etc/profile",
            "/etc/profile.d/**",
            "/etc/bash.bashrc",
            "/etc/bashrc",
            "/etc/bash.bash_logout",
            "/etc/zsh/**",
            "/etc/zshenv",
            "/etc/zprofile",
            "/etc/zshrc",
            "/etc/zlogin",
            "/etc/zlogout",
            "/etc/fish/**",
            "/etc/inputrc",
            "/etc/environment",
            "/etc/environment.d/**",
            "/etc/paths",
            "/etc/paths.d/**",
        ],
    ),
    (
        Category::GitHooks,
        &[
            // husky: its hooks and (in `_`) the shims git calls.
            ".husky/**",
            // lefthook: its configuration (`.yml`, `.yaml`, `.json`,
            // `.jsonc`, `.toml`: `[jty]*`, not a `lefthook.md`), local
            // overrides, and its scripts directories.
            "lefthook.[jty]*",
            ".lefthook.[jty]*",
            "lefthook-local.[jty]*",
            ".lefthook-local.[jty]*",
            ".config/lefthook.[jty]*",
            ".config/lefthook-local.[jty]*",
            ".lefthook/**",
            ".lefthook-local/**",
            // pre-commit and overcommit: each entry is a command run on commit.
            ".pre-commit-config.yaml",
            ".pre-commit-config.yml",
            ".overcommit.yml",
            // The conventional directory for `core.hooksPath`.
            ".githooks/**",
            // simple-git-hooks: its configuration files.
            ".simple-git-hooks.json",
            ".simple-git-hooks.js",
            ".simple-git-hooks.cjs",
            ".simple-git-hooks.mjs",
            "simple-git-hooks.json",
            "simple-git-hooks.js",
            "simple-git-hooks.cjs",
            "simple-git-hooks.mjs",
        ],
    ),
    (
        Category::Hookwarden,
        &[
            // Compiled rules: an artifact is loaded as native code.
            "/var/cache/hookwarden/**",
            "~/.cache/hookwarden/**",
            // `$XDG_CACHE_HOME/hookwarden` (the rule sees no environment).
            ".cache/hookwarden/**",
            "hookwarden/*.cwasm",
            // The server's socket, lock and log: a listener there answers
            // every hook call. The uid directory, not any `hookwarden-*`
            // (scratch directories are named like that too).
            "/run/hookwarden/**",
            "/run/user/*/hookwarden/**",
            "/tmp/hookwarden-[0-9]*/**",
            "hookwarden/serve-*",
            "/etc/hookwarden/**",
            "~/.config/hookwarden/**",
            "~/.local/state/hookwarden/**",
            "/var/log/hookwarden/**",
            // The binaries the agents' hook settings run.
            "/usr/local/bin/hookwarden",
            "/usr/local/bin/hookwarden-hook",
            "/usr/bin/hookwarden",
            "/usr/bin/hookwarden-hook",
            "/opt/**/hookwarden",
            "/opt/**/hookwarden-hook",
            "~/.local/bin/hookwarden",
            "~/.local/bin/hookwarden-hook",
            "~/.cargo/bin/hookwarden",
            "~/.cargo/bin/hookwarden-hook",
            "~/bin/hookwarden",
            "~/bin/hookwarden-hook",
        ],
    ),
];

/// Directories on `PATH` in a usual setup: a program written there runs
/// for every shell of the user (or every user) that types its name
/// (category `path-hijack`, with [`COMMON_TOOLS`]).
pub const PATH_DIRS: &[&str] = &[
    "~/.local/bin",
    "~/bin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/bin",
    "/bin",
    "/usr/sbin",
    "/sbin",
    "/snap/bin",
    "/opt/homebrew/bin",
    "/opt/homebrew/sbin",
    // Language toolchains' bin directories, usually first on PATH.
    "~/.cargo/bin",
    "~/go/bin",
    "~/.npm-global/bin",
    "~/.volta/bin",
    "~/.bun/bin",
    "~/.deno/bin",
    "~/.yarn/bin",
    "~/.local/share/pnpm",
    "~/.nvm/versions/node/*/bin",
    // Version managers' shims: first on PATH by design.
    "~/.pyenv/shims",
    "~/.rbenv/shims",
    "~/.asdf/shims",
    "~/.local/share/mise/shims",
];

/// Programs agents and people run by name — the tools rules judge by name
/// (`git`, `rm`, `curl`), interpreters and package managers, what handles
/// credentials (`ssh`, `gpg`, `aws`), and the agents themselves. One named
/// like this in a [`PATH_DIRS`] directory (or one the command line puts
/// first on `PATH`) runs in place of the real one.
pub const COMMON_TOOLS: &[&str] = &[
    // Version control and hosting.
    "git",
    "gh",
    // JavaScript.
    "node",
    "npm",
    "npx",
    "pnpm",
    "yarn",
    "bun",
    "deno",
    // Python.
    "python",
    "python3",
    "pip",
    "pip3",
    "uv",
    // Privilege, remote access, transfer.
    "sudo",
    "su",
    "ssh",
    "scp",
    "sftp",
    "rsync",
    "curl",
    "wget",
    "gpg",
    // Shells and the basic utilities.
    "bash",
    "sh",
    "zsh",
    "dash",
    "fish",
    "ls",
    "cat",
    "env",
    "cp",
    "mv",
    "rm",
    "grep",
    "find",
    "sed",
    "awk",
    "tar",
    // Builds and toolchains.
    "make",
    "cargo",
    "rustc",
    "rustup",
    "go",
    "java",
    "javac",
    "mvn",
    "gradle",
    // Containers and clouds.
    "docker",
    "podman",
    "kubectl",
    "helm",
    "terraform",
    "aws",
    "gcloud",
    "az",
    // Editors and agents.
    "code",
    "claude",
    "codex",
    "gemini",
    "copilot",
    "cursor",
    "cursor-agent",
    "opencode",
];

/// Not protected although a default pattern matches them: templates that
/// hold no secrets, and git's local ignore list (no code runs from it).
const EXEMPT: &[(Category, &[&str])] = &[
    (
        Category::Secrets,
        &[
            ".env.example",
            ".env.example.*",
            ".env.sample",
            ".env.sample.*",
            ".env.template",
            ".env.template.*",
            ".env.dist",
            ".env.defaults",
        ],
    ),
    (
        Category::GitInternals,
        &[".git/info/exclude", ".git/*.lock", ".git/**/*.lock"],
    ),
];

/// Credential files whose reading reveals nothing secret: public keys,
/// known hosts, client configuration.
const READ_EXEMPT: &[&str] = &[
    "~/.ssh/*.pub",
    "~/.ssh/known_hosts",
    "~/.ssh/known_hosts.old",
    "~/.ssh/config",
    "~/.aws/config",
    "*.pub",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Root,
    Home,
    Anywhere,
}

/// A compiled protected-path glob.
#[derive(Debug, Clone)]
pub struct PathPattern {
    text: String,
    anchor: Anchor,
    glob: Glob,
    /// One glob per component (after the anchor).
    comps: Vec<Glob>,
    /// Components before the first `**`.
    literal_depth: usize,
    /// Ends with `/**`: protects a whole directory.
    tree: bool,
}

/// How a path relates to a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// The path is protected.
    Exact,
    /// The path is the directory a `dir/**` pattern protects.
    DirRoot,
    /// The path is a directory holding protected paths.
    Ancestor,
}

/// A glob, or plain text where it has no wildcard: most protected patterns
/// are literal names, and a rule instance compiles every pattern for each
/// call that touches a path, so literal ones skip the glob compiler.
#[derive(Debug, Clone)]
enum Glob {
    Literal(String),
    Pattern(glob::Pattern),
}

impl Glob {
    fn new(text: &str) -> Result<Glob, glob::PatternError> {
        if text.contains(['*', '?', '[', ']']) {
            glob::Pattern::new(text).map(Glob::Pattern)
        } else {
            Ok(Glob::Literal(text.to_owned()))
        }
    }

    fn matches_with(&self, text: &str, options: glob::MatchOptions) -> bool {
        match self {
            Glob::Literal(literal) => literal == text,
            Glob::Pattern(p) => p.matches_with(text, options),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Glob::Literal(literal) => literal,
            Glob::Pattern(p) => p.as_str(),
        }
    }
}

const MATCH: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// How the shell expands a glob operand: `*` skips dotfiles.
const SHELL_GLOB: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

impl PathPattern {
    /// Compile a pattern: `/…` absolute, `~/…` (or `$HOME/…`) home-based,
    /// anything else relative. `./` is dropped, a trailing `/` means `/**`.
    pub fn new(text: &str) -> Result<PathPattern, String> {
        let expanded = hookwarden_sdk::paths::expand_home(text.trim());
        let (anchor, body) = if expanded == "~" {
            (Anchor::Home, "")
        } else if let Some(rest) = expanded.strip_prefix("~/") {
            (Anchor::Home, rest)
        } else if expanded.starts_with('~') {
            return Err(format!(
                "`{text}`: only `~/` is understood, not another user's home"
            ));
        } else if let Some(rest) = expanded.strip_prefix('/') {
            (Anchor::Root, rest)
        } else {
            (Anchor::Anywhere, expanded.trim_start_matches("./"))
        };
        let mut body = body.trim_end_matches('/').to_owned();
        if expanded.ends_with('/') && !body.is_empty() {
            body.push_str("/**");
        }
        let body = body.trim_start_matches('/');
        if body.is_empty() && anchor == Anchor::Anywhere {
            return Err(format!("`{text}` is empty"));
        }
        let comps = body
            .split('/')
            .filter(|c| !c.is_empty())
            .map(|c| Glob::new(c).map_err(|e| format!("`{text}`: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let literal_depth = comps
            .iter()
            .position(|c| c.as_str() == "**")
            .unwrap_or(comps.len());
        let full = match anchor {
            Anchor::Root => format!("/{body}"),
            Anchor::Home if body.is_empty() => "~".to_owned(),
            Anchor::Home => format!("~/{body}"),
            Anchor::Anywhere => body.to_owned(),
        };
        let glob = Glob::new(&full).map_err(|e| format!("`{text}`: {e}"))?;
        Ok(PathPattern {
            tree: comps.last().is_some_and(|c| c.as_str() == "**"),
            text: full,
            anchor,
            glob,
            comps,
            literal_depth,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How a path (its candidates, computed once for every pattern)
    /// relates to the pattern, if at all. A glob operand is compared as
    /// text: a match means all it can expand to matches too.
    fn relation_in(&self, cands: &Candidates) -> Option<Relation> {
        let mut best: Option<Relation> = None;
        for c in cands.for_anchor(self.anchor) {
            let rel = if self.glob.matches_with(&c.text, MATCH) {
                Some(Relation::Exact)
            } else if self.tree && self.glob.matches_with(&c.below, MATCH) {
                Some(Relation::DirRoot)
            } else if self.holds(c) {
                Some(Relation::Ancestor)
            } else {
                None
            };
            if let Some(r) = rel {
                best = Some(best.map_or(r, |b| b.min(r)));
            }
        }
        best
    }

    /// `candidate` is a directory above what the pattern protects.
    fn holds(&self, candidate: &Candidate) -> bool {
        let parts = &candidate.parts;
        if self.anchor == Anchor::Anywhere && parts.is_empty() {
            return false;
        }
        parts.len() < self.literal_depth
            && parts
                .iter()
                .zip(&self.comps)
                .all(|(p, c)| c.matches_with(p, MATCH))
    }

    /// How a glob operand (`.env*`, `~/.ssh/*`) may relate to the pattern:
    /// the operand is matched, as the shell would expand it, against sample
    /// names the pattern protects.
    fn glob_relation(&self, operand: &Located, scratch: bool) -> Option<(Relation, String)> {
        let text = match operand {
            Located::Full(p) | Located::Tail(p) => p,
        };
        let (base, operand_glob) = match (self.anchor, operand) {
            (Anchor::Root, Located::Full(p)) if p.starts_with('/') => (String::new(), p.clone()),
            (Anchor::Home, Located::Full(p)) => (String::new(), home_relative(p)?),
            (Anchor::Anywhere, Located::Full(_)) if scratch => return None,
            (Anchor::Anywhere, _) => {
                // The directory before the first glob component; a bare `*`
                // matches everything and names nothing in particular.
                let comps: Vec<&str> = text.split('/').collect();
                let first = comps.iter().position(|c| has_glob(c))?;
                if comps[first..].iter().all(|c| c.chars().all(|ch| ch == '*')) {
                    return None;
                }
                let base = comps[..first].join("/");
                (base, text.clone())
            }
            _ => return None,
        };
        let operand_glob = glob::Pattern::new(&operand_glob).ok()?;
        let prefix = match self.anchor {
            Anchor::Root => "/".to_owned(),
            Anchor::Home => "~/".to_owned(),
            Anchor::Anywhere if base.is_empty() => String::new(),
            Anchor::Anywhere => format!("{base}/"),
        };
        let samples = self.samples()?;
        for (depth, sample) in samples.iter().enumerate().rev() {
            let candidate = format!("{prefix}{sample}");
            if operand_glob.matches_with(&candidate, SHELL_GLOB) {
                let rel = if depth + 1 == samples.len() {
                    Relation::Exact
                } else if depth + 1 == self.literal_depth && self.tree {
                    Relation::DirRoot
                } else {
                    Relation::Ancestor
                };
                return Some((rel, candidate));
            }
        }
        None
    }

    /// Concrete names the pattern protects, one per depth: for
    /// `.github/workflows/**`, `.github`, `.github/workflows`,
    /// `.github/workflows/x`. A character class stands for its first
    /// character (`[0-9]` → `0`); `None` for a negated one.
    fn samples(&self) -> Option<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let mut acc = String::new();
        for c in &self.comps {
            let name = if c.as_str() == "**" {
                "x".to_owned()
            } else {
                sample_name(c.as_str())?
            };
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(&name);
            out.push(acc.clone());
        }
        Some(out)
    }

    /// Exactly matches `path` (for allow lists and exemptions): the path is
    /// the pattern's file or lies inside its directory.
    fn covers(&self, path: &Located, scratch: bool) -> bool {
        self.covers_in(&Candidates::new(path, scratch))
    }

    fn covers_in(&self, cands: &Candidates) -> bool {
        cands
            .for_anchor(self.anchor)
            .iter()
            .any(|c| self.glob.matches_with(&c.text, MATCH))
    }
}

/// The strings of a path the patterns are compared with, per anchor: the
/// absolute path, the home-relative one, every tail (none for a scratch
/// path). Computed once per path: there are a few hundred patterns.
struct Candidates {
    root: Vec<Candidate>,
    home: Vec<Candidate>,
    tails: Vec<Candidate>,
}

/// One string a pattern is compared with.
struct Candidate {
    text: String,
    /// `text/x`: inside it, for a `dir/**` pattern's directory.
    below: String,
    /// Its components after the anchor (`/`, `~`), for the directories
    /// above what a pattern protects.
    parts: Vec<String>,
}

impl Candidate {
    fn new(text: String, anchor: Anchor) -> Candidate {
        let body = match anchor {
            Anchor::Root => text.strip_prefix('/').unwrap_or(&text),
            Anchor::Home => text.strip_prefix('~').unwrap_or(&text),
            Anchor::Anywhere => &text,
        };
        let parts = body
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        Candidate {
            below: format!("{text}/x"),
            parts,
            text,
        }
    }
}

impl Candidates {
    fn new(path: &Located, scratch: bool) -> Candidates {
        let (root, home, tails) = match path {
            Located::Full(p) => (
                p.starts_with('/').then(|| p.clone()).into_iter().collect(),
                home_relative(p).into_iter().collect(),
                if scratch { Vec::new() } else { tails(p) },
            ),
            Located::Tail(p) => (Vec::new(), Vec::new(), tails(p)),
        };
        let all =
            |v: Vec<String>, anchor| v.into_iter().map(|c| Candidate::new(c, anchor)).collect();
        Candidates {
            root: all(root, Anchor::Root),
            home: all(home, Anchor::Home),
            tails: all(tails, Anchor::Anywhere),
        }
    }

    fn for_anchor(&self, anchor: Anchor) -> &[Candidate] {
        match anchor {
            Anchor::Root => &self.root,
            Anchor::Home => &self.home,
            Anchor::Anywhere => &self.tails,
        }
    }
}

/// One name a glob component matches: `*`, `?` → `x`, `[0-9]` → `0`.
fn sample_name(glob: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => out.push('x'),
            '[' => {
                let first = chars.next().filter(|f| !matches!(f, '!' | '^'))?;
                out.push(first);
                chars.by_ref().find(|c| *c == ']')?;
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// Temporary directories: a `.env` or `.git` there is a throwaway copy,
/// unless it lies in the workspace (the caller decides, see
/// [`Guards::classify`]).
pub fn in_temp_dir(path: &str) -> bool {
    [
        "/tmp/",
        "/var/tmp/",
        "/private/tmp/",
        "/private/var/folders/",
        "/dev/shm/",
    ]
    .iter()
    .any(|t| path.starts_with(t))
}

/// Every tail of a path: `/w/p/.env` → `w/p/.env`, `p/.env`, `.env`.
fn tails(path: &str) -> Vec<String> {
    let body = if let Some(rest) = path.strip_prefix('~') {
        rest.find('/').map_or("", |i| &rest[i + 1..])
    } else {
        path.trim_start_matches('/')
    };
    let parts: Vec<&str> = body
        .split('/')
        .filter(|c| !c.is_empty() && *c != "..")
        .collect();
    (0..parts.len()).map(|i| parts[i..].join("/")).collect()
}

/// A path operand as far as the rule can place it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// Absolute (`/…`) or home-based (`~/…`), normalized.
    Full(String),
    /// Relative to a directory the rule cannot know (`"$DIR"/.env`, or any
    /// relative path when the working directory is unknown): only relative
    /// patterns can match it.
    Tail(String),
}

impl Located {
    pub fn as_str(&self) -> &str {
        match self {
            Located::Full(p) | Located::Tail(p) => p,
        }
    }

    pub fn is_glob(&self) -> bool {
        has_glob(self.as_str())
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Located::Full(p) => f.write_str(p),
            Located::Tail(p) => write!(f, "…/{p}"),
        }
    }
}

/// One protected pattern and its category.
#[derive(Debug, Clone)]
pub struct Guard {
    pub category: Category,
    pub pattern: PathPattern,
}

/// A protected pattern a path relates to.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    pub category: Category,
    pub pattern: &'a str,
    pub relation: Relation,
    /// The path is a glob that may expand to `sample`, a protected name.
    pub maybe: Option<String>,
    /// Reading it reveals nothing secret (public keys, client config).
    pub read_exempt: bool,
}

impl Match<'_> {
    /// "a secrets file (category `secrets`, pattern `.env`)".
    pub fn describe(&self) -> String {
        format!(
            "{} (category `{}`, pattern `{}`)",
            self.category.describe(),
            self.category,
            self.pattern
        )
    }
}

/// Every protected pattern, with the exemptions.
#[derive(Debug, Clone)]
pub struct Guards {
    guards: Vec<Guard>,
    exempt: Vec<Guard>,
    read_exempt: Vec<PathPattern>,
    allow: Vec<PathPattern>,
    path_dirs: Vec<PathPattern>,
}

impl Guards {
    /// The defaults plus the admin's `extra` (category `custom`) and
    /// `extra_secrets` (category `secrets`), minus `allow`.
    pub fn new(
        extra: &[PathPattern],
        extra_secrets: &[PathPattern],
        allow: Vec<PathPattern>,
    ) -> Guards {
        let compile = |list: &[(Category, &[&str])]| -> Vec<Guard> {
            list.iter()
                .flat_map(|(category, patterns)| {
                    patterns.iter().map(move |p| Guard {
                        category: *category,
                        pattern: PathPattern::new(p).expect("default patterns are valid"),
                    })
                })
                .collect()
        };
        let mut guards = compile(DEFAULTS);
        guards.extend(extra.iter().map(|p| Guard {
            category: Category::Custom,
            pattern: p.clone(),
        }));
        guards.extend(extra_secrets.iter().map(|p| Guard {
            category: Category::Secrets,
            pattern: p.clone(),
        }));
        Guards {
            guards,
            exempt: compile(EXEMPT),
            read_exempt: READ_EXEMPT
                .iter()
                .map(|p| PathPattern::new(p).expect("default patterns are valid"))
                .collect(),
            allow,
            path_dirs: PATH_DIRS
                .iter()
                .map(|p| PathPattern::new(p).expect("default patterns are valid"))
                .collect(),
        }
    }

    /// The admin's allow list covers `path`: nothing about it is flagged.
    pub fn allowed(&self, path: &Located) -> bool {
        !self.allow.is_empty() && self.allowed_in(&Candidates::new(path, false))
    }

    fn allowed_in(&self, cands: &Candidates) -> bool {
        self.allow.iter().any(|a| a.covers_in(cands))
    }

    /// `path` is a shell start-up file (for what is written into it),
    /// unless the admin's allow list covers it.
    pub fn is_startup_file(&self, path: &Located) -> bool {
        self.classify(path, false)
            .iter()
            .any(|m| m.category == Category::ShellStartup && m.relation != Relation::Ancestor)
    }

    /// The [`PATH_DIRS`] entry `dir` is, if any (`None` for a glob).
    pub fn path_dir(&self, dir: &Located) -> Option<&str> {
        if dir.is_glob() {
            return None;
        }
        self.path_dirs
            .iter()
            .find(|d| d.covers(dir, false))
            .map(PathPattern::as_str)
    }

    /// Every protected pattern `path` relates to, closest relation first.
    /// `scratch`: the path is a throwaway copy in a temporary directory
    /// outside the workspace, where relative patterns do not apply.
    pub fn classify(&self, path: &Located, scratch: bool) -> Vec<Match<'_>> {
        let unscratched = Candidates::new(path, false);
        // The admin's allow list holds in temporary directories too.
        if self.allowed_in(&unscratched) {
            return Vec::new();
        }
        let glob = path.is_glob();
        let scratched = scratch.then(|| Candidates::new(path, true));
        let cands = scratched.as_ref().unwrap_or(&unscratched);
        let mut out: Vec<Match<'_>> = Vec::new();
        for g in &self.guards {
            let (relation, maybe) = if g.category == Category::Hookwarden {
                // Never scratch: its socket directory is in /tmp. A glob
                // counts when the pattern covers all it can expand to
                // (`/tmp/hookwarden-1000/*.sock`) or when it names
                // hookwarden (`/tmp/hookwarden-*`), not as a sweep that may
                // reach its files (`rm -rf /tmp/*`): it recovers from those.
                // Nor does a directory named like a relative pattern's first
                // part (`hookwarden`, `.cache`): as likely a checkout.
                let named = || glob && path.as_str().contains("hookwarden");
                match g.pattern.relation_in(&unscratched).or_else(|| {
                    named()
                        .then(|| g.pattern.glob_relation(path, false))
                        .flatten()
                        .map(|(r, _)| r)
                }) {
                    Some(Relation::Ancestor) if g.pattern.anchor == Anchor::Anywhere => continue,
                    Some(r) => (r, None),
                    None => continue,
                }
            } else if glob {
                match g.pattern.glob_relation(path, scratch) {
                    Some((r, sample)) => (r, Some(sample)),
                    None => continue,
                }
            } else {
                match g.pattern.relation_in(cands) {
                    Some(r) => (r, None),
                    None => continue,
                }
            };
            if relation == Relation::Exact
                && !glob
                && self
                    .exempt
                    .iter()
                    .any(|e| e.category == g.category && e.pattern.covers_in(cands))
            {
                continue;
            }
            let read_exempt = !glob && self.read_exempt.iter().any(|e| e.covers_in(cands));
            out.push(Match {
                category: g.category,
                pattern: g.pattern.as_str(),
                relation,
                maybe,
                read_exempt,
            });
        }
        // An anchored pattern says more than a name matched anywhere:
        // `/etc/hookwarden/requirements.toml` is hookwarden's own file
        // before it is one named `requirements.toml`.
        out.sort_by_key(|m| {
            let anywhere = !(m.pattern.starts_with('/') || m.pattern.starts_with('~'));
            (m.relation, m.maybe.is_some(), anywhere)
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(p: &str) -> Located {
        Located::Full(p.into())
    }

    fn first(path: Located) -> Option<(Category, Relation)> {
        let guards = Guards::new(&[], &[], Vec::new());
        guards
            .classify(&path, false)
            .first()
            .map(|m| (m.category, m.relation))
    }

    #[test]
    fn patterns_compile_with_their_anchor() {
        let p = PathPattern::new("$HOME/.ssh/").unwrap();
        assert_eq!(p.as_str(), "~/.ssh/**");
        assert_eq!(
            PathPattern::new("./secrets/").unwrap().as_str(),
            "secrets/**"
        );
        assert_eq!(PathPattern::new("/srv/x").unwrap().as_str(), "/srv/x");
        assert!(PathPattern::new("~bob/.ssh").is_err());
        assert!(PathPattern::new("[oops").is_err());
    }

    #[test]
    fn relations() {
        use Category::*;
        use Relation::*;
        assert_eq!(first(full("/w/p/.env")), Some((Secrets, Exact)));
        assert_eq!(
            first(full("/w/p/apps/web/.env.local")),
            Some((Secrets, Exact))
        );
        assert_eq!(first(full("/w/p/.env.example")), None);
        assert_eq!(first(full("/w/p/.envrc")), None);
        assert_eq!(first(full("/w/p/.git")), Some((GitInternals, DirRoot)));
        assert_eq!(
            first(full("/w/p/.git/hooks/pre-commit")),
            Some((GitInternals, Exact))
        );
        assert_eq!(first(full("/w/p/.git/info/exclude")), None);
        assert_eq!(first(full("/w/p/.github")), Some((Ci, Ancestor)));
        assert_eq!(first(full("/w/p/.github/workflows")), Some((Ci, DirRoot)));
        assert_eq!(first(full("/w/p/.github/dependabot.yml")), None);
        assert_eq!(first(full("~")).map(|m| m.1), Some(Ancestor));
        assert_eq!(
            first(full("/home/dev/.ssh/id_rsa")),
            Some((Credentials, Exact))
        );
        assert_eq!(
            first(full("/Users/me/.kube")),
            Some((Credentials, Ancestor))
        );
        assert_eq!(
            first(full("/etc/codex/requirements.toml")),
            Some((AgentConfig, Exact))
        );
        assert_eq!(first(full("/etc")), Some((AgentConfig, Ancestor)));
        assert_eq!(
            first(Located::Tail(".github/workflows/ci.yml".into())),
            Some((Ci, Exact))
        );
        assert_eq!(first(full("/w/p/src/main.rs")), None);
        assert_eq!(first(full("/w/p/docs/AGENTS.md.bak")), None);
        assert_eq!(first(full("/w/p")), None);
        assert_eq!(first(full("/")).map(|m| m.1), Some(Ancestor));
    }

    #[test]
    fn hookwarden_relations() {
        use Category::*;
        use Relation::*;
        for p in [
            "/var/cache/hookwarden/abc-def.cwasm",
            "/home/dev/.cache/hookwarden/x",
            "/srv/ci/.cache/hookwarden/x",
            "/srv/store/hookwarden/abc-def.cwasm",
            "/run/user/1000/hookwarden/serve-ab12.sock",
            "/tmp/hookwarden-1000/serve-ab12.lock",
            "/srv/run/hookwarden/serve-ab12.log",
            "/etc/hookwarden/requirements.toml",
            "/usr/local/bin/hookwarden-hook",
            "/opt/hookwarden/bin/hookwarden",
            "~/.cargo/bin/hookwarden",
        ] {
            assert_eq!(first(full(p)), Some((Hookwarden, Exact)), "{p}");
        }
        assert_eq!(
            first(full("/tmp/hookwarden-1000")),
            Some((Hookwarden, DirRoot))
        );
        assert_eq!(first(full("~/.local/bin")), Some((Hookwarden, Ancestor)));
        assert_eq!(
            first(full("/tmp/hookwarden-1000/*.sock")),
            Some((Hookwarden, Exact)),
            "a glob the pattern covers"
        );
        assert_eq!(
            first(full("/tmp/hookwarden-*")),
            Some((Hookwarden, DirRoot)),
            "a glob that names hookwarden"
        );
        for p in [
            "/tmp/*",
            "/tmp/hookwarden-e2e.abc/x",
            "/home/dev/src/hookwarden",
            "/home/dev/src/hookwarden/host/src/main.rs",
            "/opt/src/hookwarden/rules/x/cases.toml",
            "/work/p/target/release/hookwarden",
        ] {
            assert_eq!(first(full(p)), None, "{p}");
        }
        // Never scratch: the socket directory lies in /tmp.
        let guards = Guards::new(&[], &[], Vec::new());
        assert!(
            !guards
                .classify(&full("/tmp/x/.cache/hookwarden/a.cwasm"), true)
                .is_empty()
        );
    }

    #[test]
    fn scratch_paths_skip_relative_patterns() {
        let guards = Guards::new(&[], &[], Vec::new());
        assert!(guards.classify(&full("/tmp/p/.env"), true).is_empty());
        assert!(!guards.classify(&full("/tmp/p/.env"), false).is_empty());
        assert!(
            guards
                .classify(&full("/tmp/p/.env.example"), false)
                .is_empty()
        );
        assert_eq!(
            sample_name("hookwarden-[0-9]*").as_deref(),
            Some("hookwarden-0x")
        );
        assert_eq!(sample_name("[!.]*"), None);
    }

    #[test]
    fn glob_operands_may_match() {
        use Category::*;
        use Relation::*;
        assert_eq!(first(full("/w/p/.env*")), Some((Secrets, Exact)));
        assert_eq!(first(full("~/.ssh/*")), Some((Credentials, Exact)));
        assert_eq!(first(full("/w/p/.*")).map(|m| m.0), Some(Secrets));
        assert_eq!(first(full("/w/p/*.md")), Some((AgentConfig, Exact)));
        assert_eq!(first(full("/w/p/*")), None, "a bare * names nothing");
        assert_eq!(first(full("/w/p/*.log")), None);
        assert_eq!(first(full("/w/p/src/*.rs")), None);
    }

    #[test]
    fn allow_and_read_exemptions() {
        let allow = vec![PathPattern::new(".claude/commands/**").unwrap()];
        let guards = Guards::new(&[], &[], allow);
        assert!(
            guards
                .classify(&full("/w/p/.claude/commands/x.md"), false)
                .is_empty()
        );
        assert!(!guards.classify(&full("/w/p/.claude"), false).is_empty());
        let m = guards.classify(&full("~/.ssh/id_rsa.pub"), false);
        assert!(m[0].read_exempt);
        let m = guards.classify(&full("~/.ssh/id_rsa"), false);
        assert!(!m[0].read_exempt);
    }
}
