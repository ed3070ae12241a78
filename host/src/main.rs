/// dlmalloc where the release build links against musl (scripts/build-release.sh):
/// musl's own allocator made the rules' work slower than musl's faster
/// start-up saves (built-in pack in the hook: 3.59 ms vs 3.02 ms on glibc),
/// while with dlmalloc the musl build is the faster one (2.36 vs 2.67 ms).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() {
    let started = std::time::Instant::now();
    std::process::exit(hookwarden::cli::main(started));
}
