//! Bounds on what one question or one user may cost: the per-user limit on LLM answers and
//! the longest question read. Past either, the user still gets an answer, with a note that
//! says why it is what it is.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::reply::{Reply, ReplySection};
use crate::knowledge::Lang;

/// How many checks pass between sweeps of users who have not asked lately.
const SWEEP_EVERY: u64 = 1024;

/// A per-user quota of LLM answers per minute.
pub(super) struct UserLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    per_minute: u32,
    checks: AtomicU64,
}

impl UserLimiter {
    /// `None` when `per_minute` is 0 (no limit).
    pub(super) fn new(per_minute: u32) -> Option<UserLimiter> {
        let quota = NonZeroU32::new(per_minute)?;
        Some(UserLimiter {
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_minute(quota)),
            clock: DefaultClock::default(),
            per_minute,
            checks: AtomicU64::new(0),
        })
    }

    /// `Ok` when `user` may have another LLM answer now, else how long until they may.
    pub(super) fn check(&self, user: &str) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&user.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// The quota, for the note.
    pub(super) fn per_minute(&self) -> u32 {
        self.per_minute
    }
}

/// The first `max_chars` characters of `text`, and whether anything was cut.
pub(super) fn bounded(text: &str, max_chars: usize) -> (&str, bool) {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => (&text[..cut], true),
        None => (text, false),
    }
}

/// Adds a note at the end of a reply, in its language.
pub(super) fn with_note(mut reply: Reply, en: String, ko: String) -> Reply {
    let (heading, body) = match reply.lang {
        Lang::En => ("Note", en),
        Lang::Ko => ("참고", ko),
    };
    reply.sections.push(ReplySection {
        heading: heading.to_string(),
        body,
    });
    reply
}

/// The note on a question that was answered about its beginning only.
pub(super) fn truncated_note(reply: Reply, max_chars: usize) -> Reply {
    with_note(
        reply,
        format!("Your question was long, so this answers its first {max_chars} characters."),
        format!("질문이 길어서 앞부분 {max_chars}자에 대해 답했습니다."),
    )
}

/// The note on an offline answer given because the user's LLM quota is used up.
pub(super) fn limited_note(reply: Reply, per_minute: u32, wait: Duration) -> Reply {
    let seconds = wait.as_secs().max(1);
    with_note(
        reply,
        format!(
            "You have reached the limit of {per_minute} AI-written answers per minute, so this one comes from the \
             knowledge base directly. Try again in about {seconds} s for an AI-written answer."
        ),
        format!(
            "AI 답변은 1분에 {per_minute}번까지라서 이번 답은 지식 베이스에서 바로 가져왔습니다. 약 {seconds}초 뒤에 \
             다시 물어보면 AI가 쓴 답을 받을 수 있습니다."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_cuts_on_characters() {
        assert_eq!(bounded("IaaS랑 PaaS", 5), ("IaaS랑", true));
        assert_eq!(bounded("short", 10), ("short", false));
        assert_eq!(bounded("", 0), ("", false));
    }

    #[test]
    fn a_user_past_the_quota_waits_and_others_do_not() {
        let limiter = UserLimiter::new(2).expect("a limit");
        assert!(limiter.check("alice").is_ok());
        assert!(limiter.check("alice").is_ok());
        let wait = limiter.check("alice").expect_err("third in a minute");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
        assert!(limiter.check("bob").is_ok());
        assert!(UserLimiter::new(0).is_none());
    }
}
