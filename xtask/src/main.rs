//! `cargo xtask <task>`: build tasks (see the library docs).

use std::process::ExitCode;

use xtask::BuildOptions;

const USAGE: &str = "\
usage: cargo xtask build-wasm [--wasm-opt] [--force]

  build-wasm   build the three WebAssembly modules (calculator, trust and full; wasm32,
               profiles wasm-calculator, wasm-release, wasm-full), run wasm-bindgen (the CLI pinned to the crate's version;
               installed if missing), lay out the npm package in target/npm and the
               calculator page in target/www, and print each module's size raw and gzipped. Does nothing when no input changed.
  --wasm-opt   also run wasm-opt -Oz from npm binaryen (node_modules/.bin/wasm-opt)
  --force      rebuild even if nothing changed";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, flags)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if task != "build-wasm" {
        eprintln!("unknown task `{task}`\n{USAGE}");
        return ExitCode::from(2);
    }
    let mut options = BuildOptions {
        verbose: true,
        ..BuildOptions::default()
    };
    for flag in flags {
        match flag.as_str() {
            "--wasm-opt" => options.wasm_opt = true,
            "--force" => options.force = true,
            other => {
                eprintln!("unknown option `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match xtask::build(&options) {
        Ok(built) => {
            println!("npm package: {}", built.package.display());
            println!("calculator page: {}/index.html", built.www.display());
            for m in &built.modules {
                println!(
                    "{} module {}: {} bytes raw, {} bytes gzipped",
                    m.module.build,
                    m.path.display(),
                    m.bytes,
                    m.gzip_bytes
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask build-wasm: {e}");
            ExitCode::FAILURE
        }
    }
}
