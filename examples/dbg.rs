fn main() {
    let kb = xaas::knowledge::KnowledgeBase::builtin().unwrap();
    let index = xaas::search::Index::build(&kb);
    for q in std::env::args().skip(1) {
        let s = index.search(&q);
        println!("{q}: mentions {:?} shared {:?} corrections {:?} hits {:?}", s.mentions.iter().map(|m| (&kb.entries()[m.entry].id, &m.text)).collect::<Vec<_>>(), s.shared.iter().map(|m| &m.label).collect::<Vec<_>>(), s.corrections, s.hits.iter().map(|h| (&kb.entries()[h.entry].id, h.score)).collect::<Vec<_>>());
    }
}
