//! The file backend's soft state for calls: `limits.json` (rate-limit pacing,
//! pauses, endpoint cooldowns) and `budgets.json` (the day's spend and the
//! reservations in flight), each read-modified-written under its own lock, never
//! held across a network call.

use std::path::PathBuf;
use std::time::Duration;

use super::FileState;
use crate::clock::{now_ms, utc_day};
use crate::files::{self, FsError, LockMode, LockedFile, Wait};
use crate::limits::{self, Gate};
use crate::state::{Admission, BudgetLine, Guard, Rates, Refusal, Reservation, StateError, WaitWhy};

const LIMITS_LOCK: &str = "the limits lock";

/// `limits.json`: rate-limit pacing, pauses and endpoint cooldowns, shared by every
/// invocation on this state folder. Its own file and lock, so pacing never queues
/// behind task-end writes; never held across a network call. It is soft state: a file
/// that does not parse is started afresh.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Limits {
    #[serde(default)]
    keys: std::collections::BTreeMap<String, KeyLimits>,
    #[serde(default)]
    cooldowns: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct KeyLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rpm_tat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tpm_tat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_before: Option<i64>,
}

/// `budgets.json`: the UTC day's spend by budget key and the reservations of tasks in
/// flight, each naming the lock file its process holds.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Budgets {
    #[serde(default)]
    pub(super) day: String,
    #[serde(default)]
    pub(super) spend: std::collections::BTreeMap<String, f64>,
    #[serde(default)]
    reservations: Vec<ReservationEntry>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ReservationEntry {
    id: String,
    keys: Vec<String>,
    usd: f64,
}

impl Limits {
    /// Drop what has expired, so the file stays small.
    fn prune(&mut self, now: i64) {
        self.cooldowns.retain(|_, until| *until > now);
        self.keys.retain(|_, k| {
            k.rpm_tat.is_some_and(|t| t > now)
                || k.tpm_tat.is_some_and(|t| t > now)
                || k.not_before.is_some_and(|t| t > now)
        });
    }
}

impl FileState {
    fn reservation_lock(&self, id: &str) -> PathBuf {
        self.locks.join(format!("reservation-{id}.lock"))
    }

    /// Read-modify-write `budgets.json` under its own lock: a new UTC day starts with
    /// no spend; reservations whose process died (their lock is free) are dropped.
    pub(super) async fn update_budgets<R>(&self, change: impl FnOnce(&mut Budgets) -> R) -> Result<R, StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("budgets.lock");
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(self.lock_timeout) };
        let held = LockedFile::acquire(&path, LockMode::Exclusive, wait, |pid| on_wait("the budgets lock", pid))
            .await
            .map_err(|e| self.lock_error("the budgets lock", e))?;
        held.write_holder();
        let file = self.dir.join("budgets.json");
        let mut budgets: Budgets =
            std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let today = utc_day();
        if budgets.day != today {
            budgets.day = today;
            budgets.spend.clear();
        }
        budgets.reservations.retain(|r| {
            let lock = self.reservation_lock(&r.id);
            let alive = files::is_locked(&lock);
            if !alive {
                let _ = std::fs::remove_file(lock);
            }
            alive
        });
        let result = change(&mut budgets);
        let text = crate::state::encode("the budgets", &budgets)?;
        files::write_atomic(&file, &text, 0o600, true).map_err(|e| self.io(e))?;
        Ok(result)
    }

    fn limits_file(&self) -> PathBuf {
        self.dir.join("limits.json")
    }

    fn read_limits(&self) -> Limits {
        std::fs::read(self.limits_file()).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// Read-modify-write `limits.json` under its own lock.
    async fn update_limits<R>(&self, change: impl FnOnce(&mut Limits, i64) -> R) -> Result<R, StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("limits.lock");
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(self.lock_timeout) };
        let held = LockedFile::acquire(&path, LockMode::Exclusive, wait, |pid| on_wait(LIMITS_LOCK, pid))
            .await
            .map_err(|e| self.lock_error(LIMITS_LOCK, e))?;
        held.write_holder();
        let mut limits = self.read_limits();
        let now = now_ms();
        let result = change(&mut limits, now);
        limits.prune(now);
        let text = crate::state::encode("the limits", &limits)?;
        files::write_atomic(&self.limits_file(), &text, 0o600, true).map_err(|e| self.io(e))?;
        Ok(result)
    }
    pub(super) async fn reserve_budget(
        &self,
        lines: &[BudgetLine],
        usd: f64,
    ) -> Result<Result<Reservation, Refusal>, StateError> {
        self.ensure_dirs()?;
        let id = format!("{:016x}", fastrand::u64(..));
        // The lock is taken before the reservation is written, so no writer can see
        // it without its process holding it.
        let held = LockedFile::try_acquire(&self.reservation_lock(&id), LockMode::Exclusive)
            .map_err(|e| self.lock_error("a reservation lock", e))?
            .ok_or_else(|| {
                self.io(FsError {
                    action: "lock",
                    path: self.reservation_lock(&id),
                    source: std::io::Error::other("a fresh reservation lock is held"),
                })
            })?;
        let keys: Vec<String> = lines.iter().map(|l| l.key.clone()).collect();
        let refused = self
            .update_budgets(|budgets| {
                for line in lines {
                    let spent = budgets.spend.get(&line.key).copied().unwrap_or(0.0);
                    let reserved: f64 =
                        budgets.reservations.iter().filter(|r| r.keys.contains(&line.key)).map(|r| r.usd).sum();
                    if spent + reserved + usd > line.limit_usd + 1e-12 {
                        return Some(Refusal {
                            key: line.key.clone(),
                            limit_usd: line.limit_usd,
                            spent_usd: spent,
                            reserved_usd: reserved,
                        });
                    }
                }
                budgets.reservations.push(ReservationEntry { id: id.clone(), keys: keys.clone(), usd });
                None
            })
            .await?;
        match refused {
            Some(refusal) => {
                drop(held);
                let _ = std::fs::remove_file(self.reservation_lock(&id));
                Ok(Err(refusal))
            }
            None => Ok(Ok(Reservation { id, keys, _held: Guard::File(held) })),
        }
    }

    pub(super) async fn settle_budget(&self, reservation: Reservation, usd: f64) -> Result<(), StateError> {
        let id = reservation.id.clone();
        self.update_budgets(|budgets| {
            budgets.reservations.retain(|r| r.id != id);
            for key in &reservation.keys {
                *budgets.spend.entry(key.clone()).or_default() += usd.max(0.0);
            }
        })
        .await?;
        drop(reservation);
        let _ = std::fs::remove_file(self.reservation_lock(&id));
        Ok(())
    }

    pub(super) async fn admit_request(&self, key: &str, rates: Rates) -> Result<Admission, StateError> {
        if rates.rpm.is_none() && rates.tpm.is_none() {
            // Nothing to pace: only a pause can hold the request, and that is a read.
            let limits = self.read_limits();
            return Ok(match limits.keys.get(key).and_then(|k| k.not_before) {
                Some(until) if until > now_ms() => Admission::Wait { until, why: WaitWhy::Paused },
                _ => Admission::Now,
            });
        }
        self.update_limits(|limits, now| {
            let entry = limits.keys.entry(key.to_string()).or_default();
            if let Some(until) = entry.not_before.filter(|until| *until > now) {
                return Admission::Wait { until, why: WaitWhy::Paused };
            }
            let rpm = rates.rpm.map(|rpm| limits::gcra(entry.rpm_tat, now, f64::from(rpm), 1.0));
            let tpm = rates.tpm.map(|tpm| limits::gcra(entry.tpm_tat, now, tpm as f64, rates.tokens as f64));
            if let Some(Gate::Wait { until }) = rpm {
                return Admission::Wait { until, why: WaitWhy::Rpm };
            }
            if let Some(Gate::Wait { until }) = tpm {
                return Admission::Wait { until, why: WaitWhy::Tpm };
            }
            if let Some(Gate::Now { tat }) = rpm {
                entry.rpm_tat = Some(tat);
            }
            if let Some(Gate::Now { tat }) = tpm {
                entry.tpm_tat = Some(tat);
            }
            Admission::Now
        })
        .await
    }

    pub(super) async fn correct_pace(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError> {
        if delta == 0 {
            return Ok(());
        }
        self.update_limits(|limits, now| {
            if let Some(entry) = limits.keys.get_mut(key)
                && let Some(tat) = entry.tpm_tat
            {
                entry.tpm_tat = Some(limits::correct(tat, now, tpm as f64, delta as f64));
            }
        })
        .await
    }

    pub(super) async fn pause_key(&self, key: &str, until: i64) -> Result<(), StateError> {
        self.update_limits(|limits, _| {
            let entry = limits.keys.entry(key.to_string()).or_default();
            entry.not_before = Some(entry.not_before.map_or(until, |t| t.max(until)));
        })
        .await
    }

    pub(super) async fn cool_instance(&self, instance: &str, until: i64) -> Result<(), StateError> {
        self.update_limits(|limits, _| {
            let slot = limits.cooldowns.entry(instance.to_string()).or_insert(until);
            *slot = (*slot).max(until);
        })
        .await
    }

    pub(super) fn cooling(&self, instances: &[String]) -> Vec<Option<i64>> {
        let limits = self.read_limits();
        let now = now_ms();
        instances.iter().map(|i| limits.cooldowns.get(i).copied().filter(|until| *until > now)).collect()
    }
}
