//! Latency summaries: mean, standard deviation and nearest-rank percentiles.

use std::time::Duration;

/// A summary of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// How many samples.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (0 for one sample).
    pub stddev: f64,
    /// Fastest.
    pub min: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of `sorted`, which must be sorted
/// and not empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil().max(1.0);
    // `rank` is between 1 and len: a whole number that fits.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a rank between 1 and the number of samples"
    )]
    let index = (rank as usize).min(sorted.len()) - 1;
    sorted[index]
}

/// The summary of `latencies`, `None` when there are none.
pub fn summarize(latencies: &[Duration]) -> Option<Summary> {
    if latencies.is_empty() {
        return None;
    }
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let n = ms.len() as f64;
    let mean = ms.iter().sum::<f64>() / n;
    let variance = if ms.len() > 1 {
        ms.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    Some(Summary {
        count: ms.len(),
        mean,
        stddev: variance.sqrt(),
        min: ms[0],
        p10: percentile(&ms, 10.0),
        p50: percentile(&ms, 50.0),
        p90: percentile(&ms, 90.0),
        p99: percentile(&ms, 99.0),
        max: ms[ms.len() - 1],
    })
}

/// `value` with two decimals, or "—" when absent.
pub fn ms_or_dash(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() -> Result<(), String> {
        let latencies: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarize(&latencies).ok_or("no summary")?;
        assert_eq!(s.count, 100);
        assert!((s.p10 - 10.0).abs() < 1e-9);
        assert!((s.p50 - 50.0).abs() < 1e-9);
        assert!((s.p90 - 90.0).abs() < 1e-9);
        assert!((s.p99 - 99.0).abs() < 1e-9);
        assert!((s.min - 1.0).abs() < 1e-9 && (s.max - 100.0).abs() < 1e-9);
        assert!((s.mean - 50.5).abs() < 1e-9);
        let one = summarize(&[Duration::from_millis(7)]).ok_or("no summary")?;
        assert!((one.p99 - 7.0).abs() < 1e-9 && one.stddev == 0.0);
        assert!(summarize(&[]).is_none());
        Ok(())
    }
}
