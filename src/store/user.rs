//! User keys: HMAC-SHA256 of the platform and id under this database's own random salt, so
//! the file never holds a raw Discord id and the keys of two databases cannot be matched up.

use ring::hmac;
use serde::Serialize;

/// A user as the store knows them: a keyed hash, 32 hex characters (128 bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UserKey(String);

impl UserKey {
    /// The hex form, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A key read back from the file.
    pub(crate) fn from_stored(hex: String) -> UserKey {
        UserKey(hex)
    }

    /// A key made up in a unit test.
    #[cfg(test)]
    pub(crate) fn for_test(hex: &str) -> UserKey {
        UserKey(hex.to_string())
    }
}

impl std::fmt::Display for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The keyed hash of one database.
pub(crate) struct UserHasher {
    key: hmac::Key,
}

impl UserHasher {
    /// A hasher over this database's salt.
    pub(crate) fn new(salt: &[u8]) -> UserHasher {
        UserHasher {
            key: hmac::Key::new(hmac::HMAC_SHA256, salt),
        }
    }

    /// The key of `id` on `platform` ("discord", "cli").
    pub(crate) fn key(&self, platform: &str, id: u64) -> UserKey {
        let tag = hmac::sign(&self.key, format!("{platform}\0{id}").as_bytes());
        let hex = tag.as_ref()[..16].iter().map(|byte| format!("{byte:02x}")).collect();
        UserKey(hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_per_salt_and_differ_across_salts_and_platforms() {
        let one = UserHasher::new(b"salt one");
        let two = UserHasher::new(b"salt two");
        let id = 123_456_789_012_345_678;
        assert_eq!(one.key("discord", id), one.key("discord", id));
        assert_ne!(one.key("discord", id), two.key("discord", id));
        assert_ne!(one.key("discord", id), one.key("cli", id));
        let key = one.key("discord", id);
        assert_eq!(key.as_str().len(), 32);
        assert!(key.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert!(!key.as_str().contains(&id.to_string()));
    }
}
