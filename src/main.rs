//! The `fika` binary: logging, the panic hook, then the command line.

use clap::Parser;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FIKA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    // Panics are caught per request (app::catch_panic); this hook makes sure each one is
    // logged with its location, in the same log as everything else.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "panic");
    }));
    let cli = fika::cli::Cli::parse();
    match fika::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(msg) => {
            // One line, whatever the underlying library put in its message.
            let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("fika: {msg}");
            std::process::ExitCode::FAILURE
        }
    }
}
