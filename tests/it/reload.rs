//! Hot reload against real folders: an edit takes effect, a broken file keeps the last good
//! knowledge serving and names the file and field, the fix is picked up, SIGHUP reloads.
//! One test on purpose: SIGHUP reaches every watcher in the process, so the steps run in order.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use xaas::assistant::{Assistant, Question, ReplyKind};
use xaas::reload::{self, ReloadEvent, Sources};

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("a file name"))).expect("copy");
        }
    }
}

/// A private copy of the repository's knowledge and prompts folders.
fn folders(name: &str) -> (PathBuf, Sources) {
    let root = std::env::temp_dir().join(format!("xaas-reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_folder(&manifest.join("knowledge"), &root.join("knowledge"));
    copy_folder(&manifest.join("prompts"), &root.join("prompts"));
    let sources = Sources {
        knowledge_dir: Some(root.join("knowledge")),
        prompts_dir: Some(root.join("prompts")),
    };
    (root, sources)
}

/// The next reload outcome, bounded so a missed event fails instead of hanging.
async fn next_event(events: &mut watch::Receiver<ReloadEvent>) -> ReloadEvent {
    tokio::time::timeout(Duration::from_secs(20), events.changed())
        .await
        .expect("a reload within the bound")
        .expect("the watcher is running");
    events.borrow_and_update().clone()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} contains {from:?}", path.display());
    // Write a temporary file and rename it over the original, the way editors save.
    let temporary = path.with_extension("swp");
    std::fs::write(&temporary, text.replacen(from, to, 1)).expect("write");
    std::fs::rename(&temporary, path).expect("rename");
}

#[tokio::test]
async fn edits_take_effect_and_a_broken_file_keeps_the_last_good_version() {
    let (root, sources) = folders("edit");
    let (knowledge, prompts) = reload::load(&sources).expect("the copy loads");
    let first_version = knowledge.version().to_string();
    let assistant = Arc::new(Assistant::with_prompts(knowledge, prompts));
    let watcher = reload::watch(assistant.clone(), sources).expect("watching starts");
    let mut events = watcher.events();

    // 1. An edit is picked up.
    let iaas = root.join("knowledge/iaas.toml");
    edit(
        &iaas,
        "rents out IT infrastructure",
        "rents out zebracorn IT infrastructure",
    );
    let ReloadEvent::Loaded(second_version) = next_event(&mut events).await else {
        panic!("the edit loads: {:?}", events.borrow());
    };
    assert_ne!(second_version, first_version);
    let reply = assistant.answer(&Question::new("what is zebracorn"));
    assert_eq!(
        reply.sources.first().map(|s| s.id.as_str()),
        Some("iaas"),
        "the new text is searched"
    );

    // 2. A broken file: the error names the file and field, the last good version serves.
    edit(&iaas, "kind = \"model\"", "kind = \"modle\"");
    let ReloadEvent::Failed(error) = next_event(&mut events).await else {
        panic!("the broken file fails: {:?}", events.borrow());
    };
    assert!(error.contains("iaas.toml") && error.contains("kind"), "{error}");
    assert_eq!(assistant.snapshot().knowledge().version(), second_version);
    assert_eq!(assistant.answer(&Question::new("IaaS 단점")).kind, ReplyKind::Answer);

    // 3. The fix is retried on the next change.
    edit(&iaas, "kind = \"modle\"", "kind = \"model\"");
    assert!(matches!(next_event(&mut events).await, ReloadEvent::Loaded(_)));

    // 4. A broken prompt template fails the same way, naming the template.
    edit(&root.join("prompts/user.jinja"), "{{ question }}", "{{ question }");
    let ReloadEvent::Failed(error) = next_event(&mut events).await else {
        panic!("the broken template fails: {:?}", events.borrow());
    };
    assert!(error.contains("user.jinja"), "{error}");
    assert!(assistant
        .prompt(&Question::new("IaaS?"))
        .expect("prompts still render")
        .is_some());
    edit(&root.join("prompts/user.jinja"), "{{ question }", "{{ question }}");
    assert!(matches!(next_event(&mut events).await, ReloadEvent::Loaded(_)));

    // 5. SIGHUP reloads without any file change. (In this one test only: the signal reaches
    // every watcher in the process.)
    #[cfg(unix)]
    {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &std::process::id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        assert!(matches!(next_event(&mut events).await, ReloadEvent::Loaded(_)));
    }
    drop(watcher);
    let _ = std::fs::remove_dir_all(root);
}
