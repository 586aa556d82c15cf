use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = leakhound::cli::args::Cli::parse();
    match leakhound::commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // One line: the error and its causes, never file contents.
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("leakhound: error: {}", chain.join(": "));
            ExitCode::from(leakhound::commands::EXIT_ERROR)
        }
    }
}
