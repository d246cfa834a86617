//! The questions both benchmarks ask: one of each kind (explanation, aspect, comparison by
//! names and by products, use case, don't-know, typo, topic), in both languages.

/// The sample, in a fixed order.
pub const QUESTIONS: &[&str] = &[
    "IaaS가 뭐야?",
    "what are the downsides of PaaS?",
    "IaaS랑 PaaS 차이",
    "heroku vs ec2",
    "3D 렌더링 하려면 뭘 써야 해",
    "오늘 점심 뭐 먹지?",
    "iqass providers",
    "GDPR 언제 시행됐어?",
];
