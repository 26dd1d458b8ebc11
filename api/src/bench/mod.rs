//! `cdb bench …`: benchmark tooling. `cdb bench seed` writes a realistic
//! corpus of every registered procedure type through the server's own
//! command path ([`seed::seed`]).

pub mod seed;
pub mod words;

use crate::Failure;
use crate::cli::BenchCommand;

pub async fn run(command: BenchCommand) -> Result<(), Failure> {
    match command {
        BenchCommand::Seed(args) => seed::run(args).await,
    }
}
