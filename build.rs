//! Compiles the knowledge base into the binary: lists `knowledge/*.toml` and writes an
//! `include_str!` table to `OUT_DIR`, so the set of files lives only on disk, never in code.

use std::{env, fs, path::PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = root.join("knowledge");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("the knowledge/ folder is part of the crate")
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// `(file name, contents)` of every built-in knowledge file.\npub(super) static BUILTIN_KNOWLEDGE: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().expect("read_dir yields names").to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let target = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_knowledge.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}
