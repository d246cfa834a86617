//! Benchmarks: the offline path (question → Reply), knowledge load + index build, and what the
//! grounded (LLM) path adds on top of the model's own latency, measured against an instant
//! OpenAI-compatible fake on loopback. Figures and the commands that produced them are in
//! docs/PERFORMANCE.md.

use std::hint::black_box;
use std::sync::Arc;

#[path = "questions.rs"]
mod questions;

use criterion::{criterion_group, criterion_main, Criterion};
use questions::QUESTIONS;
use xaas::assistant::{Assistant, Question, Turn};
use xaas::config::{LlmConfig, ProviderKind};
use xaas::knowledge::{KnowledgeBase, Lang};

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

/// A follow-up read against its conversation: the extra searches of the follow-up reader on
/// top of the answer to the question it stands for.
fn follow_up(c: &mut Criterion) {
    let assistant = Assistant::new(KnowledgeBase::builtin().expect("built-in knowledge loads"));
    let first = "IaaS 단점이 뭐야?";
    let earlier = vec![Turn::of(first, &assistant.answer(&Question::new(first)))];
    for text in ["그럼 PaaS는?", "and its downsides?", "둘 차이는?", "점심 뭐 먹지?"] {
        let question = Question::new(text).after(earlier.clone());
        c.bench_function(&format!("follow-up/{text}"), |b| {
            b.iter(|| assistant.answer(black_box(&question)))
        });
    }
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

/// An OpenAI-compatible chat completions endpoint that answers at once, so what is measured
/// is the assistant's own work plus one loopback HTTP exchange.
async fn instant_llm() -> String {
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(|| async {
            axum::Json(serde_json::json!({
                "id": "bench", "object": "chat.completion", "created": 0, "model": "bench",
                "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "IaaS는 인프라를 빌려 쓰는 모델입니다 [iaas]."}}]
            }))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{address}/v1")
}

fn grounded(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let base_url = runtime.block_on(instant_llm());
    let knowledge = KnowledgeBase::builtin().expect("built-in knowledge loads");
    let offline = Assistant::new(knowledge.clone());
    let comparison = Question::new("IaaS랑 PaaS 차이").in_lang(Some(Lang::Ko));
    c.bench_function("llm/prompt (facts of a two-way comparison)", |b| {
        b.iter(|| offline.prompt(black_box(&comparison)).expect("renders"))
    });

    let config = |cache_ttl_secs| LlmConfig {
        provider: ProviderKind::Openai,
        base_url: Some(base_url.clone()),
        model: "bench".to_string(),
        cache_ttl_secs,
        ..LlmConfig::default()
    };
    let with_llm = |config: &LlmConfig| {
        let client = xaas::llm::connect(config).expect("valid").expect("a provider");
        Arc::new(Assistant::new(knowledge.clone()).with_llm(client, config))
    };
    let question = Question::new("IaaS 단점이 뭐야?");

    let uncached = with_llm(&config(0));
    c.bench_function("llm/respond, loopback round trip (no cache)", |b| {
        b.iter(|| runtime.block_on(uncached.respond(black_box(&question), None)))
    });
    let cached = with_llm(&config(3600));
    runtime.block_on(cached.respond(&question, None));
    c.bench_function("llm/respond, cache hit", |b| {
        b.iter(|| runtime.block_on(cached.respond(black_box(&question), None)))
    });
}

criterion_group!(benches, answer, follow_up, load, grounded);
criterion_main!(benches);
