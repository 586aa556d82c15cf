//! Print fake but format-valid values for generator placeholders, for fixtures:
//! `cargo run --example fake -- 42 'sk_live_{{alnum:24}}' '{{jwt}}'` (first argument: seed).

use leakhound::rules::generate::Generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut generator = Generator::new(seed);
    for template in args {
        match generator.expand(&template) {
            Ok(v) => println!("{v}"),
            Err(e) => {
                eprintln!("fake: unknown placeholder in {template:?}: {e:?}");
                std::process::exit(2);
            }
        }
    }
}
