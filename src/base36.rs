//! Numbers in lowercase base 36: how button ids write seeds, fingerprints and Discord ids
//! compactly within Discord's 100 characters, and read them back strictly.

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `value` in lowercase base 36 (at most 13 characters).
pub(crate) fn encode(mut value: u64) -> String {
    let mut digits = Vec::new();
    loop {
        // A remainder below 36 indexes DIGITS.
        digits.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Canonical lowercase base 36 (no sign, no leading zero but for `0` itself) that fits a u64;
/// anything else, as [`encode`] never writes it, is `None`.
pub(crate) fn decode(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.len() <= 13
        && text.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return None;
    }
    u64::from_str_radix(text, 36).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_extremes_and_refuses_what_it_never_writes() {
        for value in [0, 1, 35, 36, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decode(&encode(value)), Some(value));
        }
        assert_eq!(encode(u64::MAX).len(), 13);
        assert_eq!(decode("00"), None);
        assert_eq!(decode("+1"), None);
        assert_eq!(decode("A"), None);
        assert_eq!(decode(""), None);
        assert_eq!(decode("zzzzzzzzzzzzz"), None, "over u64::MAX");
    }
}
