//! Phase timings for profiling: with `OAGEN_TIMINGS=1` in the environment, each phase of a
//! generation prints its wall time to stderr (`oagen: timing load 0.412 s`). Off by default;
//! it never changes output.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("OAGEN_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"))
}

/// Runs `f`, printing how long it took when timings are on.
pub fn time<T>(phase: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!(
        "oagen: timing {phase} {:.3} s",
        start.elapsed().as_secs_f64()
    );
    out
}
