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
    let run = match args {
        [run, ..] if run.text == "run" => 1,
        [container, run, ..] if container.text == "container" && run.text == "run" => 2,
        _ => return None,
    };
    let args = &args[run..];
    let mut mounts: Vec<(String, String)> = Vec::new();
    let mut workdir = None;
    let mut entrypoint = None;
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        let (name, inline) = match t.split_once('=') {
            Some((n, v)) if t.starts_with("--") => (n, Some(v)),
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
                    option(opt, value, &mut mounts, &mut workdir, &mut entrypoint);
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
            Some(v) => Some(v.to_string()),
            None if takes => {
                i += 1;
                args.get(i).map(|w| w.text.clone())
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

/// Records what one option says about mounts, the working directory or
/// the entrypoint.
fn option(
    name: &str,
    value: &str,
    mounts: &mut Vec<(String, String)>,
    workdir: &mut Option<String>,
    entrypoint: &mut Option<Word>,
) {
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
                mounts.push((host.to_string(), target.to_string()));
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
                mounts.push((h.to_string(), t.to_string()));
            }
        }
        "-w" | "--workdir" => *workdir = Some(value.to_string()),
        "--entrypoint" => *entrypoint = Some(Word::literal(value)),
        _ => {}
    }
}

/// A `-v` source that is a host path, not a named volume.
fn is_host_path(source: &str) -> bool {
    source.starts_with(['/', '~', '.', '$'])
}

/// `text` with every container path of a mount, where a path starts (the
/// word's start or after a space, quote, `=`, `;`, `&`, `|`, `(`, `<`, `>`)
/// and ends (`/`, the end, a space or one of those), put back as its host
/// path; and whether one was.
fn put_back(text: &str, mounts: &[(String, String)]) -> (String, bool) {
    const EDGES: &[char] = &[
        ' ', '\t', '\n', '\'', '"', '=', ';', '&', '|', '(', ')', '<', '>',
    ];
    let mut out = String::with_capacity(text.len());
    let mut hit = false;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let starts = i == 0 || text[..i].ends_with(EDGES);
        // The longest container path first: `/host/etc` over `/host`.
        let found = mounts
            .iter()
            .map(|(host, target)| (host.trim_end_matches('/'), target.trim_end_matches('/')))
            .filter(|(_, target)| !target.is_empty())
            .filter(|(_, target)| {
                rest.strip_prefix(target).is_some_and(|after| {
                    after.is_empty() || after.starts_with('/') || after.starts_with(EDGES)
                })
            })
            .max_by_key(|(_, target)| target.len());
        match found {
            Some((host, target)) if starts => {
                let after = &rest[target.len()..];
                // `-v /:/host`: `/host` is `/`, `/host/etc` is `/etc`.
                out.push_str(if host.is_empty() && !after.starts_with('/') {
                    "/"
                } else {
                    host
                });
                hit = true;
                i += target.len();
            }
            _ => {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    (out, hit)
}

/// One word for a shell to read back as written.
fn quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%~$".contains(c))
    {
        return text.to_string();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
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
