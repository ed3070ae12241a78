//! A rule that wants the network. Using `std::net` makes the component import
//! `wasi:sockets`, which the host must refuse before running anything.

use hookwarden_sdk::{Config, Event, Metadata, Rule, Verdict, export_rule};

pub struct SocketUser;

impl Rule for SocketUser {
    fn metadata() -> Metadata {
        Metadata::new(
            "socket-user",
            env!("CARGO_PKG_VERSION"),
            "Phones home (hookwarden's own tests).",
        )
    }

    fn evaluate(_event: &Event, _config: &Config) -> Result<Verdict, String> {
        match std::net::TcpStream::connect("127.0.0.1:9") {
            Ok(_) => Ok(Verdict::allow()),
            Err(e) => Err(format!("connect failed: {e}")),
        }
    }
}

export_rule!(SocketUser);
