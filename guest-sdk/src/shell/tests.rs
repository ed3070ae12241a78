//! Behaviour of [`analyze`] on the ways commands get hidden.

use super::*;

const UNKNOWN_INPUT_FOR_TESTS: &str = "$(items read from stdin)";

fn programs(cmd: &str) -> Vec<String> {
    analyze(cmd)
        .commands
        .into_iter()
        .map(|c| c.program)
        .collect()
}

fn lines(cmd: &str) -> Vec<String> {
    analyze(cmd)
        .commands
        .iter()
        .map(|c| c.command_line())
        .collect()
}

#[test]
fn lists_pipelines_and_compounds() {
    assert_eq!(
        programs("a && b || c; d | e & f"),
        ["a", "b", "c", "d", "e", "f"]
    );
    assert_eq!(programs("(a; { b; })"), ["a", "b"]);
    assert_eq!(programs("if a; then b; else c; fi"), ["a", "b", "c"]);
    // A loop over literal words is walked once per word.
    assert_eq!(lines("for x in 1 2; do a $x; done"), ["a 1", "a 2"]);
    assert_eq!(programs("while a; do b; done"), ["a", "b"]);
    assert_eq!(programs("case $x in y) a;; *) b;; esac"), ["a", "b"]);
    let a = analyze("f() { rm -rf /; }; f");
    assert_eq!(a.functions, ["f"]);
    let rm = a.commands_named("rm").next().unwrap();
    assert_eq!(rm.in_function.as_deref(), Some("f"));
}

#[test]
fn quoting_escapes_and_paths_resolve() {
    for cmd in [
        r#"r"m" -rf /"#,
        r"\rm -rf /",
        "'rm' -rf /",
        "$'\\x72m' -rf /",
        "/bin/rm -rf /",
    ] {
        assert_eq!(programs(cmd), ["rm"], "{cmd}");
    }
    let a = analyze("/usr/bin/rm -rf /");
    assert_eq!(a.commands[0].program_path, "/usr/bin/rm");
    assert_eq!(programs("{rm,-rf,/}"), ["rm"]);
    assert_eq!(lines("{rm,-rf,/}"), ["rm -rf /"]);
}

#[test]
fn wrappers_are_looked_through() {
    let a = analyze("sudo -u root env X=1 nice -n 5 timeout 10 nohup rm -rf /");
    let c = &a.commands[0];
    assert_eq!(c.program, "rm");
    assert_eq!(c.via, ["sudo", "env", "nice", "timeout", "nohup"]);
    assert_eq!(c.env, [("X".to_string(), "1".to_string())]);
    assert_eq!(programs("command rm -rf /"), ["rm"]);
    assert_eq!(programs("FOO=bar rm -rf /"), ["rm"]);
    let x = analyze("find / -name x -exec rm -rf {} \\;");
    assert!(
        x.commands
            .iter()
            .any(|c| c.program == "rm" && c.is_via("find -exec"))
    );
    let x = analyze("echo / | xargs rm -rf");
    assert!(
        x.commands
            .iter()
            .any(|c| c.program == "rm" && c.is_via("xargs"))
    );
}

/// The line `program` runs as, found through `via`.
fn line_via(cmd: &str, program: &str) -> (String, Vec<bool>) {
    let a = analyze(cmd);
    let c = a
        .commands
        .iter()
        .find(|c| c.program == program)
        .unwrap_or_else(|| panic!("{cmd}: no {program} in {a:?}"));
    (c.command_line(), c.args.iter().map(|w| w.literal).collect())
}

#[test]
fn literal_assignments_at_the_top_level_are_followed() {
    assert_eq!(line_via("x=~; rm -rf $x", "rm").0, "rm -rf ~");
    assert_eq!(
        line_via("d=/srv/data && rm -rf \"${d}/\"", "rm").0,
        "rm -rf /srv/data/"
    );
    assert_eq!(
        line_via("t=$(mktemp -d); cd \"$t\"; rm -rf \"$t\"", "rm").0,
        "rm -rf /tmp/tmp.XXXXXXXXXX"
    );
    // Redirection targets too; here-document bodies stay as written.
    let a = analyze("x=~/.bashrc; echo y >> \"$x\"; cat <<EOF\n$x\nEOF");
    assert_eq!(a.commands[0].redirects[0].target.text, "~/.bashrc");
    assert!(a.commands[0].redirects[0].target.literal);
    assert_eq!(a.commands[1].redirects[0].target.text, "$x\n");
    // What the analysis cannot follow stays a run-time value.
    for cmd in [
        "x=/tmp/a; read x; rm -rf $x",
        "x=/tmp/a; x=/; rm -rf $x",
        "true || x=/tmp/a; rm -rf $x/",
        "if c; then x=/tmp/a; fi; rm -rf $x",
        "for x in /tmp/a; do :; done; rm -rf $x",
        "x=$HOME; rm -rf $x",
        "x=/tmp/a & rm -rf $x",
        "x=/tmp/a | cat; rm -rf $x",
        "x=/tmp/a; bash -c 'rm -rf $x'",
        "x=/tmp/a; eval 'x=/'; rm -rf $x",
        "x=/tmp/a; export x; rm -rf $x",
        "t=$(mktemp -p /srv); rm -rf $t",
    ] {
        let a = analyze(cmd);
        let rm = a.commands.iter().find(|c| c.program == "rm");
        assert!(
            rm.is_none_or(|c| c.args.iter().any(|w| !w.literal)),
            "{cmd}: {a:?}"
        );
    }
    // Loop words and positional parameters.
    let a = analyze("for d in ~ /srv; do rm -rf \"$d\"; done");
    let rms: Vec<String> = a
        .commands
        .iter()
        .filter(|c| c.program == "rm")
        .map(|c| c.command_line())
        .collect();
    assert_eq!(rms, ["rm -rf ~", "rm -rf /srv"]);
    assert_eq!(line_via("sh -c 'rm -rf \"$1\"' _ ~", "rm").0, "rm -rf ~");
    for cmd in [
        "for d in ~; do d=/tmp; rm -rf $d; done",
        "for d in $(ls); do rm -rf $d; done",
        "for d in 1 2 3 4 5 6 7 8 9; do rm -rf $d; done",
        "sh -c 'rm -rf \"$1\"' _ \"$X\"",
    ] {
        let a = analyze(cmd);
        assert!(
            a.commands
                .iter()
                .filter(|c| c.program == "rm")
                .all(|c| c.args.iter().any(|w| !w.literal)),
            "{cmd}: {a:?}"
        );
    }
    // A function called with literal arguments, and read from a here-string.
    let a = analyze("f(){ rm -rf \"$1\"; }; f ~; f /srv");
    let rms: Vec<String> = a
        .commands
        .iter()
        .filter(|c| c.program == "rm")
        .map(|c| c.command_line())
        .collect();
    assert_eq!(rms, ["rm -rf $1", "rm -rf ~", "rm -rf /srv"]);
    assert_eq!(
        line_via("read -r d <<< ~; rm -rf \"$d\"", "rm").0,
        "rm -rf ~"
    );
    assert_eq!(
        line_via("read d <<< '/srv '; rm -rf $d", "rm").0,
        "rm -rf /srv"
    );
    // `${x:?}` and the other forms that give a set variable's value; a
    // trap or eval runs in the same shell and sees the line's variables.
    assert_eq!(line_via("x=~; rm -rf \"${x:?}\"/*", "rm").0, "rm -rf ~/*");
    assert_eq!(
        line_via("t=$(mktemp -d) && trap 'rm -rf \"$t\"' EXIT", "rm").0,
        "rm -rf /tmp/tmp.XXXXXXXXXX"
    );
    assert_eq!(line_via("x=/srv; eval 'rm -rf $x'", "rm").0, "rm -rf /srv");
    assert_eq!(line_via("x=/srv; bash -c 'rm -rf $x'", "rm").0, "rm -rf $x");
    // Recursion walks a body once per call, a few calls per line.
    let a = analyze("f(){ f x; rm -rf \"$1\"; }; f /a");
    assert_eq!(a.commands.iter().filter(|c| c.program == "rm").count(), 2);
    let many = "f(){ rm -rf \"$1\"; }; ".to_string() + &"f /a; ".repeat(50);
    let a = analyze(&many);
    assert_eq!(a.commands.iter().filter(|c| c.program == "rm").count(), 9);
    // Values the shell splits, and lines that change how it splits, are not
    // put in: the program or target stays a run-time value.
    for cmd in [
        "x='rm -rf /'; $x",
        "x='-rf /'; rm $x",
        "IFS=,; x=rm,-rf,/; $x",
        "IFS=, ; f(){ $1; }; f rm,-rf,/",
        "for d in 'a /'; do rm -rf $d; done",
        "f(){ rm -rf $1; }; f '/ /'",
        "read -r d <<< \"$X\"; rm -rf $d",
        "read -r -a d <<< /; rm -rf $d",
        "read d e <<< '/ /'; rm -rf $d",
        "if c; then read -r d <<< /tmp; fi; rm -rf $d",
        "read -r d <<< build 0< <(echo ~); rm -rf \"$d\"",
        "read -r d <<< build < paths; rm -rf \"$d\"",
        "sh -c 'shift; rm -rf \"$1\"' _ build ~",
        "sh -c 'set -- ~; rm -rf \"$1\"' _ build",
        "f(){ shift; rm -rf \"$1\"; }; f build ~",
        "find / -exec sh -c 'rm -rf \"$1\"' _ {} \\;",
    ] {
        let a = analyze(cmd);
        let dynamic_program = a
            .opaque
            .iter()
            .any(|o| matches!(o.reason, OpaqueReason::DynamicProgram(_)));
        let rm_unknown = a
            .commands
            .iter()
            .filter(|c| c.program == "rm")
            .all(|c| c.args.iter().any(|w| !w.literal));
        assert!(dynamic_program || rm_unknown, "{cmd}: {a:?}");
        assert!(
            a.commands.iter().any(|c| c.program == "rm") || dynamic_program,
            "{cmd}: {a:?}"
        );
    }
    // `x=v cmd` sets x for cmd alone.
    let (line, literal) = line_via("x=/tmp/a rm -rf $x", "rm");
    assert_eq!((line.as_str(), literal.last()), ("rm -rf $x", Some(&false)));
}

#[test]
fn alias_values_and_line_continuations() {
    let a = analyze("shopt -s expand_aliases\nalias x='rm -rf ~'\nx");
    assert!(
        a.commands.iter().any(|c| c.command_line() == "rm -rf ~"),
        "{a:?}"
    );
    assert!(a.commands.iter().any(|c| c.is_via("alias")), "{a:?}");
    assert!(!analyze("alias ll='ls -la'").is_opaque());
    // `\<newline>` inside a word joins it.
    assert_eq!(programs("r\\\nm -rf /"), ["rm"]);
}

#[test]
fn options_that_carry_shell_commands() {
    for (cmd, via) in [
        ("script -qc 'rm -rf ~' /dev/null", "script -c"),
        ("script -c 'rm -rf ~' /dev/null", "script -c"),
        ("flock /tmp/l -c 'rm -rf ~'", "flock -c"),
        ("flock -x /tmp/l -xc 'rm -rf ~'", "flock -c"),
        ("tar xf a.tar --to-command='rm -rf ~'", "tar --to-command"),
        (
            "tar cf x.tar d --checkpoint=1 --checkpoint-action=exec='rm -rf ~'",
            "tar --checkpoint-action",
        ),
        ("git -c alias.x='!rm -rf ~' x", "git -c"),
        ("git -c core.sshCommand='rm -rf ~' fetch", "git -c"),
        ("vim -es -c '!rm -rf ~' -c q", "vim !"),
        ("nvim +':!rm -rf ~'", "vim !"),
        ("tar -I 'rm -rf ~' -cf x.tar .", "tar --to-command"),
        ("tar xf a.tar --to-com='rm -rf ~'", "tar --to-command"),
        ("git -c filter.lfs.clean='rm -rf ~' add .", "git -c"),
        ("git -c mergetool.x.cmd='rm -rf ~' mergetool", "git -c"),
        (
            "GIT_SSH_COMMAND='rm -rf ~' git fetch",
            "git GIT_SSH_COMMAND",
        ),
        (
            "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.x GIT_CONFIG_VALUE_0='!rm -rf ~' git x",
            "git GIT_CONFIG",
        ),
        ("make --file - <<< $'all:\\n\\trm -rf ~'", "make recipe"),
        ("echo 'all: ; rm -rf ~' | make -sf -", "make recipe"),
        (
            "make -f /dev/stdin <<< $'all:\\n\\trm -rf ~'",
            "make recipe",
        ),
        ("systemd-run --user -p X=1 rm -rf ~", "systemd-run"),
        ("strace -f -o /dev/null rm -rf ~", "strace"),
        ("unshare -r rm -rf ~", "unshare"),
        ("runuser -u root -- rm -rf ~", "runuser"),
        ("at now <<< 'rm -rf ~'", "herestring-to-sh"),
        ("echo 'rm -rf ~' | batch", "pipe-to-sh"),
        ("crontab - <<< '*/5 * * * * rm -rf ~'", "crontab"),
        ("printf '@reboot rm -rf ~\\n' | crontab", "crontab"),
        (
            "crontab -u bob <<< $'# x\\nPATH=/bin\\n0 3 * * 1 rm -rf ~'",
            "crontab",
        ),
    ] {
        let a = analyze(cmd);
        assert!(
            a.commands
                .iter()
                .any(|c| c.command_line() == "rm -rf ~" && c.is_via(via)),
            "{cmd}: {a:?}"
        );
    }
    // Makefile recipes read from stdin.
    let a = analyze("make -f - <<< $'all:\\n\\trm -rf ~'");
    assert!(
        a.commands.iter().any(|c| c.command_line() == "rm -rf ~"),
        "{a:?}"
    );
    assert!(analyze("curl -s https://x.example/Makefile | make -f -").is_opaque());
    assert!(!analyze("make -j4 test").is_opaque());
    // flock as a plain wrapper, and everyday look-alikes.
    assert_eq!(line_via("flock -w 5 /tmp/l rm -rf ~", "rm").0, "rm -rf ~");
    // A value from the environment git reads at run time.
    assert!(analyze("git --config-env=alias.x=EVIL x").is_opaque());
    for cmd in [
        "git -c user.name=x commit -m y",
        "GIT_PAGER=cat git log",
        "tar xzf a.tgz -C out",
        "tar -I zstd -cf a.tar.zst src",
        "vim -c 'set nu' f",
        "make -f Makefile all",
        "at -l",
        "crontab -l",
        "crontab jobs.cron",
    ] {
        let a = analyze(cmd);
        assert!(a.commands.iter().all(|c| c.program != "rm"), "{cmd}");
        assert!(!a.is_opaque(), "{cmd}");
    }
}

#[test]
fn programs_named_by_globs_are_opaque() {
    for cmd in [
        "/???/?m -rf ~",
        "/usr/bin/r? -rf /",
        "/bin/[r]m -rf /",
        "sudo /usr/*/rm -rf /",
    ] {
        assert!(analyze(cmd).is_opaque(), "{cmd}");
    }
    for cmd in ["[ -f x ] && echo y", "[[ -n $x ]]", "ls *.txt", "echo ?"] {
        assert!(!analyze(cmd).is_opaque(), "{cmd}");
    }
}

#[test]
fn xargs_and_parallel_run_with_their_input_as_arguments() {
    // Input spelled out on the left of the pipe: literal arguments.
    assert_eq!(line_via("echo / | xargs rm -rf", "rm").0, "rm -rf /");
    assert_eq!(
        line_via("printf '%s\\n' a b | xargs -n1 rm -rf", "rm").0,
        "rm -rf a b"
    );
    assert_eq!(
        line_via("echo ~ | xargs -I{} rm -rf {}", "rm").0,
        "rm -rf ~"
    );
    assert_eq!(line_via("echo / | xargs -J % rm -rf %", "rm").0, "rm -rf /");
    assert_eq!(
        line_via("echo x | xargs --replace=F rm -rf F/y", "rm").0,
        "rm -rf x/y"
    );
    assert_eq!(
        line_via("cat <<E | xargs rm -rf\n/srv\nE\n", "rm").0,
        "rm -rf /srv"
    );
    // Input the analysis cannot see: one argument known only at run time.
    for cmd in [
        "find . -print0 | xargs -0 rm -rf",
        "xargs -a /tmp/paths rm -rf",
        "echo ok | xargs --arg-file=/tmp/paths rm -rf",
        "git ls-files | xargs -P2 rm -rf",
    ] {
        let (line, literal) = line_via(cmd, "rm");
        assert!(line.ends_with(UNKNOWN_INPUT_FOR_TESTS), "{cmd}: {line}");
        assert_eq!(literal.last(), Some(&false), "{cmd}");
    }
    // A shell script read from the input.
    let a = analyze("echo 'rm -rf /' | xargs -I{} bash -c {}");
    assert!(
        a.commands.iter().any(|c| c.command_line() == "rm -rf /"),
        "{a:?}"
    );
    for cmd in [
        "cat cmds | xargs -I{} bash -c {}",
        "curl -s x | xargs bash -c",
    ] {
        assert!(analyze(cmd).is_opaque(), "{cmd}");
    }
    // parallel: `:::` inputs, `{}` or appended, and scripts.
    assert_eq!(line_via("parallel rm -rf ::: /", "rm").0, "rm -rf /");
    assert_eq!(
        line_via("parallel busybox rm -rf {} ::: ~", "rm").0,
        "rm -rf ~"
    );
    assert_eq!(line_via("parallel 'rm -rf {}' ::: /", "rm").0, "rm -rf /");
    assert_eq!(
        line_via("parallel bash -c ::: 'rm -rf /'", "rm").0,
        "rm -rf /"
    );
    assert_eq!(line_via("echo / | parallel rm -rf", "rm").0, "rm -rf /");
    let (line, literal) = line_via("parallel rm -rf :::: list.txt", "rm");
    assert!(
        line.ends_with(UNKNOWN_INPUT_FOR_TESTS) && literal.last() == Some(&false),
        "{line}"
    );
    // `parallel ::: cmd1 cmd2` runs each.
    assert_eq!(programs("parallel ::: 'make a' 'rm -rf /'"), ["make", "rm"]);
    // Everyday uses keep their look.
    assert_eq!(
        line_via("git diff --name-only | xargs wc -l", "wc").1,
        [true, false]
    );
    assert_eq!(
        line_via("echo a.txt b.txt | xargs cat", "cat").0,
        "cat a.txt b.txt"
    );
}

#[test]
fn nested_shells_are_parsed() {
    for (cmd, via) in [
        ("bash -c 'rm -rf /'", "bash -c"),
        ("sh -c \"git reset --hard\"", "sh -c"),
        ("eval 'rm -rf /'", "eval"),
        ("ssh host 'rm -rf /'", "ssh"),
        ("echo 'rm -rf /' | sh", "pipe-to-sh"),
        ("bash <<EOF\nrm -rf /\nEOF", "heredoc-to-sh"),
        ("bash <<< 'rm -rf /'", "herestring-to-sh"),
    ] {
        let a = analyze(cmd);
        assert!(!a.is_opaque(), "{cmd}: {:?}", a.opaque);
        let inner: Vec<_> = a.commands.iter().filter(|c| c.is_via(via)).collect();
        assert!(!inner.is_empty(), "{cmd}: {:?}", a.commands);
        assert!(
            inner[0].program == "rm" || inner[0].program == "git",
            "{cmd}"
        );
    }
    let a = analyze("bash -c \"bash -c 'rm -rf /'\"");
    let rm = a.commands_named("rm").next().unwrap();
    assert_eq!(rm.via, ["bash -c", "bash -c"]);
}

#[test]
fn substitutions_are_walked() {
    let a = analyze("echo $(rm -rf /) `id` ${x:-$(whoami)}");
    let ps: Vec<_> = a.commands.iter().map(|c| c.program.as_str()).collect();
    assert!(
        ps.contains(&"rm") && ps.contains(&"id") && ps.contains(&"whoami"),
        "{ps:?}"
    );
    let a = analyze("bash <(curl -fsSL https://x.example/i.sh)");
    let curl = a.commands_named("curl").next().unwrap();
    assert_eq!(curl.substituted_into.as_deref(), Some("bash"));
    let a = analyze("sh -c \"$(curl -fsSL https://x.example/i.sh)\"");
    let curl = a.commands_named("curl").next().unwrap();
    assert_eq!(curl.substituted_into.as_deref(), Some("sh"));
}

#[test]
fn pipes_record_both_sides() {
    let a = analyze("curl -fsSL https://x.example | sudo bash -s -- --yes");
    let curl = a.commands_named("curl").next().unwrap();
    assert_eq!(curl.piped_into.as_deref(), Some("bash"));
    let bash = a.commands_named("bash").next().unwrap();
    assert_eq!(bash.piped_from.as_deref(), Some("curl"));
}

#[test]
fn hidden_programs_are_opaque() {
    for cmd in [
        "$x -rf /",
        "${RM} -rf /",
        "$(echo rm) -rf /",
        "eval \"$cmd\"",
        "bash -c \"$payload\"",
        "echo cm0gLXJmIC8K | base64 -d | sh",
        "if then fi (",
        "echo 'unterminated",
    ] {
        let a = analyze(cmd);
        assert!(a.is_opaque(), "{cmd} should be opaque: {:?}", a.commands);
    }
}

#[test]
fn mentions_are_arguments_not_commands() {
    for cmd in [
        "echo \"rm -rf /\"",
        "grep -r \"rm -rf\" .",
        "git commit -m 'stop running git reset --hard'",
        "printf '%s\\n' 'curl x | sh'",
    ] {
        let a = analyze(cmd);
        assert!(!a.is_opaque(), "{cmd}: {:?}", a.opaque);
        assert_eq!(a.commands.len(), 1, "{cmd}: {:?}", a.commands);
        assert!(
            a.commands[0].program != "rm" && a.commands[0].program != "sh",
            "{cmd}"
        );
    }
}

#[test]
fn words_keep_expansions_in_source_form() {
    let a = analyze("rm -rf \"$HOME\" ~ ~/ /*");
    let args: Vec<_> = a.commands[0]
        .args
        .iter()
        .map(|w| (w.text.as_str(), w.literal))
        .collect();
    assert_eq!(
        args,
        [
            ("-rf", true),
            ("$HOME", false),
            ("~", true),
            ("~/", true),
            ("/*", true)
        ]
    );
}

#[test]
fn redirects_are_recorded() {
    let a = analyze("{ echo x; } > /dev/sda");
    let echo = a.commands_named("echo").next().unwrap();
    assert!(
        echo.redirects
            .iter()
            .any(|r| r.is_write() && r.target.text == "/dev/sda")
    );
    let a = analyze("cmd 2>&1");
    assert!(!a.commands[0].redirects[0].is_write());
}

#[test]
fn hostile_input_is_bounded() {
    let deep = "bash -c 'rm -rf /'";
    assert!(!analyze(deep).is_opaque());
    let nested = "$(".repeat(200) + &")".repeat(200);
    assert!(analyze(&nested).is_opaque());
    let big = "a;".repeat(300_000);
    assert!(analyze(&big).is_opaque());
    let mut s = String::from("echo x");
    for _ in 0..12 {
        s = format!("bash -c {}", shell_quote(&s));
    }
    assert!(
        analyze(&s).is_opaque(),
        "nesting past the depth limit is opaque"
    );
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn basename_and_interpreters() {
    assert_eq!(basename("/usr/bin/rm"), "rm");
    assert_eq!(basename("rm"), "rm");
    assert_eq!(basename("/"), "/");
    assert!(is_shell("bash") && !is_shell("bashful"));
    assert!(is_interpreter("python3.12") && is_interpreter("source") && !is_interpreter("cat"));
}

#[test]
fn write_targets_by_program() {
    let targets = |cmd: &str| -> Vec<String> {
        analyze(cmd)
            .commands
            .iter()
            .flat_map(|c| c.write_targets())
            .map(|w| w.text)
            .collect()
    };
    assert_eq!(targets("echo x > a.txt 2>&1 >> /dev/null"), ["a.txt"]);
    assert_eq!(targets("cargo build &> build.log"), ["build.log"]);
    assert_eq!(targets("echo x | sudo tee -a /etc/hosts"), ["/etc/hosts"]);
    assert_eq!(targets("cp -r src/ /tmp/dst"), ["/tmp/dst"]);
    assert_eq!(targets("mv a b dir/"), ["dir/", "a", "b"]);
    assert_eq!(targets("cp -t out/ a b"), ["out/"]);
    assert_eq!(targets("ln -sf ~/.ssh/id_rsa key"), ["key"]);
    assert_eq!(targets("sed -i 's/a/b/' .env cfg.ini"), [".env", "cfg.ini"]);
    assert_eq!(targets("sed -i.bak -e 's/a/b/' x"), ["x"]);
    assert_eq!(targets("sed 's/a/b/' x"), Vec::<String>::new());
    assert_eq!(targets("perl -pi -e 's/a/b/' y"), ["y"]);
    assert_eq!(targets("dd if=/dev/zero of=disk.img"), ["disk.img"]);
    assert_eq!(targets("tar xzf a.tgz -C /opt"), ["/opt"]);
    assert_eq!(targets("tar czf a.tgz -C src ."), Vec::<String>::new());
    assert_eq!(targets("unzip a.zip -d vendor"), ["vendor"]);
    assert_eq!(targets("chmod -R 600 ~/.ssh"), ["~/.ssh"]);
    assert_eq!(targets("rm -rf -- -weird"), ["-weird"]);
    assert_eq!(targets("touch a && truncate -s 0 b"), ["a", "b"]);
    assert_eq!(targets("cat a.txt; ls -la"), Vec::<String>::new());
}

/// Runs `analyze` on a thread with a small stack: a nesting bound that did
/// not hold would overflow it (and abort the test run).
fn analyze_on_small_stack(cmd: String, stack: usize) -> Analysis {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || analyze(&cmd))
        .expect("thread")
        .join()
        .expect("no panic")
}

fn reasons(a: &Analysis) -> Vec<OpaqueReason> {
    a.opaque.iter().map(|o| o.reason.clone()).collect()
}

#[test]
fn the_brace_decoy_stack_bomb_is_refused() {
    // bash runs `rm -rf ~`: `echo }` does not close the group.
    let bomb = format!(
        "{}rm -rf ~; {}",
        "{ echo }; ".repeat(1453),
        "}; ".repeat(1453)
    );
    let started = std::time::Instant::now();
    let a = analyze_on_small_stack(bomb, 256 * 1024);
    assert_eq!(reasons(&a), [OpaqueReason::TooDeep]);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn closer_decoys_do_not_lower_the_count() {
    let deep = 200;
    let bombs = [
        format!(
            "{}rm -rf ~; {}",
            "if a; then echo fi; ".repeat(deep),
            "fi; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "while a; do echo done; ".repeat(deep),
            "done; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "for x in done; do echo done; ".repeat(deep),
            "done; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~\n{}",
            "case a in a) echo esac; ".repeat(deep),
            "esac\n".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "( echo ')' \")\" \\); ".repeat(deep),
            ") ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "{ [[ a == ]] ]] ]]; ".repeat(deep),
            "}; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "{ echo \"}\" '}' \\}; ".repeat(deep),
            "}; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "{ cat <<E\n}\nE\n".repeat(deep),
            "}; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~; {}",
            "{ echo # }\n".repeat(deep),
            "}; ".repeat(deep)
        ),
        format!(
            "{}rm -rf ~\n{}",
            "( case x in a) ".repeat(deep),
            ";; esac )\n".repeat(deep)
        ),
        format!("{}rm -rf ~; {}", "f() { ".repeat(deep), "}; ".repeat(deep)),
        format!("{}rm -rf ~", "coproc ".repeat(deep)),
        format!("[[ {}a ]]", "! ".repeat(deep)),
        format!("[[ a {}]]", "&& a ".repeat(20_000)),
        format!("cat {}x{}", "<(cat ".repeat(deep), ")".repeat(deep)),
    ];
    for bomb in bombs {
        let a = analyze_on_small_stack(bomb.clone(), 512 * 1024);
        // Refused for depth (or, for `case`, for the re-parses first).
        assert!(
            reasons(&a)
                .iter()
                .any(|r| matches!(r, OpaqueReason::TooDeep | OpaqueReason::TooLarge)),
            "{}: {:?}",
            &bomb[..60],
            a.opaque
        );
        assert!(a.commands_named("rm").next().is_none());
    }
}

#[test]
fn deep_expansions_are_refused() {
    let deep = 300;
    for bomb in [
        format!("echo {}x{}", "$(echo ".repeat(deep), ")".repeat(deep)),
        format!("echo {}x{}", "\"$(echo ".repeat(deep), ")\"".repeat(deep)),
        format!("echo {}x{}", "${a:-".repeat(deep), "}".repeat(deep)),
        format!("echo $(({}1{}))", "(".repeat(deep), ")".repeat(deep)),
        format!("(({}1{}))", "(".repeat(deep), ")".repeat(deep)),
        format!("cat <<E\n{}x{}\nE\n", "$(".repeat(deep), ")".repeat(deep)),
        format!("cat <<E\n{}1}}\nE\n", "${x:-$((".repeat(12)),
        format!("echo $(echo {}x{})", "@(".repeat(deep), ")".repeat(deep)),
    ] {
        let a = analyze_on_small_stack(bomb.clone(), 512 * 1024);
        assert!(
            reasons(&a)
                .iter()
                .any(|r| matches!(r, OpaqueReason::TooDeep | OpaqueReason::TooLarge)),
            "{}: {:?}",
            &bomb[..40],
            a.opaque
        );
    }
    // Backquotes nest through escapes: each level is parsed on its own.
    let mut s = String::from("rm -rf ~");
    for _ in 0..12 {
        s = format!("echo `{}`", s.replace('\\', "\\\\").replace('`', "\\`"));
    }
    let a = analyze_on_small_stack(s, 512 * 1024);
    assert!(a.commands_named("rm").next().is_some() || a.is_opaque());
}

#[test]
fn the_deepest_accepted_input_fits_a_small_stack() {
    // The most stack per level is a function body: 24 levels of them, twice
    // (through `bash -c`, within the total nesting bound), around a word at
    // its budget. Measured under 700 KiB in a debug build, about 210 KiB
    // optimized; 1 MiB here leaves a margin either way.
    let limit = super::nesting::MAX_NESTING;
    let inner = format!(
        "{}echo \"$(a \"$(b \"${{x:-$((1))}}\")\")\"{}",
        "f() { ".repeat(limit - 1),
        "; }".repeat(limit - 1)
    );
    let outer = format!(
        "{}bash -c {}{}",
        "f() { ".repeat(limit - 2),
        shell_quote(&inner),
        "; }".repeat(limit - 2)
    );
    let accepted = [
        format!("{}rm{}", "f() { ".repeat(limit), "; }".repeat(limit)),
        format!(
            "{}rm; {}",
            "if a; then ".repeat(limit),
            "fi; ".repeat(limit)
        ),
        format!(
            "[[ {}a{} ]]",
            "( ".repeat(limit - 1),
            " )".repeat(limit - 1)
        ),
        format!("echo {}x{}", "${a:-".repeat(8), "}".repeat(8)),
        format!("echo {}x{}", "$(echo ".repeat(8), ")".repeat(8)),
    ];
    for cmd in accepted {
        let a = analyze_on_small_stack(cmd.clone(), 1024 * 1024);
        assert!(!a.is_opaque(), "{}: {:?}", &cmd[..40], a.opaque);
    }
    // Refused somewhere inside, after walking the outer levels.
    analyze_on_small_stack(outer, 1024 * 1024);
}

#[test]
fn exponential_backtracking_is_bounded() {
    let started = std::time::Instant::now();
    for cmd in [
        // brush-parser tries `((` arithmetic at every `( (` and backtracks.
        format!("{}x ;{}", "( ".repeat(22), ") ".repeat(22)),
        format!("{}x ;{}", "(".repeat(22), ")".repeat(22)),
        format!("[[ a =~ {}x ]]", "( ".repeat(22)),
        format!("for (({}; ; )) do :; done", "( ".repeat(22)),
        // The last `case` item is parsed twice, per level.
        format!(
            "{}echo x\n{}",
            "case a in a) ".repeat(12),
            "esac\n".repeat(12)
        ),
        // A failing process substitution is parsed again as a redirection.
        format!("cat {}x fi{}", "<(cat ".repeat(22), ")".repeat(22)),
        // The word grammar backtracks per nested expansion.
        format!("echo {}\"x{}", "${x:-".repeat(20), "}".repeat(20)),
        format!("cat <<E\n{}1}}\nE\n", "${x:-$((".repeat(10)),
    ] {
        let t = std::time::Instant::now();
        let a = analyze(&cmd);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(1),
            "{}: {:?} {:?}",
            &cmd[..30],
            t.elapsed(),
            a.opaque
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn output_bombs_are_refused() {
    let started = std::time::Instant::now();
    // Every command inside a group gets the group's redirections.
    let redirects = format!("{{ {} }} {}", "a;".repeat(8000), ">x ".repeat(8000));
    assert!(reasons(&analyze(&redirects)).contains(&OpaqueReason::TooLarge));
    let braces = "echo {a,b}{c,d}{e,f}{g,h}{i,j}{k,l} ".repeat(5000);
    assert!(reasons(&analyze(&braces)).contains(&OpaqueReason::TooLarge));
    // brush-parser's tokenizer loops forever on this (an empty here-tag).
    assert!(analyze("cat <<\"a$( <x$ ").is_opaque());
    // Quadratic here-documents.
    let heredocs = format!("cat {}\n{}", "<<A ".repeat(8000), "A\n".repeat(8000));
    assert!(reasons(&analyze(&heredocs)).contains(&OpaqueReason::TooLarge));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn bash_subshells_are_not_arithmetic() {
    // brush-parser alone reads these as `((…))` arithmetic, hiding the `rm`.
    for cmd in ["( (rm -rf ~) )", "((rm -rf ~) )", "((cd /; rm -rf ~))"] {
        let a = analyze(cmd);
        assert!(
            a.commands_named("rm").next().is_some(),
            "{cmd}: {:?}",
            a.commands
        );
    }
    let cmd = "(( x = (1 + 2) * $(id -u) ))";
    assert_eq!(programs(cmd), ["id"]);
    assert!(!analyze(cmd).is_opaque());
}

#[test]
fn brace_expansion_past_its_bound_is_opaque() {
    // bash runs `rm rm … x x … -rf /`.
    let a = analyze("{rm,x}{,}{,}{,}{,}{,}{,}{,}{,}{,}{,} -rf /");
    assert!(
        reasons(&a).contains(&OpaqueReason::TooLarge),
        "{:?}",
        a.commands
    );
    assert_eq!(programs("{rm,x}{,}{,}{,}{,}{,}{,} -rf /")[0], "rm");
}

#[test]
fn realistic_scripts_are_analysed() {
    let subs: String = (0..50)
        .map(|i| format!("v{i}=$(git rev-parse HEAD~{i})\n"))
        .collect();
    let script = r#"#!/bin/bash
set -euo pipefail
# Build (and test) every crate; don't stop on the first failure.
usage() { echo "usage: $0 [-v] dir..." >&2; exit 2; }
log() {
    local level=$1; shift
    printf '%s [%s] %s\n' "$(date +%T)" "$level" "$*" >> "${LOG:-/tmp/build.log}"
}
for dir in "$@"; do
    case "$dir" in
        -v|--verbose) VERBOSE=1 ;;
        -h) usage ;;
        *.tmp|*/target/*) continue ;;
        *)
            if [[ -d "$dir" && ! -L "$dir" ]]; then
                (cd "$dir" && cargo build --release 2>&1 | tee -a build.log) || log WARN "failed: $dir"
            elif [ -f "$dir/Makefile" ]; then
                make -C "$dir" -j"$(nproc)"
            else
                while read -r line; do
                    [[ $line =~ ^#(.*)$ ]] && continue
                    echo "${line%%=*}"
                done < "$dir/.env"
            fi
            ;;
    esac
done
count=$(( $(ls | wc -l) + 1 ))
cat > summary.md <<EOF
# Summary ($(date))
Built ${count} dirs; see \`build.log\` (it's long).
EOF
git commit -m "$(cat <<'MSG'
Fix the parser (don't crash on "}" or ")")

It's done.
MSG
)"
"#;
    for cmd in [script.to_string(), subs] {
        let a = analyze(&cmd);
        assert!(!a.is_opaque(), "{:?}", a.opaque);
        assert!(a.commands.len() > 10);
    }
}

#[test]
fn found_by_fuzzing_a_parser_panic_and_a_comment_hiding_the_end_of_a_substitution() {
    // brush-parser unwraps a file descriptor past i32: opaque, not a panic.
    assert!(analyze("echo 99999999999>x").is_opaque());
    // bash reads this `$(` to the `)` on the third line: `rm` runs.
    let a = analyze("cat <<E\n$(# )\nrm -rf ~\n)\nE\n");
    assert!(
        a.is_opaque() || a.commands.iter().any(|c| c.program == "rm"),
        "{a:?}"
    );
    let a = analyze("echo $(# )\nrm -rf ~\n)");
    assert!(
        a.is_opaque() || a.commands.iter().any(|c| c.program == "rm"),
        "{a:?}"
    );
    // Comments that end before the `)` are fine, and so is a quoted `#`.
    let a = analyze("x=$(git rev-parse HEAD # the commit\n)");
    assert!(!a.is_opaque(), "{a:?}");
    assert!(a.commands.iter().any(|c| c.program == "git"), "{a:?}");
    assert!(!analyze("echo \"$(date +%s)\" '#'").is_opaque());
}
