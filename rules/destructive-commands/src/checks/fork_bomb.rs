//! Fork bombs: a function that starts itself more than once in parallel,
//! called at least once (`:(){ :|:& };:`).

use hookwarden_sdk::shell::Analysis;

use super::{Hit, Severity};

pub fn check(analysis: &Analysis, hits: &mut Vec<Hit>) {
    for name in &analysis.functions {
        let own = |c: &&hookwarden_sdk::shell::SimpleCommand| {
            c.in_function.as_ref() == Some(name) && &c.program == name
        };
        let multiplies = analysis.commands.iter().filter(own).any(|c| {
            c.background
                || c.piped_into.as_ref() == Some(name)
                || c.piped_from.as_ref() == Some(name)
        });
        let called = analysis
            .commands
            .iter()
            .any(|c| &c.program == name && c.in_function.as_ref() != Some(name));
        if multiplies && called {
            let snippet = analysis
                .commands
                .iter()
                .find(own)
                .map(|c| c.snippet.clone())
                .unwrap_or_default();
            hits.push(Hit {
                severity: Severity::Deny,
                id: "destructive.fork-bomb",
                message: format!(
                    "is a fork bomb: `{name}` starts copies of itself until the machine stalls"
                ),
                command: snippet,
                via: Vec::new(),
            });
        }
    }
}
