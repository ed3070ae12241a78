//! git's own routes onto paths: `git rm` and `git mv` delete and move
//! files, `git clone` (and `git submodule add`, `gh repo clone`) writes a
//! directory, and
//! `git config` can make git run code (`core.fsmonitor`, `alias.x = !cmd`,
//! filters…), which is asked. Where git finds its hooks is the `git-hooks`
//! category: setting `core.hooksPath` or `init.templateDir` (whose `hooks/`
//! every new clone copies), in any scope or into a new clone (`clone -c`),
//! or cloning with `--template`, is a write there; a one-shot
//! `git -c core.hooksPath=…` (hooks run, or skipped, for one command) is
//! asked.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::paths::resolve;
use hookwarden_sdk::shell::Word;

use super::At;
use crate::guards::Category;
use crate::judge::{Hit, Op, Severity};

/// Keys whose value git runs as code or that hand git's traffic elsewhere.
fn runs_code(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "core.hookspath",
        "init.templatedir",
        "core.fsmonitor",
        "core.sshcommand",
        "core.pager",
        "core.editor",
        "core.askpass",
        "core.gitproxy",
        "credential.helper",
        "include.path",
        "sequence.editor",
        "gpg.program",
        "uploadpack.packobjectshook",
        "diff.external",
    ];
    if EXACT.contains(&key.as_str()) {
        return true;
    }
    let (first, _) = key.split_once('.').unwrap_or((&key, ""));
    let last = key.rsplit('.').next().unwrap_or("");
    match first {
        "alias" => true,
        "includeif" => last == "path",
        "filter" => matches!(last, "clean" | "smudge" | "process"),
        "diff" => matches!(last, "textconv" | "command"),
        "merge" => last == "driver",
        "credential" => last == "helper",
        "gpg" => last == "program",
        "url" => last == "insteadof" || last == "pushinsteadof",
        _ => false,
    }
}

/// Keys that say where git finds the hooks it runs.
fn moves_hooks(key: &str) -> bool {
    matches!(
        key.to_ascii_lowercase().as_str(),
        "core.hookspath" | "init.templatedir"
    )
}

/// A `git-hooks` finding at the category's severity, at most `cap`.
fn hooks_hit(at: &At<'_>, cap: Severity, message: String, hits: &mut Vec<Hit>) {
    let Some(severity) = at.scope.policy.write_severity(Category::GitHooks) else {
        return;
    };
    hits.push(Hit {
        severity: severity.min(cap),
        id: Category::GitHooks.finding_id(),
        message: format!("{message} (category `git-hooks`)"),
        command: at.subject.command.clone(),
        via: at.subject.via.clone(),
    });
}

pub fn check(at: &At<'_>, hits: &mut Vec<Hit>) {
    if at.cmd.program == "gh" {
        return gh_clone(at, hits);
    }
    if at.cmd.program != "git" {
        return;
    }
    // Global options before the subcommand; `-C DIR` moves where it runs.
    let args = &at.cmd.args;
    let mut i = 0;
    let mut dir: Option<&Word> = None;
    // One-shot settings: `-c key=value`, and `GIT_CONFIG_KEY_<n>` /
    // `GIT_CONFIG_PARAMETERS` in the environment.
    let mut one_shot: Vec<String> = Vec::new();
    for (name, value) in &at.cmd.env {
        if name.starts_with("GIT_CONFIG_KEY_") || name == "GIT_CONFIG_PARAMETERS" {
            one_shot.push(value.trim_matches(['\'', '"']).to_owned());
        }
    }
    while i < args.len() {
        let t = args[i].text.as_str();
        match t {
            "-C" => {
                dir = args.get(i + 1);
                i += 2;
            }
            "-c" | "--config-env" => {
                one_shot.extend(args.get(i + 1).map(|w| w.text.clone()));
                i += 2;
            }
            "--git-dir" | "--work-tree" | "--namespace" | "--exec-path" => i += 2,
            _ if t.starts_with("--config-env=") => {
                one_shot.push(t["--config-env=".len()..].to_owned());
                i += 1;
            }
            _ if t.starts_with('-') => i += 1,
            _ => break,
        }
    }
    for setting in &one_shot {
        let key = setting.split('=').next().unwrap_or("");
        if key.eq_ignore_ascii_case("core.hooksPath") {
            hooks_hit(
                at,
                Severity::Ask,
                format!("runs git with `{setting}`: its hooks come from there for this command"),
                hits,
            );
        }
    }
    let Some(sub) = args.get(i) else { return };
    let rest = &args[i + 1..];
    match sub.text.as_str() {
        "clone" => clone(at, dir, rest, false, hits),
        "submodule" if rest.first().is_some_and(|w| w.text == "add") => {
            clone(at, dir, &rest[1..], true, hits)
        }
        "init" => {
            let a = Args::parse(rest, &["--template", "--separate-git-dir", "-b"]);
            if let Some(t) = a.value("--template") {
                hooks_hit(
                    at,
                    Severity::Deny,
                    format!(
                        "creates a repository from the template `{}`, whose hooks it copies",
                        t.text
                    ),
                    hits,
                );
            }
        }
        "rm" => {
            let a = Args::parse(rest, &["--pathspec-from-file"]);
            if a.has_long("cached") {
                return;
            }
            let op = Op::write("deletes (git rm)")
                .tree(a.has_short("r"))
                .places(false);
            for w in &a.operands {
                in_dir(at, dir, op, w, hits);
            }
        }
        "mv" => {
            let a = Args::parse(rest, &[]);
            if let Some((dest, sources)) = a.operands.split_last() {
                for w in sources {
                    in_dir(
                        at,
                        dir,
                        Op::write("moves away (git mv)").tree(true).places(false),
                        w,
                        hits,
                    );
                }
                in_dir(at, dir, Op::write("moves onto (git mv)"), dest, hits);
            }
        }
        "config" => config(at, rest, hits),
        _ => {}
    }
}

/// `git clone [OPTIONS] URL [DIR]` (`git submodule add URL [PATH]`): DIR,
/// by default the URL's last part, is written with all the clone holds.
fn clone(at: &At<'_>, dir: Option<&Word>, rest: &[Word], submodule: bool, hits: &mut Vec<Hit>) {
    let a = Args::parse(
        rest,
        &[
            "-b",
            "--branch",
            "-o",
            "--origin",
            "-c",
            "--config",
            "-u",
            "--upload-pack",
            "--depth",
            "--reference",
            "--reference-if-able",
            "--separate-git-dir",
            "--template",
            "--shallow-since",
            "--shallow-exclude",
            "-j",
            "--jobs",
            "--filter",
            "--server-option",
            "--bundle-uri",
            "--name",
            "--ref-format",
        ],
    );
    for v in a.values(&["-c", "--config"]) {
        let key = v.text.split('=').next().unwrap_or("");
        if moves_hooks(key) {
            hooks_hit(
                at,
                Severity::Deny,
                format!(
                    "sets `{}` in the new clone's config: git runs the hooks it names",
                    v.text
                ),
                hits,
            );
        }
    }
    if let Some(t) = a.value("--template") {
        hooks_hit(
            at,
            Severity::Deny,
            format!(
                "clones with the template `{}`, whose hooks it copies into the clone",
                t.text
            ),
            hits,
        );
    }
    let Some(url) = a.operands.first() else {
        return;
    };
    let target = match a.operands.get(1) {
        Some(d) => (*d).clone(),
        None => {
            // `…/name.git`, `host:name`, `name/` → `name`.
            let name = url.text.trim_end_matches('/');
            let name = name.rsplit(['/', ':']).next().unwrap_or(name);
            let name = name.strip_suffix(".git").unwrap_or(name);
            if name.is_empty() || name == ".." {
                return;
            }
            Word {
                text: name.to_owned(),
                literal: url.literal,
            }
        }
    };
    let verb = if submodule {
        "adds a submodule at"
    } else {
        "clones into"
    };
    in_dir(
        at,
        dir,
        Op::write(verb).tree(true).creating(),
        &target,
        hits,
    );
}

/// `gh repo clone REPO [DIR] [-- GIT FLAGS]`: like `git clone`.
fn gh_clone(at: &At<'_>, hits: &mut Vec<Hit>) {
    let args = &at.cmd.args;
    if args.len() < 3 || args[0].text != "repo" || args[1].text != "clone" {
        return;
    }
    let rest = &args[2..];
    let end = rest
        .iter()
        .position(|w| w.text == "--")
        .unwrap_or(rest.len());
    let a = Args::parse(&rest[..end], &["-u", "--upstream-remote-name"]);
    let mut words: Vec<Word> = a.operands.iter().map(|w| (*w).clone()).collect();
    words.extend(rest.get(end + 1..).unwrap_or_default().iter().cloned());
    clone(at, None, &words, false, hits);
}

/// Judge a path given to git, relative to `git -C DIR` when given.
fn in_dir(at: &At<'_>, dir: Option<&Word>, op: Op, w: &Word, hits: &mut Vec<Hit>) {
    match dir {
        Some(d) if d.literal => {
            for cwd in at.cwds {
                let base = resolve(&d.text, cwd.as_deref());
                at.text_in(op, &w.text, w.literal, base.as_deref(), hits);
            }
        }
        _ => at.word(op, w, hits),
    }
}

/// `git config [--global|--system|--file F] KEY VALUE`, `git config set KEY
/// VALUE`, `--edit`: setting a key that runs code is asked; `--file` onto a
/// protected path is judged as any write.
fn config(at: &At<'_>, rest: &[Word], hits: &mut Vec<Hit>) {
    let a = Args::parse(
        rest,
        &[
            "-f",
            "--file",
            "--blob",
            "--type",
            "--default",
            "--comment",
            "--value",
        ],
    );
    for v in a.values(&["-f", "--file"]) {
        at.text(Op::write("writes git config to"), v.text, v.literal, hits);
    }
    let reading = a.has_short("l")
        || [
            "get",
            "get-all",
            "get-regexp",
            "get-urlmatch",
            "list",
            "show-origin",
            "show-scope",
            "get-color",
            "get-colorbool",
        ]
        .iter()
        .any(|l| a.has_long(l));
    if reading {
        return;
    }
    let mut ops: Vec<&str> = a.operands.iter().map(|w| w.text.as_str()).collect();
    let edit = a.has_short("e") || a.has_long("edit") || ops.first() == Some(&"edit");
    let unsetting = ops.first() == Some(&"unset");
    if matches!(ops.first(), Some(&"set" | &"unset" | &"edit")) {
        ops.remove(0);
    } else if matches!(ops.first(), Some(&"get" | &"list")) {
        return;
    }
    let scope = if a.has_long("global") {
        "the global git config (~/.gitconfig)"
    } else if a.has_long("system") {
        "the system git config"
    } else {
        "the repository's git config"
    };
    let message = if edit {
        format!("opens {scope} for editing, where keys make git run code")
    } else {
        let Some(key) = ops.first() else { return };
        let setting = ops.len() >= 2 || a.has_long("unset") || a.has_long("unset-all") || unsetting;
        if !setting || !runs_code(key) {
            return;
        }
        if moves_hooks(key) {
            let what = if ops.len() >= 2 { "sets" } else { "unsets" };
            return hooks_hit(
                at,
                Severity::Deny,
                format!("{what} `{key}` in {scope}: it says where git finds the hooks it runs"),
                hits,
            );
        }
        format!("sets `{key}` in {scope}: git runs what it names")
    };
    let Some(_) = at.scope.policy.write_severity(Category::GitInternals) else {
        return;
    };
    hits.push(Hit {
        severity: Severity::Ask,
        id: Category::GitInternals.finding_id(),
        message: format!("{message} (category `git-internals`)"),
        command: at.subject.command.clone(),
        via: at.subject.via.clone(),
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_that_run_code() {
        for k in [
            "core.hooksPath",
            "alias.co",
            "filter.lfs.smudge",
            "includeIf.gitdir:~/w/.path",
            "credential.https://h.helper",
            "url.https://evil/.insteadOf",
        ] {
            assert!(super::runs_code(k), "{k}");
        }
        for k in [
            "user.name",
            "user.email",
            "pull.rebase",
            "core.autocrlf",
            "init.defaultBranch",
        ] {
            assert!(!super::runs_code(k), "{k}");
        }
    }
}
