//! The quiz scores in memory: a reply shows the new score at once, while its write may still
//! be queued. Bounded: past [`CAPACITY`] users the least recently used are forgotten, except
//! those with a write still queued (forgetting one of those would read a stale score back
//! from the file). Memory is therefore at most `CAPACITY` plus the queue's capacity entries.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Score, UserKey};

/// Users kept in memory before the least recently used are forgotten.
pub(crate) const CAPACITY: usize = 10_000;

/// One scope's user.
pub(crate) type ScoreKey = (String, UserKey);

/// A remembered score.
struct Cached {
    score: Score,
    display_name: String,
    /// Writes queued or being written for this user; never forgotten while above zero.
    pending: u32,
    /// A logical clock of the last use, for forgetting the least recently used.
    used: u64,
}

/// The scores of the users seen lately.
#[derive(Default)]
pub(crate) struct Scores {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<ScoreKey, Cached>,
    clock: u64,
}

impl Scores {
    /// The score if the user is in memory.
    pub(crate) fn get(&self, key: &ScoreKey) -> Option<Score> {
        let mut inner = self.lock();
        inner.clock += 1;
        let clock = inner.clock;
        inner.map.get_mut(key).map(|cached| {
            cached.used = clock;
            cached.score
        })
    }

    /// Applies one answer: from the remembered score, else from `stored` (the file's, read by
    /// the caller outside the lock). Counts one pending write, which the caller must settle
    /// with [`Scores::settle`] when it is written or dropped.
    pub(crate) fn apply(&self, key: ScoreKey, stored: Option<Score>, display_name: &str, correct: bool) -> Score {
        let mut inner = self.lock();
        inner.clock += 1;
        let clock = inner.clock;
        let cached = inner.map.entry(key).or_insert_with(|| Cached {
            score: stored.unwrap_or_default(),
            display_name: String::new(),
            pending: 0,
            used: clock,
        });
        cached.score = cached.score.after(correct);
        display_name.clone_into(&mut cached.display_name);
        cached.pending += 1;
        cached.used = clock;
        let score = cached.score;
        if inner.map.len() > CAPACITY {
            inner.forget_least_recent();
        }
        score
    }

    /// One pending write of `key` is done (written, failed or dropped).
    pub(crate) fn settle(&self, key: &ScoreKey) {
        if let Some(cached) = self.lock().map.get_mut(key) {
            cached.pending = cached.pending.saturating_sub(1);
        }
    }

    /// The users of `scope` in memory, with their latest display names.
    pub(crate) fn in_scope(&self, scope: &str) -> Vec<(UserKey, String, Score)> {
        self.lock()
            .map
            .iter()
            .filter(|((their_scope, _), _)| their_scope == scope)
            .map(|((_, user), cached)| (user.clone(), cached.display_name.clone(), cached.score))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves plain numbers behind; they are still usable.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().map.len()
    }
}

impl Inner {
    /// Forgets the least recently used settled users down to three quarters of the capacity,
    /// so the sort is paid once per quarter of the capacity, not on every new user.
    fn forget_least_recent(&mut self) {
        let mut settled: Vec<(u64, ScoreKey)> = self
            .map
            .iter()
            .filter(|(_, cached)| cached.pending == 0)
            .map(|(key, cached)| (cached.used, key.clone()))
            .collect();
        settled.sort_unstable_by_key(|(used, _)| *used);
        let excess = self.map.len().saturating_sub(CAPACITY * 3 / 4);
        for (_, key) in settled.into_iter().take(excess) {
            self.map.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> ScoreKey {
        ("dm".to_string(), UserKey::for_test(&format!("{n:032x}")))
    }

    #[test]
    fn stays_bounded_and_never_forgets_a_pending_write() {
        let scores = Scores::default();
        scores.apply(key(0), None, "first", true);
        for n in 1..CAPACITY * 2 {
            scores.apply(key(n), None, "someone", true);
            scores.settle(&key(n));
        }
        assert!(scores.len() <= CAPACITY + 1, "{}", scores.len());
        assert_eq!(scores.get(&key(0)).map(|s| s.correct), Some(1), "pending: kept");
        scores.settle(&key(0));
    }

    #[test]
    fn applies_on_top_of_the_stored_score() {
        let scores = Scores::default();
        let stored = Score {
            correct: 5,
            answered: 7,
            streak: 2,
            best_streak: 4,
        };
        let score = scores.apply(key(1), Some(stored), "a", true);
        assert_eq!(
            (score.correct, score.answered, score.streak, score.best_streak),
            (6, 8, 3, 4)
        );
    }
}
