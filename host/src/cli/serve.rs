//! `hookwarden serve`: keep rules loaded for this user's hook calls.

use crate::resident::{self, server::Server};
use std::path::PathBuf;
use std::sync::Arc;
use tracing::{error, info};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The socket to listen on. Default: $HOOKWARDEN_SOCKET, else
    /// $XDG_RUNTIME_DIR/hookwarden/serve.sock, else
    /// /tmp/hookwarden-<uid>/serve.sock, which is where hook calls look.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> i32 {
    let Some(socket) = args.socket.or_else(resident::socket_path) else {
        error!(
            "{}=none turns the server off; pass --socket to serve anyway",
            resident::SOCKET_ENV
        );
        return 2;
    };
    let server = match Server::new() {
        Ok(s) => Arc::new(s),
        Err(e) => {
            error!("cannot start the wasm engine: {e:#}");
            return 1;
        }
    };
    let listener = match Server::bind(&socket) {
        Ok(l) => l,
        Err(e) => {
            error!("{e}");
            return 1;
        }
    };
    info!(socket = %socket.display(), "serving hook calls");
    match server.serve(listener) {
        Ok(()) => 0,
        Err(e) => {
            error!("stopped serving on {}: {e}", socket.display());
            1
        }
    }
}
