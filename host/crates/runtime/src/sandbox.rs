//! The store state of one evaluation: WASI that grants nothing, a memory
//! limiter that remembers when it refused, and capped output capture.

use bytes::Bytes;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxView, WasiView};

/// Per-evaluation state held in the wasmtime `Store`.
pub struct SandboxState {
    /// Built on first use (see [`WasiView::ctx`]).
    wasi: Option<WasiCtx>,
    table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) stdout: CappedOutput,
    pub(crate) stderr: CappedOutput,
}

impl SandboxState {
    /// A WASI context with no preopened directories, no environment, no
    /// arguments, no stdin, no network, a frozen clock and deterministic
    /// randomness; stdout/stderr go to capped in-memory buffers.
    pub fn new(memory_bytes: usize, output_bytes: usize) -> SandboxState {
        let stdout = CappedOutput::new(output_bytes);
        let stderr = CappedOutput::new(output_bytes);
        SandboxState {
            wasi: None,
            table: ResourceTable::new(),
            limiter: MemoryLimiter {
                memory_bytes,
                refused: false,
                granted: 0,
            },
            stdout,
            stderr,
        }
    }
}

/// The WASI context a rule sees: no preopens, environment or arguments;
/// stdout and stderr captured and capped; frozen clocks; fixed randomness.
fn wasi_ctx(stdout: &CappedOutput, stderr: &CappedOutput) -> WasiCtx {
    WasiCtx::builder()
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .wall_clock(FrozenClock)
        .monotonic_clock(FrozenClock)
        .secure_random(wasmtime_wasi::Deterministic::new(vec![0x5a; 32]))
        .insecure_random(wasmtime_wasi::Deterministic::new(vec![0xa5; 32]))
        .insecure_random_seed(0)
        .allow_blocking_current_thread(true)
        .build()
}

impl WasiView for SandboxState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        // Built on the first WASI call: a WASI-free rule never pays for it
        // (building one seeds random generators from the OS, then replaces them).
        let ctx = self
            .wasi
            .get_or_insert_with(|| wasi_ctx(&self.stdout, &self.stderr));
        WasiCtxView {
            ctx,
            table: &mut self.table,
        }
    }
}

/// Caps linear memory and records whether it ever refused to grow, so that a
/// trap after a failed allocation is reported as the memory cap it is.
pub(crate) struct MemoryLimiter {
    memory_bytes: usize,
    pub(crate) refused: bool,
    /// Linear memory granted so far, over all of the store's memories.
    pub(crate) granted: usize,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = desired <= self.memory_bytes;
        self.refused |= !ok;
        if ok {
            self.granted = self.granted.saturating_add(desired.saturating_sub(current));
        }
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a rule needs a few thousand at most.
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        // One component instantiates a handful of core instances.
        32
    }

    fn memories(&self) -> usize {
        8
    }

    fn tables(&self) -> usize {
        32
    }
}

/// A clock that always reads zero: rules get no time source to fingerprint
/// or race with, and their verdicts stay reproducible.
struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FrozenClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// An output stream that keeps the first `cap` bytes and silently drops the
/// rest (counting them), so a chatty rule is neither trapped nor able to
/// flood the host's memory or log.
#[derive(Clone)]
pub(crate) struct CappedOutput(Arc<Mutex<Captured>>);

#[derive(Default)]
pub(crate) struct Captured {
    pub(crate) bytes: Vec<u8>,
    pub(crate) dropped: u64,
    cap: usize,
}

impl CappedOutput {
    fn new(cap: usize) -> CappedOutput {
        CappedOutput(Arc::new(Mutex::new(Captured {
            cap,
            ..Captured::default()
        })))
    }

    fn push(&self, data: &[u8]) {
        let mut c = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let room = c.cap.saturating_sub(c.bytes.len());
        let take = room.min(data.len());
        c.bytes.extend_from_slice(&data[..take]);
        c.dropped += (data.len() - take) as u64;
    }

    /// What was captured, lossily decoded, with a note on what was dropped.
    pub(crate) fn text(&self) -> String {
        let c = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut s = String::from_utf8_lossy(&c.bytes).into_owned();
        if c.dropped > 0 {
            s.push_str(&format!("… [{} more bytes dropped]", c.dropped));
        }
        s
    }
}

impl IsTerminal for CappedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CappedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for CappedOutput {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.push(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }
    fn check_write(&mut self) -> Result<usize, StreamError> {
        Ok(64 << 10)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CappedOutput {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for CappedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
