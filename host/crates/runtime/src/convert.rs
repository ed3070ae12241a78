//! Conversions between hookwarden-event's serde types and the WIT bindings.
//! The two mirror each other field for field; see `wit/rule.wit`.

use crate::engine::wit::hookwarden::rule::types as wit;
use hookwarden_event as ev;
use hookwarden_sdk::shell as sh;

pub(crate) fn event(e: &ev::Event) -> wit::Event {
    wit::Event {
        agent: match &e.agent {
            ev::Agent::Codex => wit::Agent::Codex,
            ev::Agent::ClaudeCode => wit::Agent::ClaudeCode,
            ev::Agent::GeminiCli => wit::Agent::GeminiCli,
            ev::Agent::Cursor => wit::Agent::Cursor,
            ev::Agent::CopilotCli => wit::Agent::CopilotCli,
            ev::Agent::Other(name) => wit::Agent::Other(name.clone()),
        },
        hook: hook_event(e.hook),
        cwd: e.cwd.clone(),
        session_id: e.session_id.clone(),
        tool_name: e.tool_name.clone(),
        action: action(&e.action),
        tool_input: e.tool_input.clone(),
        tool_response: e.tool_response.clone(),
        prompt: e.prompt.clone(),
        facts: e.facts.iter().map(fact).collect(),
    }
}

fn hook_event(h: ev::HookEvent) -> wit::HookEvent {
    match h {
        ev::HookEvent::PreToolUse => wit::HookEvent::PreToolUse,
        ev::HookEvent::PermissionRequest => wit::HookEvent::PermissionRequest,
        ev::HookEvent::PostToolUse => wit::HookEvent::PostToolUse,
        ev::HookEvent::UserPromptSubmit => wit::HookEvent::UserPromptSubmit,
        ev::HookEvent::Stop => wit::HookEvent::Stop,
        ev::HookEvent::SessionStart => wit::HookEvent::SessionStart,
    }
}

pub(crate) fn hook_event_back(h: wit::HookEvent) -> ev::HookEvent {
    match h {
        wit::HookEvent::PreToolUse => ev::HookEvent::PreToolUse,
        wit::HookEvent::PermissionRequest => ev::HookEvent::PermissionRequest,
        wit::HookEvent::PostToolUse => ev::HookEvent::PostToolUse,
        wit::HookEvent::UserPromptSubmit => ev::HookEvent::UserPromptSubmit,
        wit::HookEvent::Stop => ev::HookEvent::Stop,
        wit::HookEvent::SessionStart => ev::HookEvent::SessionStart,
    }
}

pub(crate) fn action_kind_back(k: wit::ActionKind) -> ev::ActionKind {
    match k {
        wit::ActionKind::Shell => ev::ActionKind::Shell,
        wit::ActionKind::FileWrite => ev::ActionKind::FileWrite,
        wit::ActionKind::FileEdit => ev::ActionKind::FileEdit,
        wit::ActionKind::Patch => ev::ActionKind::Patch,
        wit::ActionKind::McpCall => ev::ActionKind::McpCall,
        wit::ActionKind::WebFetch => ev::ActionKind::WebFetch,
        wit::ActionKind::OtherTool => ev::ActionKind::OtherTool,
        wit::ActionKind::None => ev::ActionKind::None,
    }
}

fn action(a: &ev::Action) -> wit::Action {
    match a {
        ev::Action::None => wit::Action::None,
        ev::Action::Shell(s) => wit::Action::Shell(wit::ShellCommand {
            command: s.command.clone(),
            dialect: match s.dialect {
                ev::ShellDialect::Posix => wit::ShellDialect::Posix,
                ev::ShellDialect::Powershell => wit::ShellDialect::Powershell,
            },
            workdir: s.workdir.clone(),
            // `hookwarden_facts::resolve` analyses once per hook call; an
            // event that did not go through it is analysed here.
            analysis: match &s.analysis {
                Some(a) => shell_analysis(a),
                None => shell_analysis(&sh::analyze(&s.command)),
            },
        }),
        ev::Action::FileWrite(w) => wit::Action::FileWrite(wit::FileWrite {
            path: w.path.clone(),
            content: w.content.clone(),
        }),
        ev::Action::FileEdit(e) => wit::Action::FileEdit(wit::FileEdit {
            path: e.path.clone(),
            old_text: e.old_text.clone(),
            new_text: e.new_text.clone(),
        }),
        ev::Action::Patch(p) => wit::Action::Patch(wit::Patch {
            files: p
                .files
                .iter()
                .map(|f| wit::PatchFile {
                    path: f.path.clone(),
                    operation: match f.operation {
                        ev::PatchOperation::Add => wit::PatchOperation::Add,
                        ev::PatchOperation::Update => wit::PatchOperation::Update,
                        ev::PatchOperation::Delete => wit::PatchOperation::Delete,
                    },
                    move_to: f.move_to.clone(),
                    body: f.body.clone(),
                })
                .collect(),
            text: p.text.clone(),
        }),
        ev::Action::McpCall(m) => wit::Action::McpCall(wit::McpCall {
            server: m.server.clone(),
            tool: m.tool.clone(),
            arguments: m.arguments.clone(),
            origin: m.origin.as_ref().map(|o| wit::McpOrigin {
                command: o.command.clone(),
                url: o.url.clone(),
                source: o.source.clone(),
            }),
        }),
        ev::Action::WebFetch(w) => wit::Action::WebFetch(wit::WebFetch { url: w.url.clone() }),
        ev::Action::OtherTool(name) => wit::Action::OtherTool(name.clone()),
    }
}

fn shell_analysis(a: &sh::Analysis) -> wit::ShellAnalysis {
    let word = |w: &sh::Word| wit::Word {
        text: w.text.clone(),
        literal: w.literal,
    };
    wit::ShellAnalysis {
        commands: a
            .commands
            .iter()
            .map(|c| wit::SimpleCommand {
                program: c.program.clone(),
                program_path: c.program_path.clone(),
                args: c.args.iter().map(word).collect(),
                redirects: c
                    .redirects
                    .iter()
                    .map(|r| wit::Redirect {
                        fd: r.fd,
                        op: r.op.clone(),
                        target: word(&r.target),
                    })
                    .collect(),
                env: c.env.clone(),
                via: c.via.clone(),
                piped_into: c.piped_into.clone(),
                piped_from: c.piped_from.clone(),
                substituted_into: c.substituted_into.clone(),
                background: c.background,
                in_function: c.in_function.clone(),
                snippet: c.snippet.clone(),
            })
            .collect(),
        opaque: a
            .opaque
            .iter()
            .map(|o| wit::Opaque {
                reason: match &o.reason {
                    sh::OpaqueReason::ParseError(e) => wit::OpaqueReason::ParseError(e.clone()),
                    sh::OpaqueReason::DynamicProgram(w) => {
                        wit::OpaqueReason::DynamicProgram(w.clone())
                    }
                    sh::OpaqueReason::EvalOfNonLiteral => wit::OpaqueReason::EvalOfNonLiteral,
                    sh::OpaqueReason::ShellOfNonLiteral => wit::OpaqueReason::ShellOfNonLiteral,
                    sh::OpaqueReason::EncodedPayloadToShell => {
                        wit::OpaqueReason::EncodedPayloadToShell
                    }
                    sh::OpaqueReason::TooDeep => wit::OpaqueReason::TooDeep,
                    sh::OpaqueReason::TooLarge => wit::OpaqueReason::TooLarge,
                },
                snippet: o.snippet.clone(),
                via: o.via.clone(),
            })
            .collect(),
        functions: a.functions.clone(),
    }
}

fn fact(f: &ev::Fact) -> wit::Fact {
    match f {
        ev::Fact::Path(p) => wit::Fact::Path(wit::PathFact {
            path: p.path.clone(),
            real_path: p.real_path.clone(),
            exists: p.exists,
            via_symlink: p.via_symlink,
            symlink_target: p.symlink_target.clone(),
            inside_workspace: p.inside_workspace,
        }),
        ev::Fact::File(g) => wit::Fact::File(wit::GrantedFile {
            path: g.path.clone(),
            content: g.content.clone(),
            truncated: g.truncated,
        }),
    }
}

pub(crate) fn verdict(v: wit::Verdict) -> ev::Verdict {
    ev::Verdict {
        decision: match v.decision {
            wit::Decision::Allow => ev::Decision::Allow,
            wit::Decision::Ask => ev::Decision::Ask,
            wit::Decision::Deny => ev::Decision::Deny,
        },
        reason: v.reason,
        context: v.context,
        findings: v
            .findings
            .into_iter()
            .map(|f| ev::Finding {
                id: f.id,
                message: f.message,
            })
            .collect(),
    }
}
