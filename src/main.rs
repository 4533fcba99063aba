//! The `auditpack` command: arguments in, one library call, results out.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
