fn main() {
    let started = std::time::Instant::now();
    std::process::exit(hookwarden::cli::main(started));
}
