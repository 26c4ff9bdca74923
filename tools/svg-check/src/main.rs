//! `svg-check IN.svg OUT.png`: renders one SVG file to PNG with resvg, for a look.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: svg-check IN.svg OUT.png");
        return ExitCode::from(2);
    };
    let svg = match std::fs::read_to_string(input) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return ExitCode::from(2);
        }
    };
    match svg_check::png(&svg).map(|png| std::fs::write(output, png)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: cannot write {output}: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {input} does not render: {e}");
            ExitCode::FAILURE
        }
    }
}
