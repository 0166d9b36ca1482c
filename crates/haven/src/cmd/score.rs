//! `haven score`: one questionnaire, scored exactly as published.

use anyhow::{Result, anyhow};
use haven_core::instruments::{self, Instrument};

use crate::cli::ScoreArgs;
use crate::score_output;

pub fn run(args: &ScoreArgs) -> Result<()> {
    let instrument = Instrument::parse(&args.instrument).ok_or_else(|| {
        anyhow!(
            "unknown instrument {:?}: use {}",
            args.instrument,
            Instrument::ids_listed()
        )
    })?;
    let answers = instruments::parse_answers(instrument, &args.answers)?;
    let score = instruments::score(instrument, &answers)?;
    if args.json {
        println!("{}", score_output::to_json(&score));
    } else {
        print!("{}", score_output::to_text(&score));
    }
    Ok(())
}
