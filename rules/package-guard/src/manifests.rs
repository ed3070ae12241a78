//! The packages a project already declares, read from the manifests and
//! lockfiles the admin granted (`event.facts`, `fact::file`).
//!
//! JSON files (`package.json`, `package-lock.json`, `composer.json/lock`,
//! `Pipfile.lock`) are read with serde_json and TOML files (`Cargo.toml`,
//! `Cargo.lock`, `pyproject.toml`, `poetry.lock`, `uv.lock`, `Pipfile`)
//! with the `toml` crate. Line formats are read line by line:
//! `requirements*.txt`, `go.mod`, `go.sum`, `yarn.lock`, `pnpm-lock.yaml`,
//! `Gemfile`, `Gemfile.lock` — names only, which is all the rule needs.

use std::collections::{BTreeMap, BTreeSet};

use hookwarden_sdk::{Event, Fact};
use serde_json::Value as Json;
use toml::Value as Toml;

/// A package ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ecosystem {
    Npm,
    Python,
    Cargo,
    Go,
    Ruby,
    Php,
}

impl Ecosystem {
    /// The manifests an admin would grant for it, for reasons.
    pub fn manifest_names(self) -> &'static str {
        match self {
            Ecosystem::Npm => "package.json / package-lock.json",
            Ecosystem::Python => "requirements.txt / pyproject.toml",
            Ecosystem::Cargo => "Cargo.toml / Cargo.lock",
            Ecosystem::Go => "go.mod",
            Ecosystem::Ruby => "Gemfile / Gemfile.lock",
            Ecosystem::Php => "composer.json / composer.lock",
        }
    }

    /// A package name as the ecosystem compares them.
    pub fn normalize(self, name: &str) -> String {
        match self {
            // PEP 503.
            Ecosystem::Python => {
                let mut out = String::new();
                for c in name.to_ascii_lowercase().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !out.ends_with('-') {
                            out.push('-');
                        }
                    } else {
                        out.push(c);
                    }
                }
                out
            }
            Ecosystem::Cargo => name.replace('_', "-"),
            Ecosystem::Php => name.to_ascii_lowercase(),
            _ => name.to_string(),
        }
    }
}

/// What the granted files declare, per ecosystem.
#[derive(Debug, Default)]
pub struct Declared {
    names: BTreeMap<Ecosystem, BTreeSet<String>>,
    /// The granted files per ecosystem, for reasons.
    files: BTreeMap<Ecosystem, Vec<String>>,
    truncated: BTreeSet<Ecosystem>,
    /// npm executables (`tsc`) and the packages providing them.
    npm_bins: BTreeSet<String>,
    /// Files that did not parse: `(path, error)`.
    pub unreadable: Vec<(String, String)>,
}

impl Declared {
    pub fn from_event(event: &Event) -> Declared {
        let mut d = Declared::default();
        for fact in &event.facts {
            if let Fact::File(f) = fact {
                d.add(&f.path, &f.content, f.truncated);
            }
        }
        d
    }

    /// Read one granted file; unknown file names are ignored.
    pub fn add(&mut self, path: &str, content: &str, truncated: bool) {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (eco, result) = match name {
            "package.json" => (Ecosystem::Npm, self.package_json(content)),
            "package-lock.json" | "npm-shrinkwrap.json" => {
                (Ecosystem::Npm, self.package_lock(content))
            }
            "yarn.lock" => (Ecosystem::Npm, self.yarn_lock(content)),
            "pnpm-lock.yaml" => (Ecosystem::Npm, self.pnpm_lock(content)),
            "Cargo.toml" => (Ecosystem::Cargo, self.cargo_toml(content)),
            "Cargo.lock" | "poetry.lock" | "uv.lock" | "pdm.lock" => {
                let eco = if name == "Cargo.lock" {
                    Ecosystem::Cargo
                } else {
                    Ecosystem::Python
                };
                (eco, self.toml_packages(eco, content))
            }
            "pyproject.toml" => (Ecosystem::Python, self.pyproject(content)),
            "Pipfile" => (Ecosystem::Python, self.pipfile(content)),
            "Pipfile.lock" => (Ecosystem::Python, self.pipfile_lock(content)),
            "go.mod" | "go.sum" => (Ecosystem::Go, self.go(content)),
            "Gemfile" | "gems.rb" => (Ecosystem::Ruby, self.gemfile(content)),
            "Gemfile.lock" | "gems.locked" => (Ecosystem::Ruby, self.gemfile_lock(content)),
            "composer.json" | "composer.lock" => (Ecosystem::Php, self.composer(content)),
            n if is_requirements(n) => (Ecosystem::Python, self.requirements(content)),
            _ => return,
        };
        self.files.entry(eco).or_default().push(name.to_string());
        if truncated {
            self.truncated.insert(eco);
        }
        if let Err(e) = result
            && !truncated
        {
            self.unreadable.push((path.to_string(), e));
        }
    }

    /// Some manifest of `eco` was granted.
    pub fn has(&self, eco: Ecosystem) -> bool {
        self.files.contains_key(&eco)
    }

    pub fn files(&self, eco: Ecosystem) -> String {
        self.files
            .get(&eco)
            .map(|f| f.join(", "))
            .unwrap_or_default()
    }

    pub fn truncated(&self, eco: Ecosystem) -> bool {
        self.truncated.contains(&eco)
    }

    /// `name` is declared (for Go: a module of which `name` is a package).
    pub fn declares(&self, eco: Ecosystem, name: &str) -> bool {
        let Some(set) = self.names.get(&eco) else {
            return false;
        };
        let n = eco.normalize(name);
        if set.contains(&n) {
            return true;
        }
        if eco == Ecosystem::Go {
            return set
                .iter()
                .any(|m| n.starts_with(m.as_str()) && n[m.len()..].starts_with('/'));
        }
        false
    }

    /// An npm executable some declared package provides (`npx tsc`).
    pub fn npm_bin(&self, name: &str) -> bool {
        self.npm_bins.contains(name)
    }

    fn insert(&mut self, eco: Ecosystem, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.names
                .entry(eco)
                .or_default()
                .insert(eco.normalize(name));
        }
    }

    fn package_json(&mut self, content: &str) -> Result<(), String> {
        let v: Json = serde_json::from_str(content).map_err(|e| e.to_string())?;
        for key in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            if let Some(map) = v.get(key).and_then(Json::as_object) {
                for name in map.keys() {
                    self.insert(Ecosystem::Npm, name);
                }
            }
        }
        Ok(())
    }

    fn package_lock(&mut self, content: &str) -> Result<(), String> {
        let v: Json = serde_json::from_str(content).map_err(|e| e.to_string())?;
        if let Some(packages) = v.get("packages").and_then(Json::as_object) {
            for (key, pkg) in packages {
                if let Some(pos) = key.rfind("node_modules/") {
                    self.insert(Ecosystem::Npm, &key[pos + "node_modules/".len()..]);
                }
                if let Some(bins) = pkg.get("bin").and_then(Json::as_object) {
                    self.npm_bins.extend(bins.keys().cloned());
                }
            }
        }
        // Lockfile v1: nested `dependencies`.
        fn walk(d: &mut Declared, deps: &Json, depth: usize) {
            if let Some(map) = deps.as_object().filter(|_| depth < 32) {
                for (name, dep) in map {
                    d.insert(Ecosystem::Npm, name);
                    if let Some(inner) = dep.get("dependencies") {
                        walk(d, inner, depth + 1);
                    }
                }
            }
        }
        if let Some(deps) = v.get("dependencies") {
            walk(self, deps, 0);
        }
        Ok(())
    }

    /// `"@scope/a@^1", a@~2:` headers.
    fn yarn_lock(&mut self, content: &str) -> Result<(), String> {
        for line in content.lines() {
            if line.starts_with([' ', '#']) || !line.trim_end().ends_with(':') {
                continue;
            }
            for spec in line.trim_end().trim_end_matches(':').split(", ") {
                let spec = spec.trim_matches('"');
                if let Some(name) = npm_name_of_locked(spec) {
                    self.insert(Ecosystem::Npm, name);
                }
            }
        }
        Ok(())
    }

    /// `  /a@1.0.0:`, `  '@scope/a@1.0.0':`, `  a@1.0.0(peer@2):` keys.
    fn pnpm_lock(&mut self, content: &str) -> Result<(), String> {
        for line in content.lines() {
            let t = line.trim();
            if !t.ends_with(':') || t.starts_with('#') {
                continue;
            }
            let key = t.trim_end_matches(':').trim_matches(['\'', '"']);
            let key = key.trim_start_matches('/');
            let key = key.split('(').next().unwrap_or(key);
            if let Some(name) = npm_name_of_locked(key) {
                self.insert(Ecosystem::Npm, name);
            } else if line.starts_with("      ") && !key.contains(' ') {
                // importers: `      name:` followed by specifier/version.
                self.insert(Ecosystem::Npm, key);
            }
        }
        Ok(())
    }

    fn cargo_toml(&mut self, content: &str) -> Result<(), String> {
        let v: Toml = toml::from_str(content).map_err(|e| e.to_string())?;
        let mut tables: Vec<&Toml> = vec![&v];
        if let Some(ws) = v.get("workspace") {
            tables.push(ws);
        }
        if let Some(targets) = v.get("target").and_then(Toml::as_table) {
            tables.extend(targets.values());
        }
        for t in tables {
            for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                if let Some(deps) = t.get(key).and_then(Toml::as_table) {
                    for (name, spec) in deps {
                        self.insert(Ecosystem::Cargo, name);
                        if let Some(real) = spec.get("package").and_then(Toml::as_str) {
                            self.insert(Ecosystem::Cargo, real);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `[[package]] name = …` (Cargo.lock, poetry.lock, uv.lock, pdm.lock).
    fn toml_packages(&mut self, eco: Ecosystem, content: &str) -> Result<(), String> {
        let v: Toml = toml::from_str(content).map_err(|e| e.to_string())?;
        if let Some(list) = v.get("package").and_then(Toml::as_array) {
            for p in list {
                if let Some(name) = p.get("name").and_then(Toml::as_str) {
                    self.insert(eco, name);
                }
            }
        }
        Ok(())
    }

    fn pyproject(&mut self, content: &str) -> Result<(), String> {
        let v: Toml = toml::from_str(content).map_err(|e| e.to_string())?;
        let mut pep508 = |list: Option<&Toml>| {
            for s in list.and_then(Toml::as_array).into_iter().flatten() {
                if let Some(name) = s.as_str().and_then(python_name) {
                    self.insert(Ecosystem::Python, name);
                }
            }
        };
        let project = v.get("project");
        pep508(project.and_then(|p| p.get("dependencies")));
        for table in [
            project.and_then(|p| p.get("optional-dependencies")),
            v.get("dependency-groups"),
        ] {
            for list in table.and_then(Toml::as_table).into_iter().flatten() {
                pep508(Some(list.1));
            }
        }
        let tool = v.get("tool");
        pep508(
            tool.and_then(|t| t.get("uv"))
                .and_then(|u| u.get("dev-dependencies")),
        );
        if let Some(poetry) = tool.and_then(|t| t.get("poetry")) {
            let mut tables = vec![poetry.get("dependencies"), poetry.get("dev-dependencies")];
            if let Some(groups) = poetry.get("group").and_then(Toml::as_table) {
                tables.extend(groups.values().map(|g| g.get("dependencies")));
            }
            for t in tables.into_iter().flatten().filter_map(Toml::as_table) {
                for name in t.keys() {
                    self.insert(Ecosystem::Python, name);
                }
            }
        }
        Ok(())
    }

    fn pipfile(&mut self, content: &str) -> Result<(), String> {
        let v: Toml = toml::from_str(content).map_err(|e| e.to_string())?;
        for key in ["packages", "dev-packages"] {
            for name in v.get(key).and_then(Toml::as_table).into_iter().flatten() {
                self.insert(Ecosystem::Python, name.0);
            }
        }
        Ok(())
    }

    fn pipfile_lock(&mut self, content: &str) -> Result<(), String> {
        let v: Json = serde_json::from_str(content).map_err(|e| e.to_string())?;
        for key in ["default", "develop"] {
            for name in v.get(key).and_then(Json::as_object).into_iter().flatten() {
                self.insert(Ecosystem::Python, name.0);
            }
        }
        Ok(())
    }

    fn requirements(&mut self, content: &str) -> Result<(), String> {
        for line in content.lines() {
            let line = line.split(" #").next().unwrap_or(line).trim();
            if line.is_empty() || line.starts_with(['#', '-']) {
                continue;
            }
            if let Some(name) = python_name(line) {
                self.insert(Ecosystem::Python, name);
            }
        }
        Ok(())
    }

    fn go(&mut self, content: &str) -> Result<(), String> {
        let mut in_block = false;
        for line in content.lines() {
            let t = line.split("//").next().unwrap_or(line).trim();
            let entry = if in_block {
                if t == ")" {
                    in_block = false;
                    continue;
                }
                t
            } else if let Some(rest) = t.strip_prefix("require") {
                let rest = rest.trim();
                if rest == "(" {
                    in_block = true;
                    continue;
                }
                rest
            } else if t.contains(" v") && !t.starts_with(['m', 'g', 't', 'r', 'e']) {
                // go.sum: `module version hash`.
                t
            } else {
                continue;
            };
            if let Some(module) = entry.split_whitespace().next() {
                self.insert(Ecosystem::Go, module);
            }
        }
        Ok(())
    }

    fn gemfile(&mut self, content: &str) -> Result<(), String> {
        for line in content.lines() {
            let t = line.trim();
            if let Some(rest) = t.strip_prefix("gem ") {
                let name = rest.trim().split([',', ' ']).next().unwrap_or("");
                self.insert(Ecosystem::Ruby, name.trim_matches(['"', '\'']));
            }
        }
        Ok(())
    }

    fn gemfile_lock(&mut self, content: &str) -> Result<(), String> {
        for line in content.lines() {
            // `    name (1.2.3)` under `specs:`, `  name` under DEPENDENCIES.
            let indent = line.len() - line.trim_start().len();
            if (indent == 4 || indent == 2) && !line.trim().ends_with(':') {
                let name = line.trim().split([' ', '!']).next().unwrap_or("");
                self.insert(Ecosystem::Ruby, name);
            }
        }
        Ok(())
    }

    fn composer(&mut self, content: &str) -> Result<(), String> {
        let v: Json = serde_json::from_str(content).map_err(|e| e.to_string())?;
        for key in ["require", "require-dev"] {
            for name in v.get(key).and_then(Json::as_object).into_iter().flatten() {
                self.insert(Ecosystem::Php, name.0);
            }
        }
        for key in ["packages", "packages-dev"] {
            for p in v.get(key).and_then(Json::as_array).into_iter().flatten() {
                if let Some(name) = p.get("name").and_then(Json::as_str) {
                    self.insert(Ecosystem::Php, name);
                }
            }
        }
        Ok(())
    }
}

fn is_requirements(name: &str) -> bool {
    (name.starts_with("requirements") || name.ends_with("requirements.txt"))
        && (name.ends_with(".txt") || name.ends_with(".in"))
        || name == "constraints.txt"
}

/// The name at the start of a PEP 508 requirement (`requests[x]>=2; …`).
pub fn python_name(spec: &str) -> Option<&str> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    (end > 0).then(|| &spec[..end])
}

/// `a@^1.0.0` / `@scope/a@npm:x` → `a` / `@scope/a`.
fn npm_name_of_locked(spec: &str) -> Option<&str> {
    let at = spec[1.min(spec.len())..].find('@')? + 1.min(spec.len());
    let name = &spec[..at];
    (!name.is_empty() && !name.contains(' ')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_format() {
        let mut d = Declared::default();
        d.add(
            "package.json",
            r#"{"dependencies":{"react":"^18"},"devDependencies":{"@types/node":"*"}}"#,
            false,
        );
        d.add(
            "/p/package-lock.json",
            r#"{"packages":{"":{},"node_modules/typescript":{"bin":{"tsc":"bin/tsc"}},"node_modules/a/node_modules/left-pad":{}}}"#,
            false,
        );
        d.add("yarn.lock", "\"@babel/core@^7.0.0\", \"@babel/core@^7.1\":\n  version \"7\"\nlodash@^4:\n  version \"4\"\n", false);
        d.add(
            "pnpm-lock.yaml",
            "packages:\n  /chalk@5.0.0:\n    resolution: {}\n  '@scope/x@1.0.0(y@1)':\n",
            false,
        );
        d.add(
            "Cargo.toml",
            "[dependencies]\nserde = \"1\"\nmy_log = { package = \"log\", version = \"0.4\" }\n[target.'cfg(unix)'.dev-dependencies]\nlibc = \"0.2\"\n[workspace.dependencies]\nanyhow = \"1\"\n",
            false,
        );
        d.add(
            "Cargo.lock",
            "version = 3\n[[package]]\nname = \"itoa\"\nversion = \"1\"\n",
            false,
        );
        d.add(
            "pyproject.toml",
            "[project]\ndependencies = [\"Requests[socks]>=2\", \"numpy\"]\n[project.optional-dependencies]\ndev = [\"pytest\"]\n[tool.poetry.group.docs.dependencies]\nmkdocs = \"*\"\n",
            false,
        );
        d.add(
            "requirements-dev.txt",
            "# tools\nblack==24.1 # fmt\n-r requirements.txt\nruff\n",
            false,
        );
        d.add("go.mod", "module x\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n)\nrequire golang.org/x/sync v0.6.0\n", false);
        d.add(
            "Gemfile",
            "source 'https://rubygems.org'\ngem 'rails', '~> 7'\n",
            false,
        );
        d.add(
            "composer.json",
            r#"{"require":{"monolog/monolog":"^3"}}"#,
            false,
        );
        for (eco, name) in [
            (Ecosystem::Npm, "react"),
            (Ecosystem::Npm, "@types/node"),
            (Ecosystem::Npm, "typescript"),
            (Ecosystem::Npm, "left-pad"),
            (Ecosystem::Npm, "@babel/core"),
            (Ecosystem::Npm, "lodash"),
            (Ecosystem::Npm, "chalk"),
            (Ecosystem::Npm, "@scope/x"),
            (Ecosystem::Cargo, "serde"),
            (Ecosystem::Cargo, "log"),
            (Ecosystem::Cargo, "libc"),
            (Ecosystem::Cargo, "anyhow"),
            (Ecosystem::Cargo, "itoa"),
            (Ecosystem::Python, "requests"),
            (Ecosystem::Python, "pytest"),
            (Ecosystem::Python, "mkdocs"),
            (Ecosystem::Python, "Black"),
            (Ecosystem::Python, "ruff"),
            (Ecosystem::Go, "github.com/spf13/cobra"),
            (Ecosystem::Go, "github.com/spf13/cobra/doc"),
            (Ecosystem::Go, "golang.org/x/sync"),
            (Ecosystem::Ruby, "rails"),
            (Ecosystem::Php, "monolog/monolog"),
        ] {
            assert!(d.declares(eco, name), "{eco:?} {name}");
        }
        assert!(d.npm_bin("tsc"));
        assert!(!d.declares(Ecosystem::Npm, "express"));
        assert!(!d.declares(Ecosystem::Go, "github.com/spf13/cobrax"));
        assert!(d.unreadable.is_empty(), "{:?}", d.unreadable);
        d.add("package.json", "{oops", false);
        assert_eq!(d.unreadable.len(), 1);
    }
}
