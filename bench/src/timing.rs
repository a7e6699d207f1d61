//! Sign-in's timing (issue #13 item 4): does a sign-in for an unknown email take as long
//! as one for a known email with a wrong password? Both answer the same 401; if the
//! unknown email skipped the password hash it would answer tens of milliseconds sooner
//! and tell an attacker which emails have accounts.
//!
//! One keep-alive connection, requests one after the other, the two kinds interleaved
//! and their order alternated in each pair (unknown, wrong, wrong, unknown, …) so drift
//! in the machine's load falls on both alike; besides the two distributions, each
//! pair's difference is reported, which cancels drift further. After each pair, a
//! calibration request — a sign-in with a malformed email, answered 400 before any
//! lookup or hash — shows what a sign-in that skipped the hash would take, so the
//! reader sees how large a difference the probe would catch. Every request comes from its own client
//! address (`x-forwarded-for`, trusted when `bench/run` starts the app with
//! `trusted_proxy_header`), so in production mode the rate limiter runs on each (its
//! database write is part of both kinds' time) without ever refusing one.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::http::{Connection, Reply};
use crate::stats::{Summary, percentile, summarize};

/// The known user's password.
const PASSWORD: &str = "timing-password-0123";
/// The wrong password both kinds send (same length as the right one).
const WRONG_PASSWORD: &str = "wrong-password-01234";

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app.
    pub addr: SocketAddr,
    /// The web origin the requests come from.
    pub origin: String,
    /// Measured requests of each kind.
    pub requests: usize,
    /// Pairs sent first and not measured.
    pub warmup: usize,
    /// Makes the emails unique (letters, digits and `-`).
    pub run: String,
    /// The second byte of the client addresses (`10.<block>.x.y`).
    pub ip_block: u8,
    /// The longest a request may take.
    pub timeout: Duration,
    /// Fail when the medians differ by more than this fraction of the wrong-password
    /// median; `None` only reports.
    pub max_difference: Option<f64>,
}

/// The measurement.
#[derive(Debug, Clone)]
pub struct Timing {
    /// What ran.
    pub config: Config,
    /// Latencies of sign-ins for unknown emails.
    pub unknown: Vec<Duration>,
    /// Latencies of sign-ins for the known email with a wrong password.
    pub wrong: Vec<Duration>,
    /// `(unknown, wrong)` of each measured pair whose two answers were as expected.
    pub pairs: Vec<(Duration, Duration)>,
    /// Latencies of the calibration sign-ins (malformed email: no lookup, no hash).
    pub no_hash: Vec<Duration>,
    /// Answers that were not the expected 401 (each ends the measurement's validity).
    pub unexpected: Vec<String>,
    /// Whether every answer of both kinds had the same status and body.
    pub same_answer: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unknown,
    Wrong,
    NoHash,
}

struct Client {
    connection: Connection,
    origin: String,
    ip_block: u8,
    sent: u32,
}

impl Client {
    async fn post(
        &mut self,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<(Reply, Duration)> {
        // A new client address per request: 10.<block>.<n / 256>.<n % 256>.
        let n = self.sent;
        self.sent += 1;
        if n >= 1 << 16 {
            bail!("more than 65,536 requests: addresses would repeat");
        }
        let ip = format!("10.{}.{}.{}", self.ip_block, (n >> 8) & 0xff, n & 0xff);
        let headers = [
            ("origin", self.origin.as_str()),
            ("content-type", "application/json"),
            ("user-agent", "spinstack-bench timing"),
            ("x-forwarded-for", ip.as_str()),
        ];
        let body = body.to_string();
        let start = Instant::now();
        let reply = self
            .connection
            .send("POST", path, &headers, body.as_bytes())
            .await
            .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        Ok((reply, start.elapsed()))
    }
}

/// Runs the measurement: signs a user up, then the interleaved sign-ins.
///
/// # Errors
/// When the sign-up fails or a request gets no reply.
pub async fn run(config: Config) -> anyhow::Result<Timing> {
    let mut client = Client {
        connection: Connection::new(config.addr, config.timeout),
        origin: config.origin.clone(),
        ip_block: config.ip_block,
        sent: 0,
    };
    let known = format!("timing-{}@example.com", config.run);
    let (reply, _) = client
        .post(
            "/api/auth/sign-up/email",
            &serde_json::json!({ "email": known, "password": PASSWORD, "name": "Timing" }),
        )
        .await
        .context("signing the known user up")?;
    if reply.status != 200 {
        bail!(
            "signing the known user up answered {}: {}",
            reply.status,
            reply.text()
        );
    }

    let mut timing = Timing {
        config: config.clone(),
        unknown: Vec::new(),
        wrong: Vec::new(),
        pairs: Vec::new(),
        no_hash: Vec::new(),
        unexpected: Vec::new(),
        same_answer: true,
    };
    let mut first_answer: Option<(u16, Vec<u8>)> = None;
    for pair in 0..config.warmup + config.requests {
        let order = if pair % 2 == 0 {
            [Kind::Unknown, Kind::Wrong, Kind::NoHash]
        } else {
            [Kind::Wrong, Kind::Unknown, Kind::NoHash]
        };
        let (mut unknown, mut wrong) = (None, None);
        for kind in order {
            let email = match kind {
                Kind::Unknown => format!("timing-{}-nobody-{pair}@example.com", config.run),
                Kind::Wrong => known.clone(),
                Kind::NoHash => format!("timing-{}-nobody-{pair}", config.run),
            };
            let (reply, took) = client
                .post(
                    "/api/auth/sign-in/email",
                    &serde_json::json!({ "email": email, "password": WRONG_PASSWORD }),
                )
                .await?;
            let expected = match kind {
                Kind::NoHash => reply.status == 400,
                Kind::Unknown | Kind::Wrong => {
                    reply.status == 401 && reply.text().contains("INVALID_EMAIL_OR_PASSWORD")
                }
            };
            if !expected {
                if timing.unexpected.len() < 5 {
                    timing
                        .unexpected
                        .push(format!("{} {}", reply.status, reply.text()));
                } else {
                    timing.unexpected.push(String::new());
                }
                continue;
            }
            if kind != Kind::NoHash {
                let answer = (reply.status, reply.body.clone());
                match &first_answer {
                    None => first_answer = Some(answer),
                    Some(first) if *first != answer => timing.same_answer = false,
                    Some(_) => {}
                }
            }
            if pair >= config.warmup {
                match kind {
                    Kind::Unknown => {
                        timing.unknown.push(took);
                        unknown = Some(took);
                    }
                    Kind::Wrong => {
                        timing.wrong.push(took);
                        wrong = Some(took);
                    }
                    Kind::NoHash => timing.no_hash.push(took),
                }
            }
        }
        if let (Some(unknown), Some(wrong)) = (unknown, wrong) {
            timing.pairs.push((unknown, wrong));
        }
    }
    Ok(timing)
}

impl Timing {
    fn summaries(&self) -> (Option<Summary>, Option<Summary>) {
        (summarize(&self.unknown), summarize(&self.wrong))
    }

    /// Over the pairs, unknown − wrong in ms: `(p10, median, p90, share of pairs in
    /// which the unknown email was slower)`.
    pub fn paired(&self) -> Option<(f64, f64, f64, f64)> {
        if self.pairs.is_empty() {
            return None;
        }
        let mut differences: Vec<f64> = self
            .pairs
            .iter()
            .map(|(u, w)| (u.as_secs_f64() - w.as_secs_f64()) * 1000.0)
            .collect();
        differences.sort_by(f64::total_cmp);
        let slower = differences.iter().filter(|d| **d > 0.0).count() as f64;
        Some((
            percentile(&differences, 10.0),
            percentile(&differences, 50.0),
            percentile(&differences, 90.0),
            slower / differences.len() as f64,
        ))
    }

    /// `(median of unknown / median of wrong, |difference| / median of wrong)`.
    pub fn median_ratio(&self) -> Option<(f64, f64)> {
        match self.summaries() {
            (Some(u), Some(w)) if w.p50 > 0.0 => {
                Some((u.p50 / w.p50, (u.p50 - w.p50).abs() / w.p50))
            }
            _ => None,
        }
    }

    /// Everything that makes the run fail; empty when it passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if !self.unexpected.is_empty() {
            failures.push(format!(
                "{} answers were not the 401 INVALID_EMAIL_OR_PASSWORD: {}",
                self.unexpected.len(),
                self.unexpected
                    .iter()
                    .filter(|a| !a.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        if !self.same_answer {
            failures.push("the two kinds got different answers (status or body)".to_owned());
        }
        if let (Some(max), Some((_, difference))) =
            (self.config.max_difference, self.median_ratio())
            && difference > max
        {
            failures.push(format!(
                "the medians differ by {:.1}%, more than {:.0}%",
                difference * 100.0,
                max * 100.0
            ));
        }
        failures
    }

    /// The report, in Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| sign-in | requests | mean ms | median ms | p10 ms | p90 ms | stddev ms | min ms | max ms |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        let (unknown, wrong) = self.summaries();
        for (label, summary) in [
            ("unknown email", unknown),
            ("known email, wrong password", wrong),
            (
                "calibration: malformed email (400 before any lookup or hash)",
                summarize(&self.no_hash),
            ),
        ] {
            match summary {
                Some(s) => {
                    let _ = writeln!(
                        out,
                        "| {label} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                        s.count, s.mean, s.p50, s.p10, s.p90, s.stddev, s.min, s.max
                    );
                }
                None => {
                    let _ = writeln!(out, "| {label} | 0 | — | — | — | — | — | — | — |");
                }
            }
        }
        let _ = writeln!(out);
        if let (Some((ratio, difference)), Some(u), Some(w)) = (self.median_ratio(), unknown, wrong)
        {
            let _ = writeln!(
                out,
                "Median unknown / median wrong password: **{ratio:.3}** (the medians differ by {:.1}% of the wrong-password median; the means by {:.1}%). Every answer of both kinds was {}.",
                difference * 100.0,
                (u.mean - w.mean).abs() / w.mean * 100.0,
                if self.same_answer {
                    "the same 401 `INVALID_EMAIL_OR_PASSWORD`, byte for byte"
                } else {
                    "**not** the same"
                }
            );
        }
        if let Some((p10, median, p90, slower)) = self.paired() {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Paired, each unknown-email sign-in against the wrong-password one sent next to it ({} pairs): unknown − wrong is {median:+.2} ms at the median (p10 {p10:+.2}, p90 {p90:+.2} ms); the unknown email was the slower of the two in {:.0}% of the pairs.",
                self.pairs.len(),
                slower * 100.0
            );
        }
        if let (Some(c), Some(w)) = (summarize(&self.no_hash), wrong) {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "Calibration: a sign-in answered without a lookup or a hash takes {:.2} ms at the median, {:.2} ms less than a wrong password: an unknown email that skipped the dummy hash would show a difference of that order.",
                c.p50,
                w.p50 - c.p50
            );
        }
        let _ = writeln!(out);
        let verdict = match (self.failures(), self.config.max_difference) {
            (f, _) if !f.is_empty() => format!("**FAIL** — {}", f.join("; ")),
            (_, Some(max)) => format!("**pass** (medians within {:.0}%)", max * 100.0),
            (_, None) => "reported only (no assertion in a smoke run)".to_owned(),
        };
        let _ = writeln!(out, "Verdict: {verdict}.");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(unknown_ms: &[u64], wrong_ms: &[u64], max: Option<f64>) -> Timing {
        Timing {
            config: Config {
                addr: SocketAddr::from(([127, 0, 0, 1], 1)),
                origin: String::new(),
                requests: unknown_ms.len(),
                warmup: 0,
                run: "t".to_owned(),
                ip_block: 1,
                timeout: Duration::from_secs(1),
                max_difference: max,
            },
            pairs: unknown_ms
                .iter()
                .zip(wrong_ms)
                .map(|(u, w)| (Duration::from_millis(*u), Duration::from_millis(*w)))
                .collect(),
            no_hash: Vec::new(),
            unknown: unknown_ms
                .iter()
                .copied()
                .map(Duration::from_millis)
                .collect(),
            wrong: wrong_ms
                .iter()
                .copied()
                .map(Duration::from_millis)
                .collect(),
            unexpected: Vec::new(),
            same_answer: true,
        }
    }

    #[test]
    fn the_medians_decide() -> Result<(), String> {
        let close = timing(&[30, 31, 32], &[31, 32, 33], Some(0.10));
        let (ratio, difference) = close.median_ratio().ok_or("no ratio")?;
        assert!((ratio - 31.0 / 32.0).abs() < 1e-9 && (difference - 1.0 / 32.0).abs() < 1e-9);
        assert!(close.failures().is_empty());
        let (p10, median, p90, slower) = close.paired().ok_or("no pairs")?;
        for difference in [p10, median, p90] {
            assert!((difference + 1.0).abs() < 1e-6, "{difference}");
        }
        assert!(slower.abs() < 1e-9);
        let early_exit = timing(&[2, 3, 2], &[31, 32, 33], Some(0.10));
        assert_eq!(early_exit.failures().len(), 1);
        assert!(
            timing(&[2, 3, 2], &[31, 32, 33], None)
                .failures()
                .is_empty()
        );
        Ok(())
    }
}
