//! The `fika` binary: logging, the panic hook, then the command line.

use clap::Parser;

/// Libraries whose warnings are noise to an operator, quieted unless `--log` names them:
/// html5ever warns about every oddity in user-supplied markup (which the sanitizer handles),
/// and tantivy about a merge that finished after a commit replaced its segments (harmless).
const QUIET: &[(&str, &str)] = &[
    ("html5ever", "error"),
    ("markup5ever", "error"),
    ("tantivy::indexer::segment_manager", "error"),
    ("actix_server", "warn"),
];

fn log_filter(setting: Option<String>) -> tracing_subscriber::EnvFilter {
    let mut directives = setting
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "info".into());
    for (target, level) in QUIET {
        if !directives.contains(target) {
            directives.push_str(&format!(",{target}={level}"));
        }
    }
    tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

fn main() -> std::process::ExitCode {
    // Parsed first, so that the log filter is a flag like every other setting; clap reports
    // its own errors without a log.
    let cli = fika::cli::Cli::parse();
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // Once a stop has closed the listening sockets, actix's accept loop reports each failed
    // accept on them as an error until it is told to stop: expected, so not logged.
    let not_stopping_noise = tracing_subscriber::filter::filter_fn(|meta| {
        !(meta.target() == "actix_server::accept" && fika::app::listeners_closed())
    });
    let logs = tracing_subscriber::fmt()
        .with_env_filter(log_filter(cli.log.clone()))
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal; none in a file, journald or a container's log.
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        );
    if cli.log_format == "json" {
        // The request's fields (its id) go with every line logged while it runs.
        logs.json()
            .with_current_span(true)
            .with_span_list(false)
            .finish()
            .with(not_stopping_noise)
            .init();
    } else {
        logs.finish().with(not_stopping_noise).init();
    }
    // Panics are caught per request (app::catch_panic); this hook makes sure each one is
    // logged with its location, in the same log as everything else — with the backtrace
    // when RUST_BACKTRACE asks for it (file and line from fika.debug beside a lean release).
    std::panic::set_hook(Box::new(|info| {
        let trace = std::backtrace::Backtrace::capture();
        if trace.status() == std::backtrace::BacktraceStatus::Captured {
            tracing::error!(panic = %info, backtrace = %trace, "panic");
        } else {
            tracing::error!(panic = %info, "panic");
        }
    }));
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
