//! Any bytes as a knowledge file: the loader either loads them or returns errors that name
//! the file; it never panics. Two files at once also exercise the cross-file checks
//! (duplicate ids and aliases, references).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xaas::knowledge::{KnowledgeBase, SourceFile};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (first, second) = text.split_at(text.char_indices().map(|(i, _)| i).nth(text.chars().count() / 2).unwrap_or(0));
    let files = vec![
        SourceFile { path: "fuzz/iaas.toml".into(), text: first.to_string() },
        SourceFile { path: "fuzz/paas.toml".into(), text: second.to_string() },
    ];
    if let Err(error) = KnowledgeBase::from_files(files, "fuzz") {
        assert!(error.to_string().contains("fuzz/"));
    }
});
