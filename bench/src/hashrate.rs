//! The native rate of sign-in's password check: `verify_password` of a correct
//! password against a hash made by `hash_password`, both from `spinstack_passwords`,
//! so the parameters (Argon2id, m=7168 KiB, t=5, p=1) are exactly the app's.

use std::time::{Duration, Instant};

use spinstack_passwords::{
    CURRENT_M_COST_KIB, CURRENT_P_COST, CURRENT_T_COST, hash_password, verify_password,
};

/// The password the measurement checks (as the benchmark's user signs in with).
const PASSWORD: &str = "bench-password-0123";

/// One measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct HashRate {
    /// Threads that verified concurrently.
    pub threads: usize,
    /// Verifications completed, all threads.
    pub verifications: u64,
    /// Wall time of the measurement.
    pub elapsed: Duration,
}

impl HashRate {
    /// Verifications per second, all threads.
    #[must_use]
    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.verifications as f64 / secs
        } else {
            0.0
        }
    }
}

/// The parameters measured, as `m=…,t=…,p=…`.
#[must_use]
pub fn parameters() -> String {
    format!("argon2id m={CURRENT_M_COST_KIB},t={CURRENT_T_COST},p={CURRENT_P_COST}")
}

/// Verifies the correct password on `threads` threads for about `duration`.
///
/// # Errors
/// When hashing fails (no OS randomness) or the check does not accept the password.
pub fn measure(threads: usize, duration: Duration) -> Result<HashRate, String> {
    let stored = hash_password(PASSWORD).map_err(|e| e.to_string())?;
    if !verify_password(&stored, PASSWORD).is_valid() {
        return Err("the password check rejected a correct password".to_owned());
    }
    let threads = threads.max(1);
    let start = Instant::now();
    let deadline = start + duration;
    let verifications = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let stored = stored.as_str();
                scope.spawn(move || {
                    // At least one check per thread, however late the thread starts.
                    let mut done = 0u64;
                    loop {
                        std::hint::black_box(verify_password(
                            std::hint::black_box(stored),
                            std::hint::black_box(PASSWORD),
                        ));
                        done += 1;
                        if Instant::now() >= deadline {
                            break done;
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or(0))
            .sum()
    });
    Ok(HashRate {
        threads,
        verifications,
        elapsed: start.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_at_least_one_verification() -> Result<(), String> {
        let rate = measure(1, Duration::from_millis(1))?;
        assert!(rate.verifications >= 1);
        assert!(rate.per_second() > 0.0);
        assert!(parameters().starts_with("argon2id m=7168,t=5,p=1"));
        Ok(())
    }
}
