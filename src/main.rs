//! The rcluster binary: collect the arguments, run on a tokio runtime, exit with the status.

fn main() {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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
