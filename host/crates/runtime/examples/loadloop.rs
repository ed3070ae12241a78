// TEMP profiling helper (not committed)
use hookwarden_runtime::{Runtime, Sha256Digest};
use std::time::Instant;
fn main() {
    let runtime = Runtime::new().unwrap();
    let paths: Vec<String> = std::env::args().skip(2).collect();
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let d = Sha256Digest::of(b"x");
    for p in &paths {
        let mut v = vec![];
        for _ in 0..n {
            let t = Instant::now();
            let r = runtime
                .load_artifact(std::path::Path::new(p), "x", d)
                .unwrap();
            v.push(t.elapsed().as_micros());
            std::mem::forget(r);
        }
        v.sort();
        println!("{} median {} us", p, v[n / 2]);
    }
}
