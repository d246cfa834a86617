fn main() {
    let kb = xaas::knowledge::KnowledgeBase::builtin().unwrap();
    let index = xaas::search::Index::build(&kb);
    for q in std::env::args().skip(1) {
        let s = index.search(&q);
        println!("{q}: words {:?}", s.words.iter().map(|w| &w.text).collect::<Vec<_>>());
        for h in s.rest_facts.iter().take(4) { let f=&kb.facts()[h.fact]; println!("  rest {:.2} {} {:?} {}", h.score, kb.entries()[f.about].id, f.aspect, f.text.en.chars().take(60).collect::<String>()); }
        for h in s.facts.iter().take(3) { let f=&kb.facts()[h.fact]; println!("  fact {:.2} {} {:?} {}", h.score, kb.entries()[f.about].id, f.aspect, f.text.en.chars().take(60).collect::<String>()); }
    }
}
