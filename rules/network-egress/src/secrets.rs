//! Which local files (and environment variables) are secrets: never to be
//! uploaded anywhere, allowed hosts included.

/// File names that hold credentials wherever they are.
const SECRET_NAMES: &[&str] = &[
    ".env",
    ".envrc",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".my.cnf",
    ".git-credentials",
    ".htpasswd",
    ".dockercfg",
    "credentials",
    "credentials.json",
    "credentials.yml",
    "credentials.yaml",
    "credentials.toml",
    "secrets.json",
    "secrets.yml",
    "secrets.yaml",
    "secrets.toml",
    "kubeconfig",
    "terraform.tfstate",
    "terraform.tfstate.backup",
    "shadow",
    "gshadow",
    "master.key",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ecdsa_sk",
    "id_ed25519_sk",
    "authorized_keys",
];

/// Extensions of key and keystore files.
const SECRET_EXTENSIONS: &[&str] = &[
    "pem", "key", "p12", "pfx", "jks", "keystore", "kdbx", "ppk", "asc", "gpg", "tfvars", "ovpn",
];

/// Directories whose every file is a secret (public keys and known hosts aside).
const SECRET_DIRS: &[&str] = &[
    ".ssh",
    ".gnupg",
    ".aws",
    ".kube",
    ".docker",
    ".password-store",
];

/// Templates that look like secrets but are meant to be shared.
const TEMPLATE_SUFFIXES: &[&str] = &[".example", ".sample", ".template", ".dist", ".tmpl"];

/// `path` (as written on the command line) names a secret, by the built-in
/// list or the admin's extra globs (matched against the whole path and its
/// file name).
pub fn is_secret(path: &str, extra: &[glob::Pattern]) -> bool {
    let path = path.trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    if extra.iter().any(|p| p.matches(path) || p.matches(name)) {
        return true;
    }
    if name.is_empty() || TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return false;
    }
    if name.ends_with(".pub") || name == "known_hosts" || name == "config.pub" {
        return false;
    }
    if SECRET_NAMES.contains(&name) {
        return true;
    }
    // `.env.local`, `.env.production`, `prod.env`, `id_rsa_work`.
    if name.starts_with(".env.") || name.ends_with(".env") || name.starts_with("id_rsa") {
        return true;
    }
    if let Some((_, ext)) = name.rsplit_once('.')
        && SECRET_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    {
        return true;
    }
    if name.starts_with("service-account") && name.ends_with(".json") {
        return true;
    }
    let components: Vec<&str> = path.split('/').collect();
    components[..components.len().saturating_sub(1)]
        .iter()
        .any(|c| SECRET_DIRS.contains(c))
        || SECRET_DIRS.contains(&name)
}

/// An environment variable whose name says it holds a credential.
/// `AUTH` too (`GH_AUTH`, `NPM_AUTH`): a variable sent somewhere is read
/// more broadly than a line of a dump.
pub fn is_secret_variable(name: &str) -> bool {
    hookwarden_sdk::secrets::is_secret_name(name) || name.to_ascii_uppercase().contains("AUTH")
}

/// Names of the variables expanded in `text` (`$X`, `${X}`, `${X:-y}`).
pub fn variables_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        rest = &rest[pos + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let end = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if end > 0 {
            out.push(&body[..end]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets() {
        for p in [
            ".env",
            "./.env",
            "app/.env.production",
            "prod.env",
            "~/.ssh/id_rsa",
            "id_ed25519",
            "/home/u/.aws/credentials",
            "server.key",
            "cert.PEM",
            "~/.kube/config",
            "~/.docker/config.json",
            ".git-credentials",
            "/etc/shadow",
            "~/.ssh",
        ] {
            assert!(is_secret(p, &[]), "{p}");
        }
        for p in [
            ".env.example",
            "README.md",
            "~/.ssh/id_rsa.pub",
            "~/.ssh/known_hosts",
            "src/env.rs",
            "dist/app.tar.gz",
            "keys.txt",
            "environment.yml",
        ] {
            assert!(!is_secret(p, &[]), "{p}");
        }
        let extra = [glob::Pattern::new("*.sqlite").unwrap()];
        assert!(is_secret("data/app.sqlite", &extra));
    }

    #[test]
    fn variables() {
        assert_eq!(
            variables_in("Bearer ${GITHUB_TOKEN} $X-${Y:-z}"),
            ["GITHUB_TOKEN", "X", "Y"]
        );
        assert!(is_secret_variable("AWS_SECRET_ACCESS_KEY"));
        assert!(is_secret_variable("GITHUB_TOKEN"));
        assert!(!is_secret_variable("HOME"));
    }
}
