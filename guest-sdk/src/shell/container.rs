//! `docker run` (and `podman`, `nerdctl`): what a container does to the
//! host's files, through the host directories it mounts.
//!
//! A container's own file system is not the host's: `docker run alpine
//! rm -rf /` harms nothing here. A bind mount makes part of the host
//! writable under another name (`-v /:/host … rm -rf /host/etc` deletes the
//! host's `/etc`), so the analysis reads the container's command as shell
//! with each mount's container path put back as its host path, when the
//! command names one. Read-only mounts and named volumes are left out.

use super::Word;

/// Options of `docker run` / `podman run` that take a value (the next word
/// unless given as `--opt=value`). Any other option is taken for a flag.
const SHORT_WITH_VALUE: &str = "aceEhlmpuvw";
const LONG_WITH_VALUE: &[&str] = &[
    "--add-host",
    "--annotation",
    "--attach",
    "--blkio-weight",
    "--cap-add",
    "--cap-drop",
    "--cgroup-parent",
    "--cgroupns",
    "--cidfile",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-shares",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--device",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--entrypoint",
    "--env",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-start-period",
    "--health-timeout",
    "--hostname",
    "--ip",
    "--ip6",
    "--ipc",
    "--isolation",
    "--label",
    "--label-file",
    "--link",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--mount",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "--pid",
    "--platform",
    "--publish",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "--ulimit",
    "--user",
    "--userns",
    "--uts",
    "--volume",
    "--volumes-from",
    "--workdir",
];

/// What `docker run …` (its arguments after the program) does with the
/// host's files, as shell text to analyse: the container's command with
/// mounted paths put back as host paths (after a `cd` when the working
/// directory is a mount), and whether every word of it was literal.
/// `None` when it runs nothing that names a writable host mount.
pub(super) fn host_view(args: &[Word]) -> Option<(String, bool)> {
    // The engine's own options (`docker --context x -H tcp://… run`).
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        if !t.starts_with('-') {
            break;
        }
        let takes = matches!(
            t,
            "-H" | "--host" | "--context" | "-c" | "--config" | "--log-level" | "-l"
        ) || t.starts_with("--tls")
            && matches!(t, "--tlscacert" | "--tlscert" | "--tlskey");
        i += if takes { 2 } else { 1 };
    }
    let args = args.get(i..)?;
    // `docker create` makes the container `docker start` runs.
    let run = match args {
        [run, ..] if matches!(run.text.as_str(), "run" | "create") => 1,
        [group, run, ..]
            if matches!(group.text.as_str(), "container" | "compose")
                && matches!(run.text.as_str(), "run" | "create") =>
        {
            2
        }
        _ => return None,
    };
    let args = &args[run..];
    let mut mounts: Vec<Mount> = Vec::new();
    let mut workdir = None;
    let mut entrypoint = None;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        // `--volume=…`, and `-v=…`, which docker's parser takes too.
        let (name, inline) = match t.split_once('=') {
            Some((n, v)) if t.starts_with("--") || n.len() == 2 => (n, Some(v)),
            _ => (t, None),
        };
        let takes = if let Some(long) = name.strip_prefix("--") {
            LONG_WITH_VALUE.contains(&name) && inline.is_none() || long.is_empty()
        } else if name.len() > 1 && name.starts_with('-') {
            // `-it`, `-v SRC:DST`, `-vSRC:DST`: the first letter that takes
            // a value ends the cluster.
            match name[1..].find(|c| SHORT_WITH_VALUE.contains(c)) {
                Some(k) if 1 + k + 1 < name.len() => {
                    let (opt, value) = name.split_at(1 + k + 1);
                    let value = Word {
                        text: value.to_string(),
                        literal: args[i].literal,
                    };
                    option(opt, &value, &mut mounts, &mut workdir, &mut entrypoint);
                    i += 1;
                    continue;
                }
                Some(_) => true,
                None => false,
            }
        } else {
            break;
        };
        let value = match inline {
            Some(v) => Some(Word {
                text: v.to_string(),
                literal: args[i].literal,
            }),
            None if takes => {
                i += 1;
                args.get(i).cloned()
            }
            None => None,
        };
        if let Some(value) = value {
            option(name, &value, &mut mounts, &mut workdir, &mut entrypoint);
        }
        i += 1;
    }
    // The image, then its command.
    let command: Vec<&Word> = entrypoint.iter().chain(args.get(i + 1..)?).collect();
    if mounts.is_empty() || command.is_empty() {
        return None;
    }
    let mut named = false;
    let mut literal = true;
    let mut words = Vec::new();
    for w in &command {
        let (text, hit) = put_back(&w.text, &mounts);
        named |= hit;
        literal &= w.literal;
        words.push(quote(&text));
    }
    let mut text = words.join(" ");
    if let Some((dir, true)) = workdir.map(|d| put_back(&d, &mounts)) {
        named = true;
        text = format!("cd {} && {text}", quote(&dir));
    }
    named.then_some((text, literal))
}

/// Put back for a host path only known at run time (`-v "$(pwd)":/app`):
/// a variable, so that rules see a path known only at run time.
const RUN_TIME_HOST_PATH: &str = "${MOUNTED_HOST_PATH}";

/// A writable bind mount: the host path, the container path, and whether
/// the host path was literal.
struct Mount {
    host: String,
    target: String,
    literal: bool,
}

/// Records what one option says about mounts, the working directory or
/// the entrypoint.
fn option(
    name: &str,
    word: &Word,
    mounts: &mut Vec<Mount>,
    workdir: &mut Option<String>,
    entrypoint: &mut Option<Word>,
) {
    let value = word.text.as_str();
    let mut mount = |host: &str, target: &str| {
        mounts.push(Mount {
            host: host.to_string(),
            target: target.to_string(),
            // The container path is written out; the host one may not be.
            literal: word.literal || !host.contains(['$', '`']),
        })
    };
    match name {
        "-v" | "--volume" => {
            let mut parts = value.splitn(3, ':');
            let (Some(host), Some(target)) = (parts.next(), parts.next()) else {
                return;
            };
            let read_only = parts
                .next()
                .is_some_and(|o| o.split(',').any(|o| o == "ro"));
            if is_host_path(host) && !read_only {
                mount(host, target);
            }
        }
        "--mount" => {
            let (mut bind, mut host, mut target, mut read_only) = (false, None, None, false);
            for field in value.split(',') {
                let (k, v) = field.split_once('=').unwrap_or((field, "true"));
                match k {
                    "type" => bind = v == "bind",
                    "source" | "src" => host = Some(v),
                    "target" | "destination" | "dst" => target = Some(v),
                    "readonly" | "ro" => read_only = v != "false" && v != "0",
                    _ => {}
                }
            }
            if let (true, Some(h), Some(t), false) = (bind, host, target, read_only) {
                mount(h, t);
            }
        }
        "-w" | "--workdir" => *workdir = Some(value.to_string()),
        "--entrypoint" => *entrypoint = Some(word.clone()),
        _ => {}
    }
}

/// A `-v` source that is a host path, not a named volume.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '~', '.', '$'])
}

/// `text` with each absolute path that reaches a mount put back as a host
/// path; `Some(literal)` when one did (`literal`: every such mount's host
/// path was written out). A path reaches a mount when it is the mount's
/// container path or under it (`/host/etc` is the host's `/etc`), or holds
/// it (`/`, `/mnt` over `/mnt/h`, a glob like `/*` or `/hos*`: the whole
/// host directory). Paths start a word or follow a space, quote, `=`, `;`,
/// `&`, `|`, `(`, `<` or `>`.
fn put_back(text: &str, mounts: &[Mount]) -> (String, bool) {
    const EDGES: &[char] = &[
        ' ', '\t', '\n', '\'', '"', '=', ';', '&', '|', '(', ')', '<', '>',
    ];
    let mut out = String::with_capacity(text.len());
    let mut hit = false;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let starts = i == 0 || text[..i].ends_with(EDGES);
        if starts && rest.starts_with('/') {
            let len = rest.find(EDGES).unwrap_or(rest.len());
            let (path, found) = reach(&rest[..len], mounts);
            hit |= found;
            out.push_str(&path);
            i += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    (out, hit)
}

/// One absolute path as the host sees it, and whether it reaches a mount.
fn reach(path: &str, mounts: &[Mount]) -> (String, bool) {
    // `//host/etc` is `/host/etc`.
    let mut clean = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && clean.ends_with('/')) {
            clean.push(c);
        }
    }
    let host_of = |m: &Mount| {
        let h = m.host.trim_end_matches('/');
        if h.is_empty() {
            "/".to_string()
        } else {
            h.to_string()
        }
    };
    let glob = clean.find(['*', '?', '[']);
    let mut best: Option<(&Mount, String)> = None;
    for m in mounts {
        let target = m.target.trim_end_matches('/');
        if target.is_empty() {
            continue;
        }
        let mapped = if let Some(below) = clean.strip_prefix(target).filter(|b| {
            glob.is_none_or(|g| g >= target.len()) && (b.is_empty() || b.starts_with('/'))
        }) {
            // Under the mount: the host path below it.
            let host = if m.literal {
                m.host.trim_end_matches('/')
            } else {
                RUN_TIME_HOST_PATH
            };
            match (host.is_empty(), below.is_empty()) {
                (true, true) => "/".to_string(),
                _ => format!("{host}{below}"),
            }
        } else {
            let holder = clean.trim_end_matches('/');
            let holds = match glob {
                // `/*`, `/hos*`: may name the mount or what holds it.
                Some(g) => target.starts_with(&clean[..g]),
                None => holder.is_empty() || target.starts_with(&format!("{holder}/")),
            };
            if !holds {
                continue;
            }
            host_of(m)
        };
        if best
            .as_ref()
            .is_none_or(|(b, _)| b.target.len() < m.target.len())
        {
            best = Some((m, mapped));
        }
    }
    match best {
        Some((_, mapped)) => (mapped, true),
        None => (path.to_string(), false),
    }
}

/// One word for a shell to read back as written, [`RUN_TIME_HOST_PATH`]
/// left to expand.
fn quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%~".contains(c))
    {
        return text.to_string();
    }
    if text.is_empty() {
        return "''".into();
    }
    text.split(RUN_TIME_HOST_PATH)
        .map(|part| match part {
            "" => String::new(),
            _ => format!("'{}'", part.replace('\'', r"'\''")),
        })
        .collect::<Vec<_>>()
        .join(&format!("\"{RUN_TIME_HOST_PATH}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(cmd: &str) -> Option<String> {
        let words: Vec<Word> = cmd.split(' ').map(Word::literal).collect();
        host_view(&words).map(|(t, _)| t)
    }

    #[test]
    fn mounted_paths_are_put_back() {
        assert_eq!(
            view("run --rm -v /:/host alpine rm -rf /host/etc").as_deref(),
            Some("rm -rf /etc")
        );
        assert_eq!(
            view("run -it --mount type=bind,src=/home/me,dst=/data img rm -rf /data").as_deref(),
            Some("rm -rf /home/me")
        );
        assert_eq!(
            view("run -v/srv:/s -w /s img rm -rf x").as_deref(),
            Some("cd /srv && rm -rf x")
        );
        assert_eq!(
            view("container run --entrypoint rm -v ~:/h img -rf /h").as_deref(),
            Some("rm -rf ~")
        );
        // Inside a script, only where a path starts.
        let words = [
            "run",
            "-v",
            "/:/host",
            "alpine",
            "sh",
            "-c",
            "cd /tmp; rm -rf /host/ /hostname",
        ]
        .map(Word::literal);
        assert_eq!(
            host_view(&words).map(|v| v.0).as_deref(),
            Some("sh -c 'cd /tmp; rm -rf / /hostname'")
        );
    }

    #[test]
    fn paths_that_hold_a_mount_and_engine_options() {
        for (cmd, host) in [
            (
                "--context default run -v /:/host alpine rm -rf /host/etc",
                "rm -rf /etc",
            ),
            (
                "-H tcp://h:2375 run -v /:/host alpine rm -rf /host/etc",
                "rm -rf /etc",
            ),
            ("run -v /:/host alpine rm -rf /*", "rm -rf /"),
            ("run -v /:/host alpine rm -rf /hos*", "rm -rf /"),
            ("run -v /:/mnt/h alpine rm -rf /mnt", "rm -rf /"),
            (
                "run -v /:/host alpine rm -rf / --no-preserve-root",
                "rm -rf / --no-preserve-root",
            ),
            ("run -v=/etc:/x alpine rm -rf /x", "rm -rf /etc"),
            ("create -v /:/host alpine rm -rf //host/etc", "rm -rf /etc"),
            ("compose run -v /srv:/s app rm -rf /s", "rm -rf /srv"),
        ] {
            assert_eq!(view(cmd).as_deref(), Some(host), "{cmd}");
        }
        // A host path known only at run time stays one.
        let mut words: Vec<Word> = "run -v X alpine rm -rf /app/src"
            .split(' ')
            .map(Word::literal)
            .collect();
        words[2] = Word {
            text: "$(pwd):/app".into(),
            literal: false,
        };
        assert_eq!(
            host_view(&words),
            Some(("rm -rf \"${MOUNTED_HOST_PATH}\"'/src'".into(), true))
        );
    }

    #[test]
    fn the_containers_own_files_and_read_only_mounts_are_not_the_hosts() {
        for cmd in [
            "run --rm alpine rm -rf /",
            "run -v data:/var/lib/db postgres rm -rf /var/lib/db",
            "run -v /:/host:ro alpine rm -rf /host/etc",
            "run --mount type=bind,src=/,dst=/host,readonly alpine rm -rf /host",
            "run -v /srv:/srv alpine rm -rf /srvdata",
            "run -v /srv:/srv alpine",
            "ps -a",
        ] {
            assert_eq!(view(cmd), None, "{cmd}");
        }
    }
}
