//! Destruction over HTTP: `DELETE` requests (`curl -X DELETE`,
//! `wget --method=DELETE`, `http DELETE …`), and the bulk-delete endpoints
//! of search engines (`_delete_by_query`, a `DELETE` of `_all` or `*`).

use hookwarden_sdk::cli_args::Args;
use hookwarden_sdk::shell::SimpleCommand;

use super::{Family, Finding, Severity};

/// curl's options that take a value (enough to find its URLs and method).
const CURL_WITH_VALUE: &[&str] = &[
    "-X",
    "--request",
    "-H",
    "--header",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--json",
    "-o",
    "--output",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-F",
    "--form",
    "-T",
    "--upload-file",
    "-w",
    "--write-out",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--retry",
    "-x",
    "--proxy",
    "--cacert",
    "--cert",
    "--key",
    "-K",
    "--config",
    "--resolve",
    "--url",
];

pub fn check(cmd: &SimpleCommand, found: &mut Vec<Finding>) {
    let (method, urls): (String, Vec<String>) = match cmd.program.as_str() {
        "curl" => {
            let args = Args::parse(&cmd.args, CURL_WITH_VALUE);
            let method = args
                .values(&["-X", "--request"])
                .last()
                .map(|v| v.text.to_ascii_uppercase())
                .unwrap_or_default();
            let mut urls: Vec<String> = args.operand_texts().map(str::to_string).collect();
            urls.extend(args.values(&["--url"]).map(|v| v.text.to_string()));
            (method, urls)
        }
        "wget" => {
            let args = Args::parse(&cmd.args, &["-O", "--output-document", "--header", "-e"]);
            let method = args
                .value("--method")
                .map(|v| v.text.to_ascii_uppercase())
                .unwrap_or_default();
            (method, args.operand_texts().map(str::to_string).collect())
        }
        // `gh api -X DELETE /repos/o/r`, `glab api --method DELETE …`.
        "gh" | "glab" if cmd.args.first().is_some_and(|w| w.text == "api") => {
            let args = Args::parse(
                &cmd.args[1..],
                &[
                    "-X",
                    "--method",
                    "-H",
                    "--header",
                    "-f",
                    "-F",
                    "--field",
                    "--raw-field",
                    "-q",
                    "--jq",
                    "-t",
                    "--template",
                    "--hostname",
                    "--input",
                ],
            );
            let method = args
                .values(&["-X", "--method"])
                .last()
                .map(|v| v.text.to_ascii_uppercase())
                .unwrap_or_default();
            (method, args.operand_texts().map(str::to_string).collect())
        }
        // HTTPie and xh: `http [METHOD] URL [items]`.
        "http" | "https" | "xh" | "xhs" | "curlie" => {
            let operands: Vec<&str> = cmd
                .args
                .iter()
                .map(|w| w.text.as_str())
                .filter(|t| !t.starts_with('-'))
                .collect();
            match operands.first() {
                Some(m) if m.chars().all(|c| c.is_ascii_alphabetic()) && operands.len() > 1 => {
                    (m.to_ascii_uppercase(), vec![operands[1].to_string()])
                }
                Some(url) => (String::new(), vec![url.to_string()]),
                None => return,
            }
        }
        _ => return,
    };
    let bulk = urls.iter().any(|u| u.contains("_delete_by_query"));
    if bulk {
        found.push(Finding {
            family: Family::Http,
            severity: Severity::Deny,
            what: "deletes every document matching a query (_delete_by_query)".into(),
        });
        return;
    }
    if method != "DELETE" {
        return;
    }
    let everything = urls.iter().any(|u| {
        let path = u.split(['?', '#']).next().unwrap_or(u);
        let path = path.split_once("://").map_or(path, |(_, rest)| rest);
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        segments
            .iter()
            .any(|s| *s == "_all" || *s == "*" || s.contains('*'))
            || segments.iter().all(|s| s.is_empty())
    });
    found.push(if everything {
        Finding {
            family: Family::Http,
            severity: Severity::Deny,
            what:
                "deletes every index or resource of the service (HTTP DELETE of `_all`, `*` or `/`)"
                    .into(),
        }
    } else {
        Finding {
            family: Family::Http,
            severity: Severity::Ask,
            what: "deletes a resource over HTTP (DELETE)".into(),
        }
    });
}
