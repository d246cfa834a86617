//! The `xaas` binary: sets up logging and hands the arguments to [`xaas::cli::run`].

use std::process::ExitCode;

use xaas::cli::LogFormat;

fn main() -> ExitCode {
    xaas::cli::run(std::env::args_os(), |format, default_filter| {
        // Logs go to stderr so stdout stays clean for answers and JSON; RUST_LOG filters them.
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
        let logs = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        match format {
            LogFormat::Text => logs.init(),
            LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).init(),
        }
    })
}
