//! `spinstack-bench hashrate [--seconds N] [--threads N]` prints the native password
//! check rate as `key=value` lines; `spinstack-bench pgbench-script` prints the pgbench
//! script of get-session's statement, `spinstack-bench recycle-script` the pool's
//! recycling batch. All are called by `bench/run`.

use std::process::ExitCode;
use std::time::Duration;

use spinstack_bench::{hashrate, pgbench_script, recycle_script};

const USAGE: &str =
    "usage: spinstack-bench hashrate [--seconds N] [--threads N] | pgbench-script | recycle-script";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("spinstack-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("pgbench-script") => {
            print!("{}", pgbench_script()?);
            Ok(())
        }
        Some("recycle-script") => {
            print!("{}", recycle_script()?);
            Ok(())
        }
        Some("hashrate") => {
            let mut seconds = 5.0_f64;
            let mut threads = std::thread::available_parallelism().map_or(1, usize::from);
            let mut rest = args[1..].iter();
            while let Some(flag) = rest.next() {
                let value = rest
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                match flag.as_str() {
                    "--seconds" => {
                        seconds = value
                            .parse()
                            .map_err(|_| format!("--seconds {value:?} is not a number"))?;
                    }
                    "--threads" => {
                        threads = value
                            .parse()
                            .map_err(|_| format!("--threads {value:?} is not a number"))?;
                    }
                    other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
                }
            }
            let duration = Duration::try_from_secs_f64(seconds)
                .map_err(|_| format!("--seconds {seconds} is out of range"))?;
            let single = hashrate::measure(1, duration)?;
            let all = hashrate::measure(threads, duration)?;
            println!("parameters={}", hashrate::parameters());
            println!("single_thread_per_s={:.2}", single.per_second());
            println!("threads={}", all.threads);
            println!("all_threads_per_s={:.2}", all.per_second());
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    }
}
