//! Remote code straight into an interpreter: `curl … | sh`,
//! `wget -O- … | sudo bash`, `bash <(curl …)`, `sh -c "$(curl …)"`.
//! The detection is shared with other rules: [`hookwarden_sdk::downloads`].

use hookwarden_sdk::downloads::remote_scripts;
use hookwarden_sdk::shell::Analysis;

use super::{Hit, Severity};

const ID: &str = "destructive.remote-script";

pub fn check(analysis: &Analysis, hits: &mut Vec<Hit>) {
    for found in remote_scripts(analysis) {
        hits.push(Hit::new(
            &analysis.commands[found.download],
            Severity::Deny,
            ID,
            format!(
                "runs a script fetched from the network in {}, unseen; download it, read it, then run it",
                found.interpreter
            ),
        ));
    }
}
