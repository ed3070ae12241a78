//! `hookwarden serve`: run rules for hook calls, keeping them loaded.
//!
//! Two kinds (see the [`super`] module docs): a user's own server, which
//! judges with the requirements text each call carries and answers only its
//! own user; and a system server (`--system`), run by root or a service
//! account, which answers every local user but judges only with the
//! requirements file it reads itself.

use super::protocol::{
    BuildOf, MAX_REQUEST_BYTES, Request, Requirements, Response, build_id, read_frame, write_frame,
};
use super::start;
use crate::artifacts::Stores;
use crate::judge::{Judge, RuleCache};
use crate::plan::plan;
use hookwarden_config::HookwardenConfig;
use hookwarden_event::Aggregate;
use hookwarden_runtime::{FileIdentity, Runtime};
use hookwarden_trust::Trust;
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};
use tracing::{debug, error, info, warn};

/// Calls served at once, each by one worker thread running its rules one
/// after another, so at most this many rule instances exist at a time (the
/// runtime's pool). More calls are turned away at once; their hooks run
/// the rules themselves.
const MAX_CALLS: usize = hookwarden_runtime::RESIDENT_INSTANCES as usize;
/// How long a client may take to send its request. Hooks send theirs at
/// once; a client that trickles holds a worker no longer than this.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Stack of each worker thread: shell analysis of a request runs there
/// (bounded by the analyser's nesting limit, with a wide margin).
const WORKER_STACK: usize = 16 << 20;
/// Configurations kept planned; past it the set starts over.
const MAX_CONFIGS: usize = 8;
/// A planned configuration is rebuilt after this long, so that changes to
/// its artifact stores (a new store, lost trust) are seen, as a fresh hook
/// process would see them. Loaded rules survive in the [`RuleCache`].
const CONFIG_TTL: Duration = Duration::from_secs(60);

/// How long a starting server waits for the lock before it concludes that
/// another server holds it.
const LOCK_PATIENCE: Duration = Duration::from_millis(200);

/// How often a server checks its socket and how long it has been idle.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Why a server could not bind its socket.
#[derive(Debug)]
pub enum BindError {
    /// Another server serves it.
    Taken(String),
    Failed(String),
}

impl From<String> for BindError {
    fn from(why: String) -> BindError {
        BindError::Failed(why)
    }
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Taken(why) | BindError::Failed(why) => f.write_str(why),
        }
    }
}

/// A server's socket, and the lock that makes it the only server there.
pub struct Claim {
    socket: PathBuf,
    /// (device, inode) of the socket file it bound: a file at that path
    /// with another identity is not its to remove.
    identity: (u64, u64),
    lock: std::fs::File,
}

impl Claim {
    /// Write this server's pid into the lock: for whoever wants to stop it,
    /// and to tell hooks that it came up (see [`start`]).
    fn announce(&self) {
        let pid = format!("{}\n", std::process::id());
        let mut lock = &self.lock;
        if let Err(e) = lock
            .set_len(0)
            .and_then(|()| lock.write_all(pid.as_bytes()))
        {
            warn!(
                "cannot write my pid into the lock beside {}: {e}",
                self.socket.display()
            );
        }
    }

    fn is_ours(&self) -> bool {
        file_identity(&self.socket) == Some(self.identity)
    }

    /// Remove the socket if it is still this server's.
    fn release(&self) {
        if self.is_ours() {
            let _ = std::fs::remove_file(&self.socket);
        }
    }
}

fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

/// Where the configuration came from: the requirements file and its exact
/// text, or the built-in defaults.
type ConfigKey = Option<(PathBuf, String)>;

/// Judges prepared events for hook calls.
pub struct Server {
    runtime: Arc<Runtime>,
    cache: Arc<RuleCache>,
    judges: Mutex<HashMap<ConfigKey, (Instant, Arc<Judge>)>>,
    /// A system server's own configuration, as last read.
    own: Mutex<Option<OwnConfig>>,
    build: String,
    /// Calls accepted and not yet answered.
    active: AtomicUsize,
    /// Worker threads started, and how many of them wait for a call.
    workers: AtomicUsize,
    idle: AtomicUsize,
    options: ServeOptions,
    started: Instant,
    /// When the last call came, in ms after `started`.
    last_call_ms: AtomicU64,
    /// The socket this server listens on, once [`Server::serve`] runs.
    claim: OnceLock<Claim>,
}

/// How a server runs, besides where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Stop after this long without a call.
    pub idle_exit: Option<Duration>,
    /// Started by a hook call ([`super::start`]): also stop when a hook of
    /// another build asks, so that the next call starts that build's server.
    pub on_demand: bool,
    pub kind: Kind,
}

/// Whose calls a server answers, and with which configuration.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A user's own server: answers that user only, with the requirements
    /// text each call carries (the user's own hook read it).
    User,
    /// A system server: answers every local user, with the requirements
    /// file it reads itself (`requirements`: the `--requirements` path, or
    /// `None` for the default path); a call whose hook read another
    /// configuration is refused, and its hook judges it.
    System {
        requirements: Option<PathBuf>,
        trust: Trust,
    },
}

/// A system server's configuration as it read it, and the file identity it
/// read it at.
struct OwnConfig {
    identity: Option<FileIdentity>,
    read_at: Instant,
    requirements: Option<(PathBuf, String)>,
    judge: Result<Arc<Judge>, String>,
}

impl Server {
    pub fn new(options: ServeOptions) -> anyhow::Result<Server> {
        Ok(Server {
            options,
            started: Instant::now(),
            last_call_ms: AtomicU64::new(0),
            claim: OnceLock::new(),
            runtime: Arc::new(Runtime::resident()?),
            cache: Arc::new(RuleCache::new()),
            judges: Mutex::new(HashMap::new()),
            own: Mutex::new(None),
            build: build_id().to_owned(),
            active: AtomicUsize::new(0),
            workers: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
        })
    }

    /// How many rules are loaded.
    pub fn loaded_rules(&self) -> usize {
        self.cache.len()
    }

    /// Claim `socket` and listen on it. Its directory is created private to
    /// this user (and refused if it is not). The lock beside the socket
    /// ([`super::start::lock_path`]) makes this the only server for it, so
    /// a socket left by a server that died can be replaced safely. With
    /// `wait`, a socket another server holds is taken over once it stops
    /// (a service started while a server started on demand still runs);
    /// else that is [`BindError::Taken`].
    pub fn bind(
        socket: &Path,
        wait: bool,
        system: bool,
    ) -> Result<(UnixListener, Claim), BindError> {
        if system {
            system_socket_dir(socket)
        } else {
            super::user_socket_dir(socket).map(|_| ())
        }
        .map_err(|e| format!("not serving on {}: {e}", socket.display()))?;
        let lock_at = start::lock_path(socket);
        let lock = start::open_private(
            &lock_at,
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true),
        )
        .map_err(|e| format!("cannot open {}: {e}", lock_at.display()))?;
        // A server holds the lock for as long as it runs; a hook deciding
        // whether to start one holds it for a moment (see `start`), maybe
        // just as the server it started comes up: wait that moment out.
        let patience = Instant::now() + LOCK_PATIENCE;
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < patience => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&lock_at).unwrap_or_default();
                    let why = format!(
                        "another server (pid {}) holds {}",
                        holder.trim(),
                        lock_at.display()
                    );
                    if !wait {
                        return Err(BindError::Taken(why));
                    }
                    info!("{why}; serving once it stops");
                    lock.lock()
                        .map_err(|e| format!("cannot lock {}: {e}", lock_at.display()))?;
                    break;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(format!("cannot lock {}: {e}", lock_at.display()).into());
                }
            }
        }
        if let Ok(m) = std::fs::symlink_metadata(socket) {
            if !m.file_type().is_socket() {
                return Err(format!(
                    "{} exists and is not a socket; remove it or pick another --socket",
                    socket.display()
                )
                .into());
            }
            // A server of a build before the lock may still listen there.
            if UnixStream::connect(socket).is_ok() {
                return Err(BindError::Taken(format!(
                    "a server is already listening on {}",
                    socket.display()
                )));
            }
            std::fs::remove_file(socket)
                .map_err(|e| format!("cannot remove the stale {}: {e}", socket.display()))?;
        }
        let listener = UnixListener::bind(socket)
            .map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
        // A system server answers every local user (it checks who asks);
        // a user's own server, its user alone.
        let mode = if system { 0o666 } else { 0o600 };
        std::fs::set_permissions(socket, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("{}: {e}", socket.display()))?;
        let identity = file_identity(socket)
            .ok_or_else(|| format!("{} vanished as it was bound", socket.display()))?;
        Ok((
            listener,
            Claim {
                socket: socket.to_owned(),
                identity,
                lock,
            },
        ))
    }

    /// Serve connections until the listener fails. Calls go to worker
    /// threads that stay up between calls (starting a thread per call would
    /// map and unmap its stack each time), started as needed up to
    /// [`MAX_CALLS`].
    pub fn serve(self: Arc<Self>, listener: UnixListener, claim: Claim) -> std::io::Result<()> {
        claim.announce();
        let _ = self.claim.set(claim);
        let watch = Arc::clone(&self);
        std::thread::Builder::new()
            .name("hookwarden-watch".into())
            .spawn(move || watch.watch())?;
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
            self.last_call_ms
                .store(self.started.elapsed().as_millis() as u64, Ordering::Release);
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

    /// Stop serving when the socket is no longer this server's (removed or
    /// replaced: no hook can reach it any more), or when idle for
    /// [`ServeOptions::idle_exit`].
    fn watch(&self) {
        let Some(claim) = self.claim.get() else {
            return;
        };
        loop {
            std::thread::sleep(WATCH_INTERVAL);
            if !claim.is_ours() {
                info!(socket = %claim.socket.display(), "the socket was removed or replaced; stopping");
                std::process::exit(0);
            }
            if let Some(idle_exit) = self.options.idle_exit {
                let last = Duration::from_millis(self.last_call_ms.load(Ordering::Acquire));
                if self.active.load(Ordering::Acquire) == 0
                    && self.started.elapsed().saturating_sub(last) >= idle_exit
                {
                    self.stop(&format!("no call for {} s", idle_exit.as_secs()));
                }
            }
        }
    }

    /// Remove the socket (if still ours) and exit. A hook that connected
    /// just before loses its server and runs its rules itself.
    fn stop(&self, why: &str) -> ! {
        if let Some(claim) = self.claim.get() {
            claim.release();
        }
        info!("{why}; stopping");
        std::process::exit(0)
    }

    fn start_worker(self: &Arc<Self>, calls: &Arc<Mutex<mpsc::Receiver<UnixStream>>>) {
        let server = Arc::clone(self);
        let calls = Arc::clone(calls);
        self.workers.fetch_add(1, Ordering::AcqRel);
        let spawned = std::thread::Builder::new()
            .name("hookwarden-serve".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                loop {
                    server.idle.fetch_add(1, Ordering::AcqRel);
                    let next = calls.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    server.idle.fetch_sub(1, Ordering::AcqRel);
                    let Ok(stream) = next else { break };
                    // A call that panics must not take its worker, or the
                    // count of calls in flight that idle-exit waits on,
                    // with it. Its hook gets no answer and runs the rules.
                    let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        server.handle(&stream)
                    }));
                    if handled.is_err() {
                        warn!("a call panicked; its hook runs the rules itself");
                    }
                    server.active.fetch_sub(1, Ordering::AcqRel);
                }
            });
        if let Err(e) = spawned {
            self.workers.fetch_sub(1, Ordering::AcqRel);
            warn!("cannot start a worker thread: {e}");
        }
    }

    fn handle(&self, stream: &UnixStream) {
        let peer = match hookwarden_trust::socket::peer_uid(stream) {
            Ok(uid) => uid,
            Err(e) => {
                warn!("refusing a client whose credentials cannot be read: {e}");
                return;
            }
        };
        let me = hookwarden_trust::current_uid();
        if matches!(self.options.kind, Kind::User) && peer != me {
            warn!("refusing a client of uid {peer}: this server answers uid {me} only");
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
        let (response, other_build) = self.answer(&body);
        if let Err(e) = write_frame(&mut &*stream, &response) {
            debug!("cannot send the answer: {e}");
        }
        if other_build && self.options.on_demand {
            // The hookwarden on disk has changed under this server: make way
            // for the server the next call starts from it.
            self.stop("a hook of another hookwarden build asked");
        }
        // Logged once the answer is on its way: the hook waits for it.
        if let Response::Judged(judged) = response {
            let aggregate = Aggregate {
                outcomes: judged.into_iter().flatten().collect(),
            };
            info!(
                uid = peer,
                rules = aggregate.outcomes.len(),
                decision = %aggregate.decision(),
                findings = ?aggregate.finding_ids(),
                failures = ?aggregate.failures(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "judged"
            );
        }
    }

    /// The response to one request's bytes, and whether it came from a
    /// hook of another build.
    fn answer(&self, body: &[u8]) -> (Response, bool) {
        let other_build = || {
            let why = "this server is another hookwarden build; restart `hookwarden serve`";
            (Response::Refused(why.into()), true)
        };
        let mut request: Request = match serde_json::from_slice(body) {
            Ok(r) => r,
            // Another build may send another shape; its build still reads.
            Err(e) => {
                return match serde_json::from_slice::<BuildOf>(body) {
                    Ok(b) if b.build != self.build => other_build(),
                    _ => (Response::Refused(format!("unreadable request: {e}")), false),
                };
            }
        };
        if request.build != self.build {
            return other_build();
        }
        let judge = match &self.options.kind {
            Kind::User => self.judge_for(request.requirements.take()),
            Kind::System {
                requirements,
                trust,
            } => self.own_judge_for(request.requirements.take(), requirements.as_deref(), *trust),
        };
        let judge = match judge {
            Ok(judge) => judge,
            Err(e) => return (Response::Refused(e), false),
        };
        // The shell analysis is derived data and not sent; redo it here.
        hookwarden_facts::analyze_shell(request.prepared.event.to_mut());
        (
            Response::Judged(judge.run_planned(&request.prepared, |_| {})),
            false,
        )
    }

    /// A system server's judge: its own configuration, re-read when the
    /// file changes, used only for a call whose hook read exactly the same.
    fn own_judge_for(
        &self,
        asked: Option<Requirements>,
        path: Option<&Path>,
        trust: Trust,
    ) -> Result<Arc<Judge>, String> {
        let default = Path::new(hookwarden_config::DEFAULT_REQUIREMENTS_PATH);
        let file = path.unwrap_or(default);
        let identity = FileIdentity::of(file).ok();
        let mut own = self.own.lock().unwrap_or_else(|e| e.into_inner());
        let stale = own
            .as_ref()
            .is_none_or(|o| o.identity != identity || o.read_at.elapsed() >= CONFIG_TTL);
        if stale {
            *own = Some(self.read_own(path, identity, trust));
        }
        let own = own.as_ref().expect("set above");
        let judge = own.judge.clone()?;
        let same = match (&own.requirements, &asked) {
            (None, None) => true,
            (Some((p, text)), Some(r)) => *p == *r.path && *text == *r.text,
            _ => false,
        };
        if !same {
            return Err(format!(
                "this system server judges with {} as it reads it; the hook read {}",
                own.requirements
                    .as_ref()
                    .map_or("the built-in defaults".into(), |(p, _)| p
                        .display()
                        .to_string()),
                asked
                    .as_ref()
                    .map_or("the built-in defaults".into(), |r| format!(
                        "another {}",
                        r.path.display()
                    ))
            ));
        }
        Ok(judge)
    }

    fn read_own(
        &self,
        path: Option<&Path>,
        identity: Option<FileIdentity>,
        trust: Trust,
    ) -> OwnConfig {
        let loaded = hookwarden_config::load(path);
        let (requirements, judge) = match loaded {
            Ok(loaded) => {
                let requirements = match (&loaded.source, loaded.text) {
                    (hookwarden_config::ConfigSource::File(p), Some(text)) => {
                        Some((std::path::absolute(p).unwrap_or_else(|_| p.clone()), text))
                    }
                    _ => None,
                };
                info!("judging with {}", loaded.source.describe());
                let judge = Arc::new(Judge::resident(
                    plan(&loaded.config),
                    Stores::new(&loaded.config, trust),
                    std::num::NonZeroUsize::MIN,
                    Arc::clone(&self.runtime),
                    Arc::clone(&self.cache),
                ));
                (requirements, Ok(judge))
            }
            Err(e) => {
                error!("cannot use my configuration: {e}");
                (
                    None,
                    Err(format!(
                        "the system server cannot use its configuration: {e}"
                    )),
                )
            }
        };
        OwnConfig {
            identity,
            read_at: Instant::now(),
            requirements,
            judge,
        }
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
        // A user's own server runs where that user is trusted (hooks of a
        // managed installation never ask it).
        let judge = Arc::new(Judge::resident(
            plan(&config),
            Stores::new(&config, Trust::user()),
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

/// Create a system server's socket directory (`0755`) if missing, and check
/// it as hooks will (see `hookwarden_trust::socket::check_system_dir`): a
/// directory of root's or this server's own user, under directories only
/// root can change.
fn system_socket_dir(socket: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    let dir = socket
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .ok_or_else(|| format!("{} has no directory", socket.display()))?;
    let dir = std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if std::fs::symlink_metadata(&dir).is_err() {
        std::fs::DirBuilder::new()
            .mode(0o755)
            .create(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let owners = hookwarden_trust::socket::check_system_dir(&dir)?;
    let me = hookwarden_trust::current_uid();
    if owners.dir_owner != me && owners.dir_owner != 0 {
        return Err(format!(
            "{} belongs to uid {}, neither root nor this server (uid {me})",
            dir.display(),
            owners.dir_owner
        ));
    }
    Ok(())
}
