//! `memlings`: the exercise runner. See `memlings --help`.

use std::process::ExitCode;

use clap::Parser;

use memlings::commands::{self, Cli};
use memlings::error::UserError;
use memlings::term;

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of a pipe goes away
    // (`memlings list | head`) instead of panicking on the broken pipe.
    #[cfg(unix)]
    // Safety: called first thing, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    term::init_color(cli.color);
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A mistake the user can fix gets one line; anything else also
            // shows its causes, still without a backtrace.
            match err.downcast_ref::<UserError>() {
                Some(user) => term::error(&user.to_string()),
                None => term::error(&format!("{err:#}")),
            }
            ExitCode::from(2)
        }
    }
}
