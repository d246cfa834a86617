//! The real `xaas` binary, end to end: answers, JSON, piped questions, names, checks, errors,
//! the picture, the quiz with piped answers.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn xaas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(args)
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the xaas binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(output).trim()).expect("one JSON object")
}

#[test]
fn answers_a_korean_question_in_korean_from_any_directory() {
    let output = xaas(&["ask", "IaaS가 뭐야?"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("IaaS"), "{text}");
    assert!(text.contains("정의"), "Korean headings: {text}");
    assert!(text.contains("sources: iaas"), "{text}");
}

#[test]
fn json_output_has_the_documented_fields() {
    let output = xaas(&["ask", "--json", "what are the downsides of PaaS?"]);
    assert!(output.status.success());
    let value = json(&output);
    assert_eq!(value["question"], "what are the downsides of PaaS?");
    assert_eq!(value["lang"], "en");
    assert_eq!(value["kind"], "answer");
    assert_eq!(value["mode"], "offline");
    assert!(value["title"].is_string(), "{value}");
    assert!(value["lead"].is_string(), "the direct answer, possibly empty: {value}");
    assert!(value["sections"].is_array(), "{value}");
    assert_eq!(value["sources"][0]["id"], "paas");
    assert!(value["sources"][0]["score"].as_f64().is_some());
    let answer = value["answer"].as_str().expect("answer is text");
    assert!(answer.starts_with("PaaS — Cons"), "leads with the cons: {answer}");
}

#[test]
fn json_has_a_lead_and_text_shows_it_before_the_first_section() {
    for question in ["what are the downsides of PaaS?", "IaaS가 뭐야?", "best pizza in town"] {
        let value = json(&xaas(&["ask", "--json", question]));
        let lead = value["lead"]
            .as_str()
            .expect("`lead` is text, empty when there is none");
        let output = xaas(&["ask", question]);
        assert!(output.status.success());
        let text = stdout(&output);
        let first_heading = text.find("\n## ").unwrap_or(text.len());
        if lead.trim().is_empty() {
            continue;
        }
        let at = text
            .find(lead.trim())
            .unwrap_or_else(|| panic!("the lead is shown: {text}"));
        assert!(at < first_heading, "the lead comes before the sections: {text}");
        assert!(at > text.find('=').unwrap_or(0), "and after the title: {text}");
    }
}

#[test]
fn off_topic_questions_get_an_honest_dont_know() {
    for (question, lang) in [("오늘 점심 뭐 먹지?", "ko"), ("what is 17 * 3", "en")] {
        let output = xaas(&["ask", "--json", question]);
        assert!(output.status.success(), "don't-know is still an answer");
        let value = json(&output);
        assert_eq!(value["kind"], "dont_know", "{question}");
        assert_eq!(value["lang"], lang);
        assert_eq!(value["sources"].as_array().map(Vec::len), Some(0));
    }
}

#[test]
fn compares_named_models() {
    let value = json(&xaas(&["ask", "--json", "IaaS랑 PaaS 차이가 뭐야?"]));
    assert_eq!(value["kind"], "compare");
    assert_eq!(value["sources"][0]["id"], "iaas");
    assert_eq!(value["sources"][1]["id"], "paas");
    let value = json(&xaas(&["compare", "--json", "heroku", "ec2"]));
    assert_eq!(value["kind"], "compare");
    assert_eq!(value["sources"][0]["id"], "paas");
    assert_eq!(value["sources"][1]["id"], "iaas");
}

#[test]
fn stdin_gets_one_json_line_per_question_in_order() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["ask", "--json"])
        .current_dir(std::env::temp_dir())
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("xaas starts");
    let questions = [
        "what is saas",
        "",
        "서버리스 장점",
        "best pizza in town",
        "gpuass providers",
    ];
    {
        let mut stdin = child.stdin.take().expect("piped stdin");
        for question in questions {
            writeln!(stdin, "{question}").expect("write a question");
        }
    }
    let output = child.wait_with_output().expect("xaas finishes");
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), questions.len());
    for (line, question) in lines.iter().zip(questions) {
        assert_eq!(line["question"], question);
    }
    assert_eq!(lines[0]["sources"][0]["id"], "saas");
    assert_eq!(lines[1]["kind"], "dont_know");
    assert_eq!(lines[2]["sources"][0]["id"], "faas");
    assert_eq!(lines[2]["lang"], "ko");
    assert_eq!(lines[3]["kind"], "dont_know");
    assert_eq!(lines[4]["sources"][0]["id"], "gpuaas");
}

#[test]
fn lang_flag_overrides_the_question_language() {
    let value = json(&xaas(&["ask", "--json", "--lang", "en", "사스가 뭐야"]));
    assert_eq!(value["lang"], "en");
    assert_eq!(value["sources"][0]["id"], "saas");
    let value = json(&xaas(&["model", "--json", "--lang", "ko", "serverless"]));
    assert_eq!(value["lang"], "ko");
    assert_eq!(value["sources"][0]["id"], "faas");
}

#[test]
fn model_resolves_aliases_and_suggests_for_unknown_names() {
    let value = json(&xaas(&["model", "--json", "온프렘"]));
    assert_eq!(value["kind"], "model");
    assert_eq!(value["lang"], "ko");
    assert_eq!(value["sources"][0]["id"], "on-premise");
    let output = xaas(&["model", "iqass"]);
    assert!(output.status.success(), "a typo still resolves");
    let output = xaas(&["model", "databaseaas"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("no model or topic called `databaseaas`"), "{error}");
    assert!(error.contains("did you mean"), "{error}");
}

#[test]
fn picture_writes_a_png_and_suggests_for_unknown_names() {
    let dir = tempdir("picture");
    let file = dir.join("iaas-saas.png");
    let output = xaas(&["picture", "iaas", "saas", "-o", file.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let png = std::fs::read(&file).expect("the picture was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    let text = stdout(&output);
    assert!(text.contains("Who manages what"), "the alt text, in English: {text}");
    assert!(text.contains("On-premise — you manage"), "the baseline first: {text}");

    let file = dir.join("ko.png");
    let output = xaas(&[
        "picture",
        "사스",
        "--no-baseline",
        "-o",
        file.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(
        text.contains("누가 무엇을 관리하나요?"),
        "a Hangul name means Korean labels: {text}"
    );
    assert!(!text.contains("온프레미스"), "no baseline asked: {text}");

    let missing = dir.join("never.png");
    let output = xaas(&[
        "picture",
        "iaas",
        "databaseaas",
        "-o",
        missing.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("no model or topic called `databaseaas`"), "{error}");
    assert!(error.contains("did you mean"), "{error}");
    assert!(!missing.exists(), "nothing written for an unknown name");

    let output = xaas(&["picture", "gdpr", "-o", missing.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2), "a topic has no picture");
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("`gdpr` has no who-manages-what split"), "{error}");
    assert!(!missing.exists());
}

#[test]
fn check_reports_what_was_loaded() {
    let output = xaas(&["check"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("entries"), "{text}");
    assert!(text.contains("built-in"), "{text}");
}

#[test]
fn a_broken_knowledge_folder_names_file_entry_field_and_line() {
    let dir = tempdir("broken-knowledge");
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/knowledge/iaas.toml")).expect("iaas.toml");
    let broken = source.replacen("summary.en = ", "summary.xx = \"oops\"\nsummary.en = ", 1);
    assert_ne!(broken, source, "the fixture edit applied");
    std::fs::write(dir.join("iaas.toml"), broken).expect("write fixture");
    let output = xaas(&["--knowledge", dir.to_str().expect("utf-8 path"), "check"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("iaas.toml:"), "{error}");
    assert!(error.contains("entry `iaas`"), "{error}");
    assert!(error.contains("field `summary.xx`"), "{error}");
    assert!(error.contains("unknown field `xx`"), "{error}");
    assert!(!error.contains("panicked"), "{error}");

    let output = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["ask", "what is iaas"])
        .env("XAAS_KNOWLEDGE_DIR", dir.join("missing"))
        .output()
        .expect("xaas runs");
    assert_eq!(output.status.code(), Some(2), "a missing folder is a clear error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing"));
}

#[test]
fn bad_arguments_exit_with_2() {
    assert_eq!(xaas(&["ask", "--lang", "fr", "hi"]).status.code(), Some(2));
    assert_eq!(xaas(&["frobnicate"]).status.code(), Some(2));
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xaas-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[test]
fn the_committed_config_loads_and_bad_values_name_file_key_and_line() {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let output = xaas(&["--config", &format!("{manifest}/config/xaas.toml"), "check"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).contains("config/xaas.toml"));

    let dir = tempdir("bad-config");
    let path = dir.join("xaas.toml");
    let committed = std::fs::read_to_string(format!("{manifest}/config/xaas.toml")).expect("committed config");
    for (from, to, key) in [
        ("timeout_secs = 20", "timeout_secs = 0", "llm.timeout_secs"),
        ("max_tokens = 800", "max_tokens = \"many\"", "llm.max_tokens"),
        ("temperature = 0.2", "temprature = 0.2", "temprature"),
    ] {
        std::fs::write(&path, committed.replacen(from, to, 1)).expect("write");
        let output = xaas(&["--config", path.to_str().expect("utf-8"), "check"]);
        assert_eq!(output.status.code(), Some(2), "{to}");
        let error = String::from_utf8_lossy(&output.stderr);
        let line = committed
            .lines()
            .position(|line| line.starts_with(from))
            .expect("the line")
            + 1;
        assert!(error.contains(&format!("xaas.toml:{line}:")), "{to}: {error}");
        assert!(error.contains(key), "{to}: {error}");
    }
}

#[test]
fn the_lead_answers_the_question_that_was_asked() {
    // (question, an id the sources must start with, what the lead must say)
    let cases = [
        ("HIPAA는 언제 제정됐어?", "hipaa", "1996"),
        ("Which IQaaS role does GitHub Copilot play?", "iqaas", "Augment"),
        ("PaaS 단점이 뭐야?", "paas", "종속"),
        ("caas: who manages the host OS?", "caas", "provider"),
        (
            "which model gives complete control but a huge upfront hardware cost?",
            "on-premise",
            "On-premise",
        ),
        ("IaaS랑 PaaS 차이가 뭐야?", "iaas", "관리"),
        ("AWS는 어떤 서비스 모델이야?", "", "IaaS (EC2"),
    ];
    for (question, first, lead) in cases {
        let value = json(&xaas(&["ask", "--json", question]));
        let got = value["lead"].as_str().unwrap_or_default();
        assert!(got.contains(lead), "{question}: lead {got:?} lacks {lead:?}");
        if !first.is_empty() {
            assert_eq!(value["sources"][0]["id"], first, "{question}");
        }
        let sections = value["sections"].as_array().map_or(0, Vec::len);
        assert!(
            sections <= 3,
            "{question}: a first answer shows at most three sections, not {sections}"
        );
    }
    // `xaas model` keeps the whole entry
    let full = json(&xaas(&["model", "--json", "paas"]));
    assert!(full["sections"].as_array().map_or(0, Vec::len) > 3);
}

/// `xaas chat` with piped input: each turn is answered as it arrives, read against the
/// earlier turns, until `/reset` starts a new conversation.
#[test]
fn chat_answers_each_turn_as_it_arrives_in_its_conversation() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(["chat", "--json"])
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the xaas binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let mut turn = |line: &str| -> serde_json::Value {
        writeln!(stdin, "{line}").expect("write a turn");
        stdin.flush().expect("flush");
        // The answer comes back before the next line is written: nothing waits for the end.
        let answer = lines.next().expect("an answer per turn").expect("readable");
        serde_json::from_str(&answer).expect("one JSON object per turn")
    };
    let first = turn("IaaS 단점이 뭐야?");
    assert_eq!(
        first["resolved"], "IaaS 단점이 뭐야?",
        "a fresh question stands for itself"
    );
    assert_eq!(first["about"], serde_json::json!(["iaas"]));
    assert_eq!(first["aspect"], "cons");

    let second = turn("그럼 PaaS는?");
    assert_eq!(second["question"], "그럼 PaaS는?");
    assert_eq!(second["resolved"], "PaaS 단점");
    assert_eq!(second["about"], serde_json::json!(["paas"]));
    assert_eq!(second["aspect"], "cons");
    assert_eq!(second["lang"], "ko");

    let thanks = turn("고마워!");
    assert_eq!(thanks["kind"], "smalltalk");
    let third = turn("둘 차이는?");
    assert_eq!(third["kind"], "compare", "small talk kept the context: {third}");
    assert_eq!(third["about"], serde_json::json!(["iaas", "paas"]));

    let lunch = turn("점심 뭐 먹지?");
    assert_eq!(lunch["kind"], "dont_know", "context never turns lunch into PaaS");

    let fresh = turn("/reset\nand its downsides?");
    assert_eq!(
        fresh["kind"], "dont_know",
        "after /reset nothing is left to refer to: {fresh}"
    );
    drop(stdin);
    assert!(child.wait().expect("exits").success());
}

#[test]
fn chat_text_says_how_a_follow_up_was_understood() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .arg("chat")
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the xaas binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    writeln!(stdin, "what is FaaS?\nand its downsides?\n/quit\nwhat is SaaS?").expect("write");
    drop(stdin);
    let output = child.wait_with_output().expect("exits");
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("(FaaS cons)"), "{text}");
    assert!(text.contains("FaaS — Cons"), "{text}");
    assert!(!text.contains("SaaS (Software"), "/quit leaves: {text}");
}

/// Runs `xaas` with `input` piped to its standard input.
fn xaas_with_input(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xaas"))
        .args(args)
        .env_remove("XAAS_KNOWLEDGE_DIR")
        .env_remove("XAAS_CONFIG")
        .env_remove("XAAS_LLM_PROVIDER")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xaas starts");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write the answers");
    child.wait_with_output().expect("xaas finishes")
}

/// The quiz's transcript cut into one block per question, from "Question n/m" to its score.
fn quiz_blocks(text: &str, heading: &str) -> Vec<String> {
    text.split(&format!("\n{heading}"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn quiz_plays_piped_answers_with_explanations_sources_and_a_score() {
    let output = xaas_with_input(&["quiz", "--seed", "1", "--count", "3"], "1\n2\n3\n");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.starts_with("xaas quiz: 3 questions, seed 1"), "{text}");
    let blocks = quiz_blocks(&text, "Question ");
    assert_eq!(blocks.len(), 3, "{text}");
    let mut right = 0;
    for (index, block) in blocks.iter().enumerate() {
        assert!(block.starts_with(&format!("{}/3\n", index + 1)), "{block}");
        for choice in 1..=4 {
            assert_eq!(
                block.matches(&format!("\n  {choice}) ")).count(),
                1,
                "four numbered choices: {block}"
            );
        }
        assert!(
            block.contains(&format!("> {}\n", index + 1)),
            "the piped answer is shown: {block}"
        );
        let verdicts = block.matches("Right!\n").count() + block.matches("Wrong: the answer is ").count();
        assert_eq!(verdicts, 1, "{block}");
        right += block.matches("Right!\n").count();
        // The verdict, then the explanation, then its source, then the running score.
        let lines: Vec<&str> = block.lines().collect();
        let source = lines
            .iter()
            .position(|line| line.starts_with("source: "))
            .unwrap_or_else(|| panic!("a source line: {block}"));
        let id = lines[source].trim_start_matches("source: ");
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{id}"
        );
        assert!(
            !lines[source - 1].trim().is_empty(),
            "an explanation before the source: {block}"
        );
        assert!(
            lines[source + 1].starts_with(&format!("score: {}/{}, streak ", right, index + 1)),
            "{block}"
        );
    }
    assert!(
        text.contains(&format!("\nfinal score: {right}/3 (best streak ")),
        "{text}"
    );
    // The same seed is the same quiz.
    let again = xaas_with_input(&["quiz", "--seed", "1", "--count", "3"], "1\n2\n3\n");
    assert_eq!(stdout(&again), text);
}

#[test]
fn quiz_topic_gdpr_asks_only_about_gdpr_in_either_language() {
    for (lang, heading, source) in [("en", "Question ", "source: "), ("ko", "문제 ", "출처: ")] {
        let output = xaas_with_input(
            &["quiz", "--seed", "1", "--count", "3", "--topic", "gdpr", "--lang", lang],
            "1\n1\n1\n",
        );
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = stdout(&output);
        let blocks = quiz_blocks(&text, heading);
        assert_eq!(blocks.len(), 3, "{text}");
        for block in &blocks {
            assert!(block.contains("GDPR"), "about GDPR: {block}");
            assert!(block.contains(&format!("\n{source}gdpr\n")), "{block}");
            assert!(!block.contains("HIPAA"), "{block}");
        }
    }
}

#[test]
fn quiz_stops_at_the_end_of_input_and_refuses_an_unknown_topic() {
    let output = xaas_with_input(&["quiz", "--seed", "5", "--count", "4"], "x\n2\n");
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("Answer with 1, 2, 3 or 4"), "{text}");
    assert!(text.contains("(end of input)"), "{text}");
    assert!(
        text.contains("final score: ") && text.contains("/1 (best streak"),
        "{text}"
    );

    let output = xaas_with_input(&["quiz", "--topic", "kubernetes"], "");
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("no model or topic `kubernetes`") && error.contains("gdpr"),
        "{error}"
    );
    assert_eq!(xaas(&["quiz", "--count", "0"]).status.code(), Some(2));
}
