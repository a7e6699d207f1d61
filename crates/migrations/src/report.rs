//! What a run did, migration by migration, and how both migrators print it: one line per
//! migration, then a summary line.

use std::fmt;

/// What happened to one migration in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its SQL ran and was recorded, in one transaction.
    Applied,
    /// Its tables already existed with the shape it creates; it was recorded as
    /// adopted without running it and without touching any row.
    Adopted,
    /// The ledger already listed it (`adopted` says whether it had been adopted).
    AlreadyApplied {
        /// Whether it had been adopted rather than run.
        adopted: bool,
    },
}

/// One migration and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The migration's version.
    pub version: u32,
    /// The migration's file name without `.sql`, e.g. `0001_better_auth`.
    pub id: String,
    /// What happened to it.
    pub outcome: Outcome,
}

/// The result of a successful run: one entry per known migration, by version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The entries, by version.
    pub entries: Vec<Entry>,
}

impl Report {
    /// The versions applied by this run.
    pub fn applied(&self) -> Vec<u32> {
        self.versions(|o| o == Outcome::Applied)
    }

    /// The versions adopted by this run.
    pub fn adopted(&self) -> Vec<u32> {
        self.versions(|o| o == Outcome::Adopted)
    }

    /// The versions the ledger already listed.
    pub fn already_applied(&self) -> Vec<u32> {
        self.versions(|o| matches!(o, Outcome::AlreadyApplied { .. }))
    }

    /// Whether this run wrote anything.
    pub fn changed(&self) -> bool {
        self.entries
            .iter()
            .any(|e| !matches!(e.outcome, Outcome::AlreadyApplied { .. }))
    }

    fn versions(&self, keep: impl Fn(Outcome) -> bool) -> Vec<u32> {
        self.entries
            .iter()
            .filter(|e| keep(e.outcome))
            .map(|e| e.version)
            .collect()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Applied => "applied",
            Self::Adopted => "adopted (existing tables match; no row touched)",
            Self::AlreadyApplied { adopted: false } => "already applied",
            Self::AlreadyApplied { adopted: true } => "already applied (adopted)",
        })
    }
}

impl fmt::Display for Report {
    /// One line per migration, then a summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.entries.iter().map(|e| e.id.len()).max().unwrap_or(0);
        for entry in &self.entries {
            writeln!(f, "{:width$}  {}", entry.id, entry.outcome)?;
        }
        let (applied, adopted) = (self.applied().len(), self.adopted().len());
        if self.changed() {
            write!(f, "{applied} applied, {adopted} adopted")
        } else {
            write!(f, "up to date")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: u32, id: &str, outcome: Outcome) -> Entry {
        Entry {
            version,
            id: id.to_owned(),
            outcome,
        }
    }

    #[test]
    fn display() {
        let report = Report {
            entries: vec![
                entry(1, "0001_better_auth", Outcome::Adopted),
                entry(2, "0002_todo", Outcome::Applied),
            ],
        };
        assert_eq!(
            report.to_string(),
            "0001_better_auth  adopted (existing tables match; no row touched)\n\
             0002_todo         applied\n\
             1 applied, 1 adopted"
        );
        assert_eq!(report.applied(), [2]);
        assert_eq!(report.adopted(), [1]);
        assert!(report.already_applied().is_empty());
        assert!(report.changed());
        assert!(Report::default().to_string().ends_with("up to date"));
    }

    #[test]
    fn a_run_that_found_everything_done_is_up_to_date() {
        let report = Report {
            entries: vec![
                entry(
                    1,
                    "0001_better_auth",
                    Outcome::AlreadyApplied { adopted: true },
                ),
                entry(2, "0002_todo", Outcome::AlreadyApplied { adopted: false }),
            ],
        };
        assert!(!report.changed());
        assert_eq!(report.already_applied(), [1, 2]);
        assert_eq!(
            report.to_string(),
            "0001_better_auth  already applied (adopted)\n\
             0002_todo         already applied\n\
             up to date"
        );
    }
}
