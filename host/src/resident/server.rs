//! `hookwarden serve`: run rules for hook calls, keeping them loaded.

use super::protocol::{
    MAX_REQUEST_BYTES, Request, Requirements, Response, build_id, read_frame, write_frame,
};
use crate::artifacts::Stores;
use crate::judge::{Judge, RuleCache};
use crate::plan::plan;
use hookwarden_config::HookwardenConfig;
use hookwarden_event::Aggregate;
use hookwarden_runtime::Runtime;
use std::collections::HashMap;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tracing::{debug, info, warn};

/// Calls served at once, each by one worker thread running its rules one
/// after another, so at most this many rule instances exist at a time (the
/// runtime's pool). More calls are turned away at once; their hooks run
/// the rules themselves.
const MAX_CALLS: usize = hookwarden_runtime::RESIDENT_INSTANCES as usize;
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Configurations kept planned; past it the set starts over.
const MAX_CONFIGS: usize = 8;
/// A planned configuration is rebuilt after this long, so that changes to
/// its artifact stores (a new store, lost trust) are seen, as a fresh hook
/// process would see them. Loaded rules survive in the [`RuleCache`].
const CONFIG_TTL: Duration = Duration::from_secs(60);

/// Where the configuration came from: the requirements file and its exact
/// text, or the built-in defaults.
type ConfigKey = Option<(PathBuf, String)>;

/// Judges prepared events for hook calls.
pub struct Server {
    runtime: Arc<Runtime>,
    cache: Arc<RuleCache>,
    judges: Mutex<HashMap<ConfigKey, (Instant, Arc<Judge>)>>,
    build: String,
    /// Calls accepted and not yet answered.
    active: AtomicUsize,
    /// Worker threads started, and how many of them wait for a call.
    workers: AtomicUsize,
    idle: AtomicUsize,
}

impl Server {
    pub fn new() -> anyhow::Result<Server> {
        Ok(Server {
            runtime: Arc::new(Runtime::resident()?),
            cache: Arc::new(RuleCache::new()),
            judges: Mutex::new(HashMap::new()),
            build: build_id(),
            active: AtomicUsize::new(0),
            workers: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
        })
    }

    /// How many rules are loaded.
    pub fn loaded_rules(&self) -> usize {
        self.cache.len()
    }

    /// Listen on `socket`: its directory is created private to this user
    /// (and refused if it is not), and a stale socket left by a server that
    /// died is replaced. A live one is an error.
    pub fn bind(socket: &Path) -> Result<UnixListener, String> {
        let dir = socket
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        super::check_socket_dir(dir)
            .map_err(|e| format!("not serving in {}: {e}", dir.display()))?;
        if let Ok(m) = std::fs::symlink_metadata(socket) {
            if !m.file_type().is_socket() {
                return Err(format!(
                    "{} exists and is not a socket; remove it or pick another --socket",
                    socket.display()
                ));
            }
            if UnixStream::connect(socket).is_ok() {
                return Err(format!(
                    "a server is already listening on {}",
                    socket.display()
                ));
            }
            std::fs::remove_file(socket)
                .map_err(|e| format!("cannot remove the stale {}: {e}", socket.display()))?;
        }
        let listener = UnixListener::bind(socket)
            .map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", socket.display()))?;
        Ok(listener)
    }

    /// Serve connections until the listener fails. Calls go to worker
    /// threads that stay up between calls (starting a thread per call would
    /// map and unmap its stack each time), started as needed up to
    /// [`MAX_CALLS`].
    pub fn serve(self: Arc<Self>, listener: UnixListener) -> std::io::Result<()> {
        let (queue, calls) = mpsc::channel::<UnixStream>();
        let calls = Arc::new(Mutex::new(calls));
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                Err(e) => {
                    warn!("accept failed: {e}");
                    continue;
                }
            };
            if self.active.fetch_add(1, Ordering::AcqRel) >= MAX_CALLS {
                self.active.fetch_sub(1, Ordering::AcqRel);
                warn!("{MAX_CALLS} calls in flight; turning one away");
                continue;
            }
            if self.idle.load(Ordering::Acquire) == 0
                && self.workers.load(Ordering::Acquire) < MAX_CALLS
            {
                self.start_worker(&calls);
            }
            if queue.send(stream).is_err() {
                self.active.fetch_sub(1, Ordering::AcqRel);
            }
        }
        Ok(())
    }

    fn start_worker(self: &Arc<Self>, calls: &Arc<Mutex<mpsc::Receiver<UnixStream>>>) {
        let server = Arc::clone(self);
        let calls = Arc::clone(calls);
        self.workers.fetch_add(1, Ordering::AcqRel);
        let spawned = std::thread::Builder::new()
            .name("hookwarden-serve".into())
            .spawn(move || {
                loop {
                    server.idle.fetch_add(1, Ordering::AcqRel);
                    let next = calls.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    server.idle.fetch_sub(1, Ordering::AcqRel);
                    let Ok(stream) = next else { break };
                    server.handle(&stream);
                    server.active.fetch_sub(1, Ordering::AcqRel);
                }
            });
        if let Err(e) = spawned {
            self.workers.fetch_sub(1, Ordering::AcqRel);
            warn!("cannot start a worker thread: {e}");
        }
    }

    fn handle(&self, stream: &UnixStream) {
        if let Err(e) = super::peer_is_trusted(stream) {
            warn!("refusing a client: {e}");
            return;
        }
        let _ = stream.set_read_timeout(Some(REQUEST_TIMEOUT));
        let _ = stream.set_write_timeout(Some(REQUEST_TIMEOUT));
        let body = match read_frame(&mut &*stream, MAX_REQUEST_BYTES) {
            Ok(body) => body,
            Err(e) => {
                debug!("no request read: {e}");
                return;
            }
        };
        let started = Instant::now();
        let response = self.answer(&body);
        if let Err(e) = write_frame(&mut &*stream, &response) {
            debug!("cannot send the answer: {e}");
        }
        // Logged once the answer is on its way: the hook waits for it.
        if let Response::Outcomes(outcomes) = response {
            let aggregate = Aggregate { outcomes };
            info!(
                rules = aggregate.outcomes.len(),
                decision = %aggregate.decision(),
                findings = ?aggregate.finding_ids(),
                failures = ?aggregate.failures(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "judged"
            );
        }
    }

    /// The response to one request's bytes.
    pub fn answer(&self, body: &[u8]) -> Response {
        let mut request: Request = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => return Response::Refused(format!("unreadable request: {e}")),
        };
        if request.build != self.build {
            return Response::Refused(
                "this server is another hookwarden build; restart `hookwarden serve`".into(),
            );
        }
        let judge = match self.judge_for(request.requirements.take()) {
            Ok(judge) => judge,
            Err(e) => return Response::Refused(e),
        };
        // The shell analysis is derived data and not sent; redo it here.
        hookwarden_facts::analyze_shell(request.prepared.event.to_mut());
        Response::Outcomes(judge.run(&request.prepared, |_| {}).outcomes)
    }

    /// The judge for a configuration: planned from exactly the text the
    /// hook read, kept for [`CONFIG_TTL`].
    fn judge_for(&self, requirements: Option<Requirements>) -> Result<Arc<Judge>, String> {
        let key: ConfigKey = requirements.map(|r| (r.path.into_owned(), r.text.into_owned()));
        let mut judges = self.judges.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((built, judge)) = judges.get(&key)
            && built.elapsed() < CONFIG_TTL
        {
            return Ok(Arc::clone(judge));
        }
        let config = match &key {
            None => HookwardenConfig::default(),
            Some((path, text)) => hookwarden_config::parse(text, path)
                .map_err(|e| format!("cannot use the configuration: {e}"))?
                .unwrap_or_default(),
        };
        // One thread per call: calls run side by side instead, and each
        // holds at most one pooled instance at a time (see `MAX_CALLS`).
        let judge = Arc::new(Judge::resident(
            plan(&config),
            Stores::new(&config),
            std::num::NonZeroUsize::MIN,
            Arc::clone(&self.runtime),
            Arc::clone(&self.cache),
        ));
        if judges.len() >= MAX_CONFIGS {
            judges.retain(|_, (built, _)| built.elapsed() < CONFIG_TTL);
            if judges.len() >= MAX_CONFIGS {
                judges.clear();
            }
        }
        judges.insert(key, (Instant::now(), Arc::clone(&judge)));
        Ok(judge)
    }
}
