//! Install commands, read into what they would fetch and from where.

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::{SimpleCommand, Word};

use crate::manifests::{Ecosystem, python_name};

/// Where one requested package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A registry name (`left-pad`, `requests`, `serde`, `github.com/x/y`).
    Registry(String),
    /// A URL of an archive or wheel.
    Url(String),
    /// A git repository.
    Git(String),
    /// A local path (`./pkg`, `../x.tgz`, `/tmp/y.whl`).
    Path(String),
}

/// What an install command asks for.
#[derive(Debug, Default)]
pub struct Install {
    pub eco: Option<Ecosystem>,
    pub sources: Vec<Source>,
    /// A registry or index other than the default (`--index-url`, `--registry`).
    pub custom_index: Vec<String>,
    /// An extra index searched beside the default: dependency confusion.
    pub extra_index: Vec<String>,
    /// TLS or integrity checks turned off.
    pub tls_off: Vec<String>,
    /// Runs the package rather than adding it (`npx`, `pipx run`): the name
    /// may be an executable of a declared package.
    pub runs: bool,
}

/// The install request of `cmd`, if it is one.
pub fn read(cmd: &SimpleCommand) -> Option<Install> {
    let p = cmd.program.as_str();
    let args = &cmd.args;
    let mut inst = match p {
        "npm" | "pnpm" | "yarn" | "bun" | "cnpm" => node(p, args)?,
        "npx" | "bunx" | "pnpx" => node_run(args)?,
        "pip" | "pip3" => pip(args)?,
        _ if is_python(p) => match texts(args).as_slice() {
            ["-m", "pip", ..] => pip(&args[2..])?,
            _ => return None,
        },
        _ if p.starts_with("pip3.") => pip(args)?,
        "uv" => uv(args)?,
        "uvx" => python_run(args)?,
        "poetry" | "pdm" | "rye" => match texts(args).first() {
            Some(&"add") => python_packages(&args[1..], POETRY_WITH_VALUE),
            _ => return None,
        },
        "pipx" => match texts(args).first() {
            Some(&"install") | Some(&"inject") => python_packages(&args[1..], PIPX_WITH_VALUE),
            Some(&"run") => python_run(&args[1..])?,
            _ => return None,
        },
        "cargo" => cargo(args)?,
        "go" => go(args)?,
        "gem" => gem(args)?,
        "bundle" => match texts(args).first() {
            Some(&"add") => {
                let a = Args::parse(
                    &args[1..],
                    &[
                        "-v",
                        "--version",
                        "-g",
                        "--group",
                        "-s",
                        "--source",
                        "--git",
                        "--branch",
                        "--path",
                        "--require",
                    ],
                );
                let mut i = Install::default();
                i.sources
                    .extend(a.operands.iter().map(|w| Source::Registry(w.text.clone())));
                i.custom_index
                    .extend(a.value("--source").map(|v| v.text.to_string()));
                if let Some(g) = a.value("--git") {
                    i.sources = vec![Source::Git(g.text.to_string())];
                }
                i.eco = Some(Ecosystem::Ruby);
                i
            }
            _ => return None,
        },
        "composer" => match texts(args).first() {
            Some(&"require") | Some(&"req") => {
                let a = Args::parse(&args[1..], &["--working-dir", "-d"]);
                Install {
                    eco: Some(Ecosystem::Php),
                    sources: a
                        .operands
                        .iter()
                        .filter(|w| w.text.contains('/'))
                        .map(|w| {
                            let name = w.text.split([':', '=', ' ']).next().unwrap_or(&w.text);
                            Source::Registry(name.to_ascii_lowercase())
                        })
                        .collect(),
                    ..Install::default()
                }
            }
            _ => return None,
        },
        _ => return None,
    };
    env_checks(cmd, &mut inst);
    Some(inst)
}

fn is_python(p: &str) -> bool {
    p == "python"
        || p == "python3"
        || (p.starts_with("python3.") && p[8..].chars().all(|c| c.is_ascii_digit()))
}

fn texts(args: &[Word]) -> Vec<&str> {
    args.iter().map(|w| w.text.as_str()).collect()
}

/// Environment prefixes that change the index or turn checks off.
fn env_checks(cmd: &SimpleCommand, inst: &mut Install) {
    for (k, v) in &cmd.env {
        let k_up = k.to_ascii_uppercase();
        match k_up.as_str() {
            "PIP_INDEX_URL"
            | "UV_INDEX_URL"
            | "UV_DEFAULT_INDEX"
            | "NPM_CONFIG_REGISTRY"
            | "YARN_REGISTRY"
            | "CARGO_REGISTRIES_CRATES_IO_INDEX" => inst.custom_index.push(format!("{k}={v}")),
            "PIP_EXTRA_INDEX_URL" | "UV_EXTRA_INDEX_URL" | "UV_INDEX" => {
                inst.extra_index.push(format!("{k}={v}"))
            }
            "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST" | "GOINSECURE" | "GONOSUMCHECK" => {
                inst.tls_off.push(format!("{k}={v}"))
            }
            "NODE_TLS_REJECT_UNAUTHORIZED" | "NPM_CONFIG_STRICT_SSL"
                if v == "0" || v == "false" =>
            {
                inst.tls_off.push(format!("{k}={v}"))
            }
            "GOSUMDB" if v == "off" => inst.tls_off.push(format!("{k}={v}")),
            "GOFLAGS" if v.contains("-insecure") => inst.tls_off.push(format!("{k}={v}")),
            "GOPROXY"
                if !v
                    .split([',', '|'])
                    .all(|p| p == "https://proxy.golang.org" || p == "direct" || p == "off") =>
            {
                inst.custom_index.push(format!("{k}={v}"))
            }
            _ => {}
        }
    }
}

const NODE_WITH_VALUE: &[&str] = &[
    "--registry",
    "--prefix",
    "-w",
    "--workspace",
    "--tag",
    "--cache",
    "--omit",
    "--include",
    "--save-prefix",
    "--userconfig",
    "--loglevel",
    "-C",
    "--dir",
    "--filter",
    "-F",
    "--cwd",
    "--network-concurrency",
    "--cafile",
    "--ca",
    "--cert",
    "--key",
    "--scope",
    "--otp",
];

/// npm, pnpm, yarn, bun.
fn node(p: &str, args: &[Word]) -> Option<Install> {
    let a = Args::parse(args, NODE_WITH_VALUE);
    let ops: Vec<&str> = a.operand_texts().collect();
    let mut inst = Install {
        eco: Some(Ecosystem::Npm),
        ..Install::default()
    };
    let (sub, rest): (&str, &[&str]) = match ops.split_first() {
        Some((s, r)) => (s, r),
        None => ("", &[]),
    };
    let packages: &[&str] = match (p, sub) {
        (_, "config" | "c") => {
            // `npm config set strict-ssl false`, `npm config set registry URL`.
            if let ["set", key, value, ..] = rest {
                node_setting(key, value, &mut inst);
            } else if let ["set", kv, ..] = rest
                && let Some((key, value)) = kv.split_once('=')
            {
                node_setting(key, value, &mut inst);
            }
            return (!inst.tls_off.is_empty() || !inst.custom_index.is_empty()).then_some(inst);
        }
        (
            "npm" | "cnpm",
            "install" | "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta"
            | "isntal" | "isntall" | "add",
        ) => rest,
        ("pnpm", "add" | "install" | "i") | ("bun", "add" | "a" | "install" | "i") => rest,
        ("yarn", "add") => rest,
        ("yarn", "global") if rest.first() == Some(&"add") => &rest[1..],
        ("npm", "exec" | "x") | ("pnpm" | "yarn", "dlx") | ("bun", "x") => {
            inst.runs = true;
            let pkg = a.value("--package").or(a.value("-p")).map(|v| v.text);
            inst.sources
                .extend(pkg.or(rest.first().copied()).map(node_source));
            rest_flags(&a, &mut inst);
            return Some(inst);
        }
        _ => {
            rest_flags(&a, &mut inst);
            return (!inst.tls_off.is_empty() || !inst.custom_index.is_empty()).then_some(inst);
        }
    };
    inst.sources.extend(packages.iter().map(|s| node_source(s)));
    rest_flags(&a, &mut inst);
    Some(inst)
}

fn rest_flags(a: &Args<'_>, inst: &mut Install) {
    if let Some(r) = a.value("--registry")
        && !is_default_npm_registry(r.text)
    {
        inst.custom_index.push(format!("--registry {}", r.text));
    }
    for o in &a.options {
        if o.name == "--strict-ssl" && o.value.is_some_and(|v| v.text == "false")
            || o.name == "--no-strict-ssl"
            || o.name == "--insecure"
        {
            inst.tls_off.push(o.name.clone());
        }
    }
}

fn node_setting(key: &str, value: &str, inst: &mut Install) {
    match key {
        "strict-ssl" | "strictSsl" | "strict_ssl" if value == "false" => {
            inst.tls_off.push(format!("strict-ssl {value}"))
        }
        "registry" | "npmRegistryServer" if !is_default_npm_registry(value) => {
            inst.custom_index.push(format!("registry {value}"))
        }
        "ca" | "cafile" if value == "null" || value.is_empty() => {}
        _ => {}
    }
}

fn is_default_npm_registry(url: &str) -> bool {
    let u = url.trim_end_matches('/');
    matches!(
        u,
        "https://registry.npmjs.org"
            | "https://registry.yarnpkg.com"
            | "https://registry.npmjs.com"
    )
}

/// `npx [-y] [-p pkg] name args…`.
fn node_run(args: &[Word]) -> Option<Install> {
    let mut inst = Install {
        eco: Some(Ecosystem::Npm),
        runs: true,
        ..Install::default()
    };
    let mut i = 0;
    let mut package = None;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t == "-p" || t == "--package" {
            package = args.get(i + 1).map(|w| w.text.as_str());
            i += 2;
        } else if let Some(v) = t.strip_prefix("--package=") {
            package = Some(v);
            i += 1;
        } else if t == "--registry" {
            if let Some(r) = args.get(i + 1)
                && !is_default_npm_registry(&r.text)
            {
                inst.custom_index.push(format!("--registry {}", r.text));
            }
            i += 2;
        } else if t.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    inst.sources.extend(
        package
            .or(args.get(i).map(|w| w.text.as_str()))
            .map(node_source),
    );
    Some(inst)
}

/// An npm package spec: `name@ver`, `@scope/name`, `git+…`, `user/repo`,
/// `https://…tgz`, `file:…`, `./dir`.
fn node_source(spec: &str) -> Source {
    let s = spec.trim();
    if s.starts_with("http://") || s.starts_with("https://") {
        return Source::Url(s.into());
    }
    if s.starts_with("git+") || s.starts_with("git:") || s.starts_with("git@") {
        return Source::Git(s.into());
    }
    for host in ["github:", "gitlab:", "bitbucket:", "gist:"] {
        if s.starts_with(host) {
            return Source::Git(s.into());
        }
    }
    if let Some(path) = s.strip_prefix("file:") {
        return Source::Path(path.into());
    }
    if s.starts_with(['.', '/', '~']) || s.ends_with(".tgz") || s.ends_with(".tar.gz") {
        return Source::Path(s.into());
    }
    // `user/repo` (not `@scope/name`) is GitHub shorthand.
    if !s.starts_with('@') && s.contains('/') {
        return Source::Git(s.into());
    }
    // Strip a version: `a@1`, `@s/a@^2`; `alias@npm:real@1` installs `real`.
    let (name, version) = match s[1.min(s.len())..].find('@') {
        Some(at) => (&s[..at + 1], &s[at + 2..]),
        None => (s, ""),
    };
    if let Some(real) = version.strip_prefix("npm:") {
        return node_source(real);
    }
    Source::Registry(name.to_string())
}

const PIP_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--trusted-host",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "-e",
    "--editable",
    "--python",
    "--platform",
    "--only-binary",
    "--no-binary",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--log",
    "--cache-dir",
    "--proxy",
    "--cert",
    "--client-cert",
    "--timeout",
    "--retries",
    "--python-version",
    "--implementation",
    "--abi",
    "-C",
    "--config-settings",
    "--report",
    "--group",
    "--index",
    "--default-index",
    "--allow-insecure-host",
    "-p",
    "--extra",
    "--exists-action",
    "--keyring-provider",
];

fn pip(args: &[Word]) -> Option<Install> {
    match texts(args).first() {
        Some(&"install") | Some(&"download") => Some(python_packages(&args[1..], PIP_WITH_VALUE)),
        Some(&"config") => {
            let t = texts(args);
            let mut inst = Install {
                eco: Some(Ecosystem::Python),
                ..Install::default()
            };
            if let [_, "set", key, value, ..] = t.as_slice() {
                let key = key.rsplit('.').next().unwrap_or(key);
                match key {
                    "trusted-host" => inst.tls_off.push(format!("trusted-host {value}")),
                    "index-url" if !is_default_pypi(value) => {
                        inst.custom_index.push(format!("index-url {value}"))
                    }
                    "extra-index-url" => inst.extra_index.push(format!("extra-index-url {value}")),
                    _ => return None,
                }
                return Some(inst);
            }
            None
        }
        _ => None,
    }
}

fn uv(args: &[Word]) -> Option<Install> {
    match texts(args).as_slice() {
        ["pip", "install", ..] => Some(python_packages(&args[2..], PIP_WITH_VALUE)),
        ["add", ..] => Some(python_packages(&args[1..], PIP_WITH_VALUE)),
        ["tool", "install", ..] => Some(python_packages(&args[2..], PIP_WITH_VALUE)),
        ["tool", "run", ..] => python_run(&args[2..]),
        ["run", "--with", ..] => Some(python_packages(&args[2..3], PIP_WITH_VALUE)),
        _ => None,
    }
}

/// `uvx name`, `pipx run name`: runs a package fetched for the occasion.
fn python_run(args: &[Word]) -> Option<Install> {
    let a = Args::parse(
        args,
        &[
            "--from",
            "--with",
            "--python",
            "-p",
            "--index-url",
            "--spec",
        ],
    );
    let mut inst = Install {
        eco: Some(Ecosystem::Python),
        runs: true,
        ..Install::default()
    };
    let name = a
        .value("--from")
        .or(a.value("--spec"))
        .map(|v| v.text)
        .or(a.operands.first().map(|w| w.text.as_str()))?;
    inst.sources.push(python_source(name));
    Some(inst)
}

const POETRY_WITH_VALUE: &[&str] = &[
    "-G",
    "--group",
    "-E",
    "--extras",
    "--source",
    "--python",
    "--platform",
    "-C",
    "--directory",
];
const PIPX_WITH_VALUE: &[&str] = &[
    "--python",
    "--index-url",
    "-i",
    "--pip-args",
    "--suffix",
    "--spec",
];

/// pip-style arguments: packages, `-r file`, `-e path`, index options.
fn python_packages(args: &[Word], with_value: &[&str]) -> Install {
    let a = Args::parse(args, with_value);
    let mut inst = Install {
        eco: Some(Ecosystem::Python),
        ..Install::default()
    };
    for v in a.values(&["-i", "--index-url", "--default-index"]) {
        if !is_default_pypi(v.text) {
            inst.custom_index.push(format!("--index-url {}", v.text));
        }
    }
    for v in a.values(&["--extra-index-url", "--index"]) {
        inst.extra_index
            .push(format!("--extra-index-url {}", v.text));
    }
    for v in a.values(&["--trusted-host", "--allow-insecure-host"]) {
        inst.tls_off.push(format!("--trusted-host {}", v.text));
    }
    for v in a.values(&["-f", "--find-links"]) {
        if v.text.contains("://") {
            inst.custom_index.push(format!("--find-links {}", v.text));
        }
    }
    if let Some(v) = a.value("--source") {
        inst.custom_index.push(format!("--source {}", v.text));
    }
    for v in a.values(&["-e", "--editable"]) {
        inst.sources.push(python_source(v.text));
    }
    for w in &a.operands {
        inst.sources.push(python_source(&w.text));
    }
    inst
}

fn is_default_pypi(url: &str) -> bool {
    let u = url.trim_end_matches('/');
    u == "https://pypi.org/simple" || u == "https://pypi.python.org/simple"
}

fn python_source(spec: &str) -> Source {
    let s = spec.trim();
    if let Some((_, url)) = s.split_once(" @ ").or_else(|| s.split_once("@ ")) {
        return python_source(url);
    }
    if s.starts_with("git+")
        || s.starts_with("hg+")
        || s.starts_with("svn+")
        || s.starts_with("bzr+")
    {
        return Source::Git(s.into());
    }
    if s.contains("://") {
        return Source::Url(s.into());
    }
    if s.starts_with(['.', '/', '~'])
        || s.ends_with(".whl")
        || s.ends_with(".tar.gz")
        || s.ends_with(".zip")
        || s.contains('/')
    {
        return Source::Path(s.into());
    }
    Source::Registry(python_name(s).unwrap_or(s).to_string())
}

const CARGO_WITH_VALUE: &[&str] = &[
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--path",
    "--registry",
    "--index",
    "-F",
    "--features",
    "--rename",
    "-p",
    "--package",
    "--target",
    "--manifest-path",
    "--vers",
    "--version",
    "--root",
    "-j",
    "--jobs",
    "--profile",
    "--target-dir",
    "--config",
    "-Z",
    "--color",
    "--bin",
    "--example",
];

fn cargo(args: &[Word]) -> Option<Install> {
    let t = texts(args);
    let sub = t
        .iter()
        .position(|a| !a.starts_with('-') && !a.starts_with('+'))?;
    if !matches!(t[sub], "add" | "install" | "binstall") {
        return None;
    }
    let a = Args::parse(&args[sub + 1..], CARGO_WITH_VALUE);
    let mut inst = Install {
        eco: Some(Ecosystem::Cargo),
        ..Install::default()
    };
    for v in a.values(&["--registry", "--index"]) {
        inst.custom_index.push(format!("--registry {}", v.text));
    }
    for o in &a.options {
        if o.name == "--config"
            && o.value
                .is_some_and(|v| v.text.contains("check-revoke=false"))
        {
            inst.tls_off.push("--config http.check-revoke=false".into());
        }
    }
    if let Some(g) = a.value("--git") {
        inst.sources.push(Source::Git(g.text.to_string()));
        return Some(inst);
    }
    if let Some(p) = a.value("--path") {
        inst.sources.push(Source::Path(p.text.to_string()));
        return Some(inst);
    }
    for w in &a.operands {
        let name = w.text.split('@').next().unwrap_or(&w.text);
        inst.sources.push(Source::Registry(name.to_string()));
    }
    Some(inst)
}

fn go(args: &[Word]) -> Option<Install> {
    let t = texts(args);
    if !matches!(t.first(), Some(&"get") | Some(&"install")) {
        return None;
    }
    let a = Args::parse(
        &args[1..],
        &[
            "-C", "-modfile", "-o", "-tags", "-ldflags", "-gcflags", "-p",
        ],
    );
    let mut inst = Install {
        eco: Some(Ecosystem::Go),
        ..Install::default()
    };
    if args.iter().any(|w| w.text == "-insecure") {
        inst.tls_off.push("-insecure".into());
    }
    for w in &a.operands {
        let path = w.text.split('@').next().unwrap_or(&w.text);
        if path.starts_with(['.', '/']) || !path.contains('.') {
            // `./...`, `./cmd/x`, standard library or module-local names.
            continue;
        }
        if path.contains("://") {
            inst.sources.push(Source::Url(path.into()));
        } else {
            inst.sources.push(Source::Registry(path.into()));
        }
    }
    Some(inst)
}

fn gem(args: &[Word]) -> Option<Install> {
    if texts(args).first() != Some(&"install") {
        return None;
    }
    let a = Args::parse(
        &args[1..],
        &[
            "-v",
            "--version",
            "-s",
            "--source",
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "-P",
            "--trust-policy",
            "--platform",
            "-g",
            "--file",
        ],
    );
    let mut inst = Install {
        eco: Some(Ecosystem::Ruby),
        ..Install::default()
    };
    for v in a.values(&["-s", "--source"]) {
        if v.text.trim_end_matches('/') != "https://rubygems.org" {
            inst.custom_index.push(format!("--source {}", v.text));
        }
    }
    for v in a.values(&["-P", "--trust-policy"]) {
        if v.text.eq_ignore_ascii_case("NoSecurity") {
            inst.tls_off.push(format!("--trust-policy {}", v.text));
        }
    }
    for w in &a.operands {
        inst.sources.push(if w.text.ends_with(".gem") {
            Source::Path(w.text.clone())
        } else {
            Source::Registry(w.text.clone())
        });
    }
    Some(inst)
}
