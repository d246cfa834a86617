use std::time::Instant;
fn main() {
    let kb = xaas::knowledge::KnowledgeBase::builtin().unwrap();
    let t = Instant::now();
    let index = xaas::search::Index::build(&kb);
    println!("build {:?}", t.elapsed());
    let text = std::fs::read_to_string("/tmp/q10k.txt").unwrap();
    let qs: Vec<&str> = text.lines().collect();
    let t = Instant::now();
    let mut n = 0;
    for q in &qs {
        n += index.search(q).hits.len();
    }
    println!("search {:?} {n}", t.elapsed());
    let a = xaas::assistant::Assistant::new(kb.clone());
    let t = Instant::now();
    let mut replies = Vec::new();
    for q in &qs {
        replies.push(a.answer(&xaas::assistant::Question::new(*q)));
    }
    println!("answer {:?}", t.elapsed());
    let t = Instant::now();
    let mut bytes = 0;
    for r in &replies {
        bytes += serde_json::to_string(r).unwrap().len();
    }
    println!("json {:?} {bytes}", t.elapsed());
    let _ = index;
}
