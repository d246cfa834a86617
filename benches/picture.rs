//! Benchmarks of `xaas picture`'s renderer: chart + SVG + resvg + PNG encoding for a small and
//! a wide picture, in both languages, and the SVG step alone. Figures and the command that
//! produced them are in docs/PERFORMANCE.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use xaas::knowledge::{KnowledgeBase, Lang};
use xaas::picture::{responsibility_png, responsibility_svg, PictureOptions};

const SMALL: &[&str] = &["iaas", "saas"];
const WIDE: &[&str] = &["iaas", "caas", "paas", "faas", "saas", "gpuaas", "iqaas"];

fn picture(c: &mut Criterion) {
    let knowledge = KnowledgeBase::builtin().expect("built-in knowledge loads");
    for (label, ids) in [("iaas-saas", SMALL), ("all-models", WIDE)] {
        for lang in [Lang::En, Lang::Ko] {
            let options = PictureOptions::new(lang);
            let picture = responsibility_png(&knowledge, ids, &options).expect("picture");
            println!(
                "picture/{label}/{lang}: {}×{} px, {} bytes of PNG",
                picture.width,
                picture.height,
                picture.png.len()
            );
            c.bench_function(&format!("picture/png/{label}/{lang}"), |b| {
                b.iter(|| responsibility_png(&knowledge, black_box(ids), &options).expect("picture"))
            });
        }
    }
    let options = PictureOptions::new(Lang::Ko);
    c.bench_function("picture/svg-only/all-models/ko", |b| {
        b.iter(|| responsibility_svg(&knowledge, black_box(WIDE), &options).expect("svg"))
    });
}

criterion_group!(benches, picture);
criterion_main!(benches);
