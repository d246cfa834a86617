//! Benchmarks of the offline path: question → Reply, and knowledge load + index build.
//! Figures and the command that produced them go to docs/PERFORMANCE.md.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use xaas::assistant::{Assistant, Question};
use xaas::knowledge::KnowledgeBase;

const QUESTIONS: &[&str] = &[
    "IaaS가 뭐야?",
    "what are the downsides of PaaS?",
    "IaaS랑 PaaS 차이",
    "heroku vs ec2",
    "3D 렌더링 하려면 뭘 써야 해",
    "오늘 점심 뭐 먹지?",
    "iqass providers",
    "GDPR 언제 시행됐어?",
];

fn answer(c: &mut Criterion) {
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
    for question in QUESTIONS {
        let question = Question::new(*question);
        c.bench_function(&format!("answer/{}", question.text), |b| {
            b.iter(|| assistant.answer(black_box(&question)))
        });
    }
    let all: Vec<Question> = QUESTIONS.iter().map(|q| Question::new(*q)).collect();
    c.bench_function("answer/mix-of-8", |b| {
        b.iter(|| {
            for question in &all {
                black_box(assistant.answer(question));
            }
        })
    });
}

fn load(c: &mut Criterion) {
    c.bench_function("load/knowledge-parse-validate", |b| {
        b.iter(|| KnowledgeBase::builtin().expect("built-in knowledge loads"))
    });
    let knowledge = KnowledgeBase::builtin().expect("built-in knowledge loads");
    c.bench_function("load/index-build", |b| {
        b.iter(|| Assistant::new(black_box(knowledge.clone())))
    });
}

criterion_group!(benches, answer, load);
criterion_main!(benches);
