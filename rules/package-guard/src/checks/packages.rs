//! Registry packages the project does not already declare.

use hookwarden_sdk::shell::SimpleCommand;

use super::install::{Install, Source};
use super::{Hit, Severity};
use crate::manifests::Declared;
use crate::typosquat::near_popular;
use crate::{Answer, Policy};

pub fn check(
    cmd: &SimpleCommand,
    inst: &Install,
    declared: &Declared,
    policy: &Policy,
    hits: &mut Vec<Hit>,
) {
    let Some(eco) = inst.eco else { return };
    let names: Vec<&str> = inst
        .sources
        .iter()
        .filter_map(|s| match s {
            Source::Registry(n) => Some(n.as_str()),
            _ => None,
        })
        .filter(|n| {
            !policy
                .allowed_packages
                .iter()
                .any(|a| eco.normalize(a) == eco.normalize(n))
        })
        .collect();
    if names.is_empty() {
        return;
    }
    let verb = if inst.runs { "runs" } else { "installs" };
    if !declared.has(eco) {
        let Some(severity) = policy.no_manifest.severity() else {
            return;
        };
        let mut message = format!(
            "{verb} {}; the project manifest ({}) was not granted to this rule, so it cannot \
             tell whether that is already a dependency",
            names.join(", "),
            eco.manifest_names()
        );
        add_hints(eco, &names, &mut message);
        hits.push(Hit::new(
            cmd,
            severity,
            "package-guard.no-manifest",
            message,
        ));
        return;
    }
    let new: Vec<&str> = names
        .into_iter()
        .filter(|n| !declared.declares(eco, n) && (!inst.runs || !declared.npm_bin(n)))
        .collect();
    if new.is_empty() {
        return;
    }
    let Some(severity) = policy.new_packages.severity() else {
        return;
    };
    let mut message = format!(
        "{verb} {}, which {} do{} not declare; check the name and add it on purpose",
        new.join(", "),
        declared.files(eco),
        if declared.files(eco).contains(", ") {
            ""
        } else {
            "es"
        },
    );
    if declared.truncated(eco) {
        message.push_str(" (the granted manifest was cut short, so it may be listed further on)");
    }
    add_hints(eco, &new, &mut message);
    hits.push(Hit::new(
        cmd,
        severity,
        "package-guard.new-package",
        message,
    ));
    for n in &new {
        if let Some(p) = near_popular(eco, n) {
            hits.push(Hit::new(
                cmd,
                Severity::Ask.max(severity),
                "package-guard.typosquat",
                format!("`{n}` is one letter away from the popular `{p}`"),
            ));
        }
    }
}

fn add_hints(eco: crate::manifests::Ecosystem, names: &[&str], message: &mut String) {
    for n in names {
        if let Some(p) = near_popular(eco, n) {
            message.push_str(&format!(
                "; `{n}` is one letter away from the popular `{p}`: a typosquat?"
            ));
        }
    }
}

impl Answer {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Answer::Allow => None,
            Answer::Ask => Some(Severity::Ask),
            Answer::Deny => Some(Severity::Deny),
        }
    }
}
