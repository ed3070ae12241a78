//! Linking WASI into the rules' linker, one interface at a time, only for
//! what loaded components import. Linking all of WASI p2 up front costs more
//! per hook call than instantiating and running a rule; a rule built for
//! wasm32-wasip2 imports a handful of `wasi:cli`, `wasi:io` and `wasi:clocks`
//! interfaces. Sockets and HTTP are never linked: such components are
//! refused before this point (see [`crate::capabilities`]).

use crate::sandbox::SandboxState;
use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{self as async_bindings, sync};
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

/// `wasi:io` host state: the resource table.
struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

type L = Linker<SandboxState>;
type S = SandboxState;

/// Add the WASI interface `name` (`wasi:cli/stdout`, no version) to
/// `linker`. `Ok(false)` when hookwarden does not provide it.
pub(crate) fn link_interface(l: &mut L, name: &str) -> wasmtime::Result<bool> {
    fn table(t: &mut S) -> &mut ResourceTable {
        t.ctx().table
    }
    match name {
        "wasi:io/error" => sync::io::error::add_to_linker::<S, HasIo>(l, table)?,
        "wasi:io/poll" => sync::io::poll::add_to_linker::<S, HasIo>(l, table)?,
        "wasi:io/streams" => sync::io::streams::add_to_linker::<S, HasIo>(l, table)?,
        "wasi:clocks/wall-clock" => {
            async_bindings::clocks::wall_clock::add_to_linker::<S, WasiClocks>(l, S::clocks)?
        }
        "wasi:clocks/monotonic-clock" => {
            async_bindings::clocks::monotonic_clock::add_to_linker::<S, WasiClocks>(l, S::clocks)?
        }
        "wasi:random/random" => {
            async_bindings::random::random::add_to_linker::<S, WasiRandom>(l, S::random)?
        }
        "wasi:random/insecure" => {
            async_bindings::random::insecure::add_to_linker::<S, WasiRandom>(l, S::random)?
        }
        "wasi:random/insecure-seed" => {
            async_bindings::random::insecure_seed::add_to_linker::<S, WasiRandom>(l, S::random)?
        }
        "wasi:filesystem/preopens" => async_bindings::filesystem::preopens::add_to_linker::<
            S,
            WasiFilesystem,
        >(l, S::filesystem)?,
        "wasi:filesystem/types" => {
            sync::filesystem::types::add_to_linker::<S, WasiFilesystem>(l, S::filesystem)?
        }
        "wasi:cli/exit" => async_bindings::cli::exit::add_to_linker::<S, WasiCli>(l, S::cli)?,
        "wasi:cli/environment" => {
            async_bindings::cli::environment::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        "wasi:cli/stdin" => async_bindings::cli::stdin::add_to_linker::<S, WasiCli>(l, S::cli)?,
        "wasi:cli/stdout" => async_bindings::cli::stdout::add_to_linker::<S, WasiCli>(l, S::cli)?,
        "wasi:cli/stderr" => async_bindings::cli::stderr::add_to_linker::<S, WasiCli>(l, S::cli)?,
        "wasi:cli/terminal-input" => {
            async_bindings::cli::terminal_input::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        "wasi:cli/terminal-output" => {
            async_bindings::cli::terminal_output::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        "wasi:cli/terminal-stdin" => {
            async_bindings::cli::terminal_stdin::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        "wasi:cli/terminal-stdout" => {
            async_bindings::cli::terminal_stdout::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        "wasi:cli/terminal-stderr" => {
            async_bindings::cli::terminal_stderr::add_to_linker::<S, WasiCli>(l, S::cli)?
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// `wasi:cli/stdout@0.2.6` → `wasi:cli/stdout`.
pub(crate) fn unversioned(import: &str) -> &str {
    import.split_once('@').map_or(import, |(name, _)| name)
}
