//! The rcluster binary: collect the arguments, hide the passwords among them from `ps`, run on a
//! tokio runtime, exit with the status.

fn main() {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    visible_args::erase(&rcluster::cli::secrets::secrets(&args));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("rcluster: error: cannot start the async runtime: {error}");
            std::process::exit(2);
        }
    };
    let status = runtime.block_on(rcluster::cli::run(args));
    std::process::exit(status);
}

/// The process's own argument strings, as the kernel shows them in `/proc/PID/cmdline`: captured at
/// start-up (an `.init_array` entry receives `argc` and `argv`, as the C runtime calls it) so that a
/// password can be overwritten in place before the first connection. Linux only; elsewhere nothing is
/// erased.
mod visible_args {
    use rcluster::cli::secrets::Secret;
    use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

    static ARGC: AtomicUsize = AtomicUsize::new(0);
    static ARGV: AtomicPtr<*mut libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

    #[cfg(target_os = "linux")]
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CAPTURE: extern "C" fn(libc::c_int, *mut *mut libc::c_char, *mut *mut libc::c_char) =
        capture;

    extern "C" fn capture(
        argc: libc::c_int,
        argv: *mut *mut libc::c_char,
        _envp: *mut *mut libc::c_char,
    ) {
        ARGC.store(usize::try_from(argc).unwrap_or(0), Ordering::SeqCst);
        ARGV.store(argv, Ordering::SeqCst);
    }

    /// Overwrites each secret's bytes with `x`, keeping the lengths (so nothing else moves).
    pub fn erase(secrets: &[Secret]) {
        let argv = ARGV.load(Ordering::SeqCst);
        let argc = ARGC.load(Ordering::SeqCst);
        if argv.is_null() {
            return;
        }
        for secret in secrets.iter().filter(|s| s.index < argc) {
            // SAFETY: argv has argc valid, NUL-terminated, writable strings (C's guarantee for the
            // arguments of main), captured before anything else ran; only bytes before each NUL are
            // written.
            unsafe {
                let arg = *argv.add(secret.index);
                if arg.is_null() {
                    continue;
                }
                let len = libc::strlen(arg);
                for offset in secret.from..secret.end.unwrap_or(len).min(len) {
                    *arg.add(offset) = b'x' as libc::c_char;
                }
            }
        }
    }
}
