//! The soak's Markdown report: requests by phase and by kind, the cut and the
//! recovery after it, the runtime's RSS, the consistency check and the verdict.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::{CutBy, Kind, Outcome, Phase, Record, Soak};
use crate::stats::{ms_or_dash, summarize};

/// Counts of one group of requests.
#[derive(Debug, Default, Clone)]
struct Counts {
    requests: u64,
    ok: u64,
    server_errors: u64,
    rate_limited: u64,
    wrong: u64,
    socket: u64,
    timeouts: u64,
    latencies: Vec<Duration>,
}

impl Counts {
    fn add(&mut self, record: &Record) {
        self.requests += 1;
        match record.outcome {
            Outcome::Ok => self.ok += 1,
            Outcome::ServerError(_) => self.server_errors += 1,
            Outcome::RateLimited => self.rate_limited += 1,
            Outcome::Wrong(_) => self.wrong += 1,
            Outcome::Socket(_) => self.socket += 1,
            Outcome::Timeout => self.timeouts += 1,
        }
        // Latency of every reply, whatever its status; not of requests without one.
        if !matches!(record.outcome, Outcome::Socket(_) | Outcome::Timeout) {
            self.latencies.push(record.end.saturating_sub(record.start));
        }
    }

    fn row(&self, first: &str, seconds: Option<f64>) -> String {
        let summary = summarize(&self.latencies);
        let rate = seconds.filter(|s| *s > 0.0).map_or_else(
            || "—".to_owned(),
            |s| format!("{:.1}", self.requests as f64 / s),
        );
        format!(
            "| {first} | {} | {rate} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.requests,
            self.ok,
            self.server_errors,
            self.rate_limited,
            self.wrong,
            self.socket,
            self.timeouts,
            ms_or_dash(summary.map(|s| s.p50)),
            ms_or_dash(summary.map(|s| s.p99)),
        )
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "—".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0))
}

impl Soak {
    /// The report, in Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let window = self.window();
        // By phase.
        let mut phases: BTreeMap<Phase, Counts> = BTreeMap::new();
        let mut kinds: BTreeMap<Kind, Counts> = BTreeMap::new();
        let mut measured = Counts::default();
        for (phase, record) in self.phases() {
            phases.entry(phase).or_default().add(record);
            if phase != Phase::WarmUp {
                kinds.entry(record.kind).or_default().add(record);
                measured.add(record);
            }
        }
        let secs = |d: Duration| d.as_secs_f64();
        let span = |phase: Phase| -> (f64, f64) {
            let (from, to) = (secs(self.measured_from), secs(self.measured_to));
            match (phase, window) {
                (Phase::WarmUp, _) => (0.0, from),
                (Phase::Before, Some((a, _))) => (from, secs(a)),
                (Phase::During, Some((a, b))) => (secs(a), secs(b)),
                (Phase::After, Some((_, b))) => (secs(b), to),
                _ => (from, to),
            }
        };
        let _ = writeln!(
            out,
            "| phase | seconds | requests | requests/s | as expected | 5xx | 429 | wrong answers | socket errors | timeouts | p50 ms | p99 ms |"
        );
        let _ = writeln!(
            out,
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for (phase, counts) in &phases {
            let (a, b) = span(*phase);
            let label = format!("{} | {a:.1}–{b:.1}", phase.label());
            let _ = writeln!(out, "{}", counts.row(&label, Some(b - a)));
        }
        if window.is_some() {
            let label = format!(
                "**measured, all** | {:.1}–{:.1}",
                secs(self.measured_from),
                secs(self.measured_to)
            );
            let _ = writeln!(
                out,
                "{}",
                measured.row(
                    &label,
                    Some(secs(self.measured_to) - secs(self.measured_from))
                )
            );
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Seconds from the start of the warm-up. A request belongs to the warm-up when it was sent during it{}; rates divide by the phase's length.",
            if window.is_some() {
                "; to \"before the cut\" when its reply came before the cut began, to \"after the cut\" when it was sent after the database was back, else it overlapped the cut"
            } else {
                ""
            }
        );
        let _ = writeln!(out);

        // By request, measured period.
        let _ = writeln!(
            out,
            "| request (measured period) | requests | requests/s | as expected | 5xx | 429 | wrong answers | socket errors | timeouts | p50 ms | p99 ms |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        let measured_secs = secs(self.measured_to) - secs(self.measured_from);
        for kind in Kind::ALL {
            if let Some(counts) = kinds.get(&kind) {
                let _ = writeln!(out, "{}", counts.row(kind.label(), Some(measured_secs)));
            }
        }
        let _ = writeln!(out, "{}", measured.row("**all**", Some(measured_secs)));
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} user cycles completed (sign-up … sign-out, sign-in … sign-out); {} TCP connections opened for {} virtual users; the last reply came {:.1} s after the start.",
            self.cycles,
            self.connects,
            self.config.connections,
            secs(self.finished)
        );

        // The cut.
        if let (Some(cut), Some(result)) = (&self.config.cut, &self.cut) {
            let _ = writeln!(out);
            match result {
                Ok((a, b)) => {
                    let how = match &cut.by {
                        CutBy::Proxy(_) => {
                            "the fault proxy refused PostgreSQL connections (and dropped the open ones)"
                        }
                        CutBy::SqliteLock(_) => {
                            "another connection held SQLite's write lock (`BEGIN EXCLUSIVE`)"
                        }
                    };
                    let _ = writeln!(
                        out,
                        "**The cut**: {how} from {:.2} s to {:.2} s ({:.2} s).",
                        secs(*a),
                        secs(*b),
                        secs(*b) - secs(*a)
                    );
                    let after_cut: Vec<&Record> =
                        self.records.iter().filter(|r| r.start > *b).collect();
                    let first_ok = after_cut
                        .iter()
                        .filter(|r| r.outcome == Outcome::Ok)
                        .map(|r| r.end)
                        .min();
                    let first_write = after_cut
                        .iter()
                        .filter(|r| {
                            r.outcome == Outcome::Ok
                                && matches!(r.kind, Kind::SignUp | Kind::SignIn)
                        })
                        .map(|r| r.end)
                        .min();
                    let last_failure = self
                        .records
                        .iter()
                        .filter(|r| r.outcome != Outcome::Ok)
                        .map(|r| r.end)
                        .max();
                    let rel = |t: Option<Duration>| {
                        t.map_or_else(
                            || "none".to_owned(),
                            |t| format!("{:+.2} s", secs(t) - secs(*b)),
                        )
                    };
                    let _ = writeln!(
                        out,
                        "Relative to the database's return: first successful reply to a request sent afterwards {}, first successful sign-up or sign-in {}, last failed reply {}.",
                        rel(first_ok),
                        rel(first_write),
                        rel(last_failure)
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "**The cut could not be made**: {why}");
                }
            }
        }

        // RSS.
        if self.config.runtime_pid.is_some() {
            let _ = writeln!(out);
            let _ = writeln!(out, "| runtime RSS (`VmRSS`) | MiB |");
            let _ = writeln!(out, "| --- | ---: |");
            let _ = writeln!(
                out,
                "| idle, before the load | {} |",
                mib(self.rss.idle_before)
            );
            let _ = writeln!(
                out,
                "| after the warm-up (start) | {} |",
                mib(self.rss.after_warmup)
            );
            let _ = writeln!(
                out,
                "| end of the measured period (end) | {} |",
                mib(self.rss.at_end)
            );
            let _ = writeln!(
                out,
                "| idle, 1 s after the last reply | {} |",
                mib(self.rss.idle_after)
            );
            let median: fn((u64, u64)) -> u64 = |(median, _)| median;
            let largest: fn((u64, u64)) -> u64 = |(_, largest)| largest;
            for (label, pick) in [("median", median), ("largest", largest)] {
                let values: Vec<String> =
                    self.rss.windows.iter().map(|w| mib(w.map(pick))).collect();
                let _ = writeln!(
                    out,
                    "| {label} of the samples (every 100 ms) in each sixth of the measured period | {} |",
                    values.join(", ")
                );
            }
        }

        // Consistency.
        if let Some(consistency) = &self.consistency {
            let _ = writeln!(out);
            match consistency {
                Ok(checks) => {
                    let _ = writeln!(
                        out,
                        "| consistency, queried from the database after the run | found | expected | |"
                    );
                    let _ = writeln!(out, "| --- | ---: | ---: | --- |");
                    for check in checks {
                        let mark = if check.expected == "—" {
                            ""
                        } else if check.ok {
                            "ok"
                        } else {
                            "**FAILED**"
                        };
                        let _ = writeln!(
                            out,
                            "| {} | {} | {} | {mark} |",
                            check.what, check.found, check.expected
                        );
                    }
                }
                Err(why) => {
                    let _ = writeln!(out, "The consistency check could not run: {why}");
                }
            }
        }

        let _ = writeln!(out);
        let failures = self.failures();
        if failures.is_empty() {
            let _ = writeln!(out, "Verdict: **pass**.");
        } else {
            let _ = writeln!(out, "Verdict: **FAIL** — {}.", failures.join("; "));
        }
        out
    }
}
