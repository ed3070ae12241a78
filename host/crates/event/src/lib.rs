//! The normalized hook event and the verdict, as the host sees them.
//!
//! These types mirror `wit/rule.wit` one to one. Adapters produce an [`Event`]
//! from an agent's payload, the runtime hands it to rule components, and the
//! aggregated [`Verdict`] goes back to the adapter to be rendered in the
//! agent's own format. They are plain serde types so that test fixtures can
//! spell events out as JSON or TOML (names are kebab-case, as in the WIT).

use serde::{Deserialize, Serialize};

mod aggregate;

pub use aggregate::{Aggregate, RuleOutcome};

/// The coding agent that called the hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Agent {
    Codex,
    ClaudeCode,
    GeminiCli,
    Cursor,
    CopilotCli,
    Other(String),
}

/// The lifecycle point of the call, normalized across agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookEvent {
    PreToolUse,
    PermissionRequest,
    PostToolUse,
    UserPromptSubmit,
    Stop,
    SessionStart,
}

impl HookEvent {
    pub const ALL: [HookEvent; 6] = [
        HookEvent::PreToolUse,
        HookEvent::PermissionRequest,
        HookEvent::PostToolUse,
        HookEvent::UserPromptSubmit,
        HookEvent::Stop,
        HookEvent::SessionStart,
    ];

    /// The kebab-case name used in WIT, configuration and fixtures.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreToolUse => "pre-tool-use",
            HookEvent::PermissionRequest => "permission-request",
            HookEvent::PostToolUse => "post-tool-use",
            HookEvent::UserPromptSubmit => "user-prompt-submit",
            HookEvent::Stop => "stop",
            HookEvent::SessionStart => "session-start",
        }
    }
}

/// The kind of an [`Action`], for selecting events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Shell,
    FileWrite,
    FileEdit,
    Patch,
    McpCall,
    WebFetch,
    OtherTool,
    None,
}

impl ActionKind {
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Shell,
        ActionKind::FileWrite,
        ActionKind::FileEdit,
        ActionKind::Patch,
        ActionKind::McpCall,
        ActionKind::WebFetch,
        ActionKind::OtherTool,
        ActionKind::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Shell => "shell",
            ActionKind::FileWrite => "file-write",
            ActionKind::FileEdit => "file-edit",
            ActionKind::Patch => "patch",
            ActionKind::McpCall => "mcp-call",
            ActionKind::WebFetch => "web-fetch",
            ActionKind::OtherTool => "other-tool",
            ActionKind::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShellDialect {
    #[default]
    Posix,
    Powershell,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ShellCommand {
    pub command: String,
    #[serde(default)]
    pub dialect: ShellDialect,
    #[serde(default)]
    pub workdir: Option<String>,
    /// The command parsed by the host (`hookwarden-facts`), once per hook
    /// call, for every rule. Adapters leave it empty; it is derived data, so
    /// it is never read from or written to case files and logs.
    #[serde(skip)]
    pub analysis: Option<hookwarden_sdk::shell::Analysis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileWrite {
    pub path: String,
    #[serde(default)]
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileEdit {
    pub path: String,
    #[serde(default)]
    pub old_text: Option<String>,
    #[serde(default)]
    pub new_text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatchOperation {
    Add,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PatchFile {
    pub path: String,
    pub operation: PatchOperation,
    #[serde(default)]
    pub move_to: Option<String>,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Patch {
    pub files: Vec<PatchFile>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct McpCall {
    pub server: String,
    pub tool: String,
    /// JSON text.
    pub arguments: String,
    /// Where the server runs, when the payload names it.
    #[serde(default)]
    pub origin: Option<McpOrigin>,
}

/// Where an MCP server runs, as the agent's payload reports it (unverified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub struct McpOrigin {
    /// The command line of a stdio server.
    #[serde(default)]
    pub command: Option<String>,
    /// The endpoint of a remote server.
    #[serde(default)]
    pub url: Option<String>,
    /// Where the agent's configuration declared it (`user`, `project`, `plugin`…).
    #[serde(default)]
    pub source: Option<String>,
}

impl McpOrigin {
    /// `None` when the payload named nothing.
    pub fn non_empty(self) -> Option<McpOrigin> {
        (self.command.is_some() || self.url.is_some() || self.source.is_some()).then_some(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WebFetch {
    pub url: String,
}

/// What the agent is about to do (or just did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    #[default]
    None,
    Shell(ShellCommand),
    FileWrite(FileWrite),
    FileEdit(FileEdit),
    Patch(Patch),
    McpCall(McpCall),
    WebFetch(WebFetch),
    OtherTool(String),
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::None => ActionKind::None,
            Action::Shell(_) => ActionKind::Shell,
            Action::FileWrite(_) => ActionKind::FileWrite,
            Action::FileEdit(_) => ActionKind::FileEdit,
            Action::Patch(_) => ActionKind::Patch,
            Action::McpCall(_) => ActionKind::McpCall,
            Action::WebFetch(_) => ActionKind::WebFetch,
            Action::OtherTool(_) => ActionKind::OtherTool,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PathFact {
    pub path: String,
    #[serde(default)]
    pub real_path: Option<String>,
    pub exists: bool,
    pub via_symlink: bool,
    #[serde(default)]
    pub symlink_target: Option<String>,
    pub inside_workspace: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct GrantedFile {
    pub path: String,
    pub content: String,
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fact {
    Path(PathFact),
    File(GrantedFile),
}

/// One hook call, normalized across agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Event {
    pub agent: Agent,
    pub hook: HookEvent,
    #[serde(default)]
    pub cwd: String,
    #[serde(default)]
    pub session_id: String,
    #[serde(default)]
    pub tool_name: Option<String>,
    #[serde(default)]
    pub action: Action,
    #[serde(default)]
    pub tool_input: Option<String>,
    #[serde(default)]
    pub tool_response: Option<String>,
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(default)]
    pub facts: Vec<Fact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
/// Ordered by strength: `Allow < Ask < Deny`, so the strongest wins with `max`.
pub enum Decision {
    Allow,
    Ask,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub decision: Decision,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

impl Verdict {
    pub fn allow() -> Self {
        Verdict {
            decision: Decision::Allow,
            reason: String::new(),
            context: None,
            findings: Vec::new(),
        }
    }

    pub fn new(decision: Decision, reason: impl Into<String>) -> Self {
        Verdict {
            decision,
            reason: reason.into(),
            context: None,
            findings: Vec::new(),
        }
    }
}
