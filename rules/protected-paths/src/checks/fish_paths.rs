//! fish keeps PATH additions in a universal variable (`fish_user_paths`,
//! stored in `~/.config/fish/fish_variables`) that every fish of the user
//! reads: `fish_add_path DIR` (unless `-g` or `-P`) and `set -U
//! fish_user_paths DIR …` write a start-up setting without naming a file.
//! A relative, scratch or workspace directory put first that way is a PATH
//! hijack, as in a start-up file.

use super::At;
use crate::guards::Category;
use crate::judge::Hit;

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    let cmd = at.cmd;
    let flags = |short: char, long: &str| {
        cmd.args.iter().any(|w| {
            w.text == long
                || (w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains(short))
        })
    };
    let persistent = match cmd.program.as_str() {
        "fish_add_path" => !flags('g', "--global") && !flags('P', "--path"),
        "set" => flags('U', "--universal") && cmd.args.iter().any(|w| w.text == "fish_user_paths"),
        _ => false,
    };
    if !persistent {
        return;
    }
    let Some(severity) = at.scope.policy.write_severity(Category::PathHijack) else {
        return;
    };
    let text = std::iter::once(cmd.program.as_str())
        .chain(cmd.arg_texts())
        .collect::<Vec<_>>()
        .join(" ");
    let workspace = at.scope.workspace.as_deref();
    let risky: Vec<String> = crate::hijack::prepended(&text)
        .iter()
        .filter_map(|e| {
            crate::hijack::risky_entry(e, workspace).map(|why| format!("`{e}` ({why})"))
        })
        .take(3)
        .collect();
    if risky.is_empty() {
        return;
    }
    hits.push(Hit {
        severity,
        id: Category::PathHijack.finding_id(),
        message: format!(
            "puts {} first on fish's PATH for good (the universal `fish_user_paths`, read by \
             every fish): programs there would run in place of the real tools (category \
             `path-hijack`)",
            risky.join(", ")
        ),
        command: at.subject.command.clone(),
        via: at.subject.via.clone(),
    });
}
