//! Small talk: greetings, thanks, goodbyes, "who are you", "what can you do", laughter, "ok"
//! and emoji, in Korean and English, typed the way people chat (`hiii`, `thx`, `ㅎㅇ`, `ㄳ`,
//! `안녕하세욥`).
//!
//! [`detect`] fires only when the *whole* message is small talk: a greeting in front of a real
//! question ("hi, what is IaaS?", "고마워, 근데 SaaS 단점은?") is not, so the question gets
//! answered; anything else off the topic ("tell me a joke", "what time is it") stays an honest
//! don't-know. It runs before every search, so it is cheap and bounded: a message longer than
//! [`MAX_CHARS`] characters or [`MAX_WORDS`] words is never small talk, each Latin word costs a
//! hash look-up (and, only when that misses, an edit-distance scan of the list words), and one
//! pass of a small dynamic program checks that the list phrases cover the message end to end.
//!
//! [`reply`] answers briefly in the asker's language and then says what the bot does, with
//! example questions built from the knowledge base in use. Only language-level word lists live
//! here; no entry's names or terms do.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::compose;
use super::reply::{Mode, Reply, ReplyKind, ReplySection};
use crate::knowledge::{Entry, EntryKind, KnowledgeBase, Lang};

/// What a small-talk message is; the reply's opening follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SmallTalk {
    /// "hi", "hello there", "안녕하세요", "ㅎㅇ", "how are you", "👋".
    Greeting,
    /// "thanks", "thx", "고마워", "ㄳ", "🙏".
    Thanks,
    /// "bye", "see you", "잘 가", "ㅂㅂ".
    Goodbye,
    /// "who are you", "what's your name", "who made you", "넌 누구야".
    AboutBot,
    /// "what can you do", "help", "도움말", "뭐 할 수 있어".
    Capabilities,
    /// "lol", "haha", "ㅋㅋ", "😂".
    Laughter,
    /// "ok", "got it", "ㅇㅋ", "알겠어", "👍".
    Acknowledgement,
    /// Any other emoji or emoticon on its own: "🙂", "^^", "ㅠㅠ".
    Emoji,
}

impl SmallTalk {
    /// Which kind a message that mixes several stands for: the one that asks the most of the
    /// bot ("hi, who are you?" is about the bot; "ok thanks" is thanks).
    fn rank(self) -> u8 {
        match self {
            SmallTalk::Emoji => 1,
            SmallTalk::Laughter => 2,
            SmallTalk::Acknowledgement => 3,
            SmallTalk::Greeting => 4,
            SmallTalk::Thanks => 5,
            SmallTalk::Goodbye => 6,
            SmallTalk::AboutBot => 7,
            SmallTalk::Capabilities => 8,
        }
    }

    /// The inverse of [`SmallTalk::rank`].
    fn of_rank(rank: u8) -> Option<SmallTalk> {
        Some(match rank {
            1 => SmallTalk::Emoji,
            2 => SmallTalk::Laughter,
            3 => SmallTalk::Acknowledgement,
            4 => SmallTalk::Greeting,
            5 => SmallTalk::Thanks,
            6 => SmallTalk::Goodbye,
            7 => SmallTalk::AboutBot,
            8 => SmallTalk::Capabilities,
            _ => return None,
        })
    }
}

/// The longest message (in characters, Discord mentions not counted) that can be small talk.
pub const MAX_CHARS: usize = 80;

/// The most words a small-talk message has.
pub const MAX_WORDS: usize = 12;

/// Bytes read at all: past this, the message is long whatever it holds.
const MAX_BYTES: usize = 4 * MAX_CHARS + 256;

/// Latin words at least this long may be typos of a list word ("helo", "thnaks").
const MIN_TYPO_LEN: usize = 4;

/// Hangul phrases at least this many syllables long may have one syllable wrong (`안녕하새요`).
const MIN_HANGUL_TYPO_LEN: usize = 5;

// The lists. Each line is a phrase, split exactly like a message: Latin words by spaces and
// punctuation, Hangul by syllable with spaces ignored (so "잘 가" also matches "잘가"), jamo
// one by one. Polite `요`, the cute endings (`고마워용`, `감사합니당`, `안녕하세욥`), repeated
// letters (`hiii`) and typos are handled in code, so the lists name each phrase once.

/// Hello, in both languages.
const GREETINGS: &[&str] = &[
    // English
    "hi",
    "hey",
    "heya",
    "hiya",
    "hello",
    "hallo",
    "hullo",
    "howdy",
    "yo",
    "sup",
    "wassup",
    "whatsup",
    "whats up",
    "what is up",
    "greetings",
    "good morning",
    "goodmorning",
    "morning",
    "good afternoon",
    "afternoon",
    "good evening",
    "evening",
    "good day",
    "gm",
    "hola",
    "how are you",
    "how are u",
    "how r u",
    "how are you doing",
    "how you doing",
    "how is it going",
    "hows it going",
    "how is everything",
    "hows everything",
    "how have you been",
    "how do you do",
    "nice to meet you",
    "nice to meet u",
    "pleased to meet you",
    "good to see you",
    "long time no see",
    "whats new",
    "anyone there",
    "anybody there",
    "are you there",
    "you there",
    "are you alive",
    "ping",
    "test",
    "testing",
    // Korean
    "안녕",
    "안녕하세요",
    "안녕하십니까",
    "안녕하신가요",
    "안녕하세여",
    "안뇽",
    "안뇽하세요",
    "안녕안녕",
    "하이",
    "하이루",
    "헬로",
    "헬로우",
    "할로",
    "헤이",
    "ㅎㅇ",
    "ㅎ2",
    "방가",
    "방가워",
    "반가워",
    "반갑다",
    "반갑습니다",
    "만나서 반가워",
    "만나서 반갑습니다",
    "처음 뵙겠습니다",
    "좋은 아침",
    "좋은 아침이에요",
    "좋은 아침입니다",
    "좋은 오후",
    "좋은 저녁",
    "굿모닝",
    "굿이브닝",
    "여보세요",
    "잘 지내",
    "잘 지냈어",
    "잘 지내니",
    "잘 지내셨어요",
    "어떻게 지내",
    "뭐해",
    "뭐하니",
    "오랜만",
    "오랜만이야",
    "오랜만이에요",
    "오랜만입니다",
    "있어",
    "거기 있어",
    "테스트",
];

/// Thank you, in both languages.
const THANKS: &[&str] = &[
    // English
    "thanks",
    "thank",
    "thank you",
    "thankyou",
    "thank u",
    "thanku",
    "thanx",
    "thnx",
    "thnks",
    "thks",
    "thx",
    "tnx",
    "tnks",
    "tks",
    "ty",
    "tysm",
    "tyvm",
    "many thanks",
    "cheers",
    "much appreciated",
    "appreciated",
    "appreciate it",
    "i appreciate it",
    "appreciate you",
    "that helps",
    "that helped",
    "this helps",
    "this helped",
    "that was helpful",
    "that is helpful",
    "thats helpful",
    "very helpful",
    "super helpful",
    "helpful",
    "you are the best",
    "youre the best",
    "ur the best",
    "you rock",
    "great help",
    "big help",
    "kudos",
    // Korean
    "고마워",
    "고마어",
    "고마웡",
    "고맙다",
    "고맙네",
    "고맙습니다",
    "고마움",
    "고맙",
    "감사",
    "감사해",
    "감사합니다",
    "감사함다",
    "감사함니다",
    "감사함",
    "감사여",
    "감사염",
    "감사드려요",
    "감사드립니다",
    "감솨",
    "땡큐",
    "땡스",
    "땡쓰",
    "쌩큐",
    "생큐",
    "ㄳ",
    "ㄱㅅ",
    "덕분이야",
    "덕분이에요",
    "덕분에 살았어",
    "도움이 됐어",
    "도움이 됐습니다",
    "도움이 되었어",
    "도움이 되었습니다",
    "도움 됐어",
    "도움 많이 됐어",
    "많은 도움이 됐어",
    "큰 도움이 됐어",
    "잘 봤어",
    "잘 봤습니다",
];

/// Goodbye, in both languages.
const GOODBYES: &[&str] = &[
    // English
    "bye",
    "bye bye",
    "byebye",
    "bye now",
    "goodbye",
    "good bye",
    "bai",
    "cya",
    "see ya",
    "see you",
    "see u",
    "see you later",
    "see you soon",
    "see you around",
    "later",
    "laters",
    "catch you later",
    "talk to you later",
    "talk later",
    "ttyl",
    "gotta go",
    "got to go",
    "i have to go",
    "i gotta go",
    "im off",
    "good night",
    "goodnight",
    "night",
    "nite",
    "gn",
    "take care",
    "farewell",
    "have a nice day",
    "have a good day",
    "have a great day",
    "have a good one",
    "peace out",
    "adios",
    "ciao",
    // Korean
    "잘 가",
    "잘 있어",
    "안녕히 가세요",
    "안녕히 계세요",
    "안녕히",
    "안녕히 주무세요",
    "바이",
    "바이바이",
    "빠이",
    "빠이빠이",
    "빠빠이",
    "굿바이",
    "ㅂㅂ",
    "ㅂㅇ",
    "ㅃㅇ",
    "ㅃㅃ",
    "ㅂㅂㅇ",
    "다음에 봐",
    "다음에 또 봐",
    "담에 봐",
    "또 봐",
    "또 만나",
    "나중에 봐",
    "이따 봐",
    "잘 자",
    "굿나잇",
    "굿밤",
    "좋은 하루",
    "좋은 하루 보내",
    "좋은 하루 보내세요",
    "좋은 하루 되세요",
    "수고해",
    "수고",
    "수고하세요",
    "수고했어",
    "수고하셨습니다",
    "ㅅㄱ",
    "이만 갈게",
    "그럼 이만",
    "이만",
    "갈게",
    "나 갈게",
    "잘 지내세요",
];

/// Who or what the bot is, in both languages.
const ABOUT_BOT: &[&str] = &[
    // English
    "who are you",
    "who are u",
    "who r u",
    "who is this",
    "whos this",
    "who am i talking to",
    "who am i speaking to",
    "what are you",
    "what r u",
    "what is your name",
    "whats your name",
    "what is ur name",
    "whats ur name",
    "your name",
    "ur name",
    "do you have a name",
    "who made you",
    "who created you",
    "who built you",
    "who wrote you",
    "who programmed you",
    "who developed you",
    "who designed you",
    "who trained you",
    "who owns you",
    "who is your creator",
    "who is your developer",
    "are you a bot",
    "are you a robot",
    "are you human",
    "are you a human",
    "are you a person",
    "are you real",
    "are you an ai",
    "are you ai",
    "are you chatgpt",
    "are you gpt",
    "are you an llm",
    "what kind of bot are you",
    "what bot is this",
    "what is this bot",
    "whats this bot",
    "what is xaas bot",
    "who is xaas bot",
    "introduce yourself",
    "tell me about yourself",
    "about you",
    "what are you for",
    "what is your purpose",
    "whats your purpose",
    // Korean
    "누구야",
    "누구니",
    "누구냐",
    "누구세요",
    "누구예요",
    "누구신가요",
    "누구인가요",
    "너 뭐야",
    "넌 뭐야",
    "넌 뭐니",
    "너는 뭐야",
    "너는 뭐니",
    "정체가 뭐야",
    "이름이 뭐야",
    "이름 뭐야",
    "이름이 뭐예요",
    "이름이 뭔가요",
    "이름이 어떻게 돼",
    "이름이 어떻게 되세요",
    "이름은",
    "이름이",
    "이름 알려줘",
    "누가 만들었어",
    "누가 만들었니",
    "누가 만들었나요",
    "누가 만든 거야",
    "누가 만든 봇이야",
    "만든 사람",
    "만든 사람 누구야",
    "개발자가 누구야",
    "개발자 누구야",
    "봇이야",
    "사람이야",
    "로봇이야",
    "ai야",
    "인공지능이야",
    "챗gpt야",
    "gpt야",
    "자기소개",
    "소개해줘",
    "뭐하는 봇이야",
    "무슨 봇이야",
    "어떤 봇이야",
];

/// What the bot can do and how to use it, in both languages.
const CAPABILITIES: &[&str] = &[
    // English
    "help",
    "help me",
    "help please",
    "can you help",
    "can you help me",
    "could you help me",
    "i need help",
    "need help",
    "what can you do",
    "what can u do",
    "what do you do",
    "what else can you do",
    "what are you able to do",
    "what are you capable of",
    "what are your capabilities",
    "capabilities",
    "what can i ask",
    "what can i ask you",
    "what should i ask",
    "what should i ask you",
    "what can you answer",
    "what can you tell me",
    "what do you know",
    "what do you know about",
    "what topics",
    "what topics do you know",
    "what topics do you cover",
    "what do you cover",
    "what questions can i ask",
    "how do i use you",
    "how do i use this bot",
    "how to use you",
    "how to use this bot",
    "how do you work",
    "how does this bot work",
    "commands",
    "command list",
    "list commands",
    "usage",
    "menu",
    "examples",
    "example questions",
    "show me examples",
    // Korean
    "도움말",
    "도움",
    "헬프",
    "도와줘",
    "도와주세요",
    "도움이 필요해",
    "도움 필요해",
    "뭐 할 수 있어",
    "뭘 할 수 있어",
    "뭐 할 수 있니",
    "뭐 할 수 있나요",
    "뭘 할 수 있나요",
    "뭐 할 수 있습니까",
    "무엇을 할 수 있어",
    "무엇을 할 수 있나요",
    "뭐 할 줄 알아",
    "뭘 할 줄 알아",
    "뭐 해줄 수 있어",
    "뭘 해줄 수 있어",
    "뭐 도와줄 수 있어",
    "뭘 도와줄 수 있어",
    "뭐 물어볼 수 있어",
    "뭘 물어볼 수 있어",
    "뭐 물어보면 돼",
    "뭘 물어보면 돼",
    "무엇을 물어볼 수 있나요",
    "어떤 질문 할 수 있어",
    "어떤 걸 물어볼 수 있어",
    "뭐 알아",
    "뭘 알아",
    "뭐 아는데",
    "할 수 있는 게 뭐야",
    "할 수 있는 거 뭐야",
    "사용법",
    "사용 방법",
    "어떻게 써",
    "어떻게 사용해",
    "어떻게 쓰는 거야",
    "명령어",
    "기능",
    "기능이 뭐야",
    "무슨 기능 있어",
    "메뉴",
    "예시",
    "예시 질문",
];

/// Laughing in words; runs of `ㅋ`/`ㅎ`, `하하`, `hahaha` and `lol` are recognised in code.
const LAUGHTER: &[&str] = &[
    // English
    "lmao",
    "lmfao",
    "rofl",
    "kek",
    "lulz",
    "xd",
    "funny",
    "thats funny",
    "so funny",
    "hilarious",
    // Korean
    "웃기네",
    "웃겨",
    "웃기다",
];

/// "Ok", "got it", "nice", "yes", "sorry", in both languages.
const ACKNOWLEDGEMENTS: &[&str] = &[
    // English
    "ok",
    "okay",
    "okey",
    "okie",
    "oki",
    "okie dokie",
    "okey dokey",
    "k",
    "kk",
    "alright",
    "all right",
    "aight",
    "right",
    "got it",
    "gotcha",
    "i see",
    "i got it",
    "understood",
    "i understand",
    "makes sense",
    "that makes sense",
    "noted",
    "roger",
    "roger that",
    "sure",
    "cool",
    "nice",
    "great",
    "awesome",
    "perfect",
    "excellent",
    "amazing",
    "good",
    "very good",
    "fine",
    "neat",
    "sweet",
    "wow",
    "whoa",
    "oh",
    "ah",
    "aha",
    "hmm",
    "hm",
    "interesting",
    "yes",
    "yeah",
    "yep",
    "yup",
    "yea",
    "no",
    "nope",
    "nah",
    "np",
    "no problem",
    "no worries",
    "sounds good",
    "good bot",
    "nice bot",
    "great bot",
    "good job",
    "great job",
    "nice job",
    "well done",
    "love it",
    "i love it",
    "love you",
    "i love you",
    "sorry",
    "my bad",
    "never mind",
    "nevermind",
    "nvm",
    "fair enough",
    "good to know",
    "true",
    // Korean
    "ㅇㅋ",
    "ㅇㅇ",
    "ㅇㅎ",
    "오케이",
    "오케",
    "오키",
    "오키도키",
    "알겠어",
    "알겠습니다",
    "알겠음",
    "알겠다",
    "알겠슴다",
    "알았어",
    "알았다",
    "알았음",
    "넵",
    "네",
    "예",
    "응",
    "웅",
    "엉",
    "그래",
    "그렇구나",
    "그렇군",
    "그렇네",
    "아하",
    "오호",
    "오",
    "와",
    "우와",
    "와우",
    "대박",
    "헐",
    "좋아",
    "좋네",
    "좋다",
    "굿",
    "굳",
    "멋져",
    "멋지다",
    "최고",
    "최고야",
    "잘했어",
    "훌륭해",
    "이해했어",
    "이해됐어",
    "확인",
    "확인했어",
    "미안",
    "미안해",
    "죄송합니다",
    "아니",
    "아니야",
    "됐어",
];

/// Words that say nothing on their own but come with small talk: who is addressed, "so much",
/// "for the help", polite `요`. A message of fillers alone is not small talk.
const FILLERS: &[&str] = &[
    // English
    "bot",
    "xaas bot",
    "xaasbot",
    "there",
    "all",
    "everyone",
    "everybody",
    "guys",
    "folks",
    "yall",
    "friend",
    "buddy",
    "pal",
    "mate",
    "dude",
    "man",
    "bro",
    "sir",
    "again",
    "so",
    "so much",
    "very much",
    "a lot",
    "a ton",
    "lots",
    "really",
    "very",
    "just",
    "and",
    "too",
    "then",
    "now",
    "well",
    "please",
    "pls",
    "plz",
    "um",
    "uh",
    "anyway",
    "for now",
    "for the help",
    "for your help",
    "for helping",
    "for helping me",
    "for the info",
    "for the information",
    "for the answer",
    "for the answers",
    "for the explanation",
    "for explaining",
    "for that",
    "for this",
    "for everything",
    "for your time",
    // Korean
    "봇",
    "봇아",
    "봇님",
    "이 봇",
    "챗봇",
    "님",
    "요",
    "정말",
    "진짜",
    "너무",
    "완전",
    "엄청",
    "많이",
    "매우",
    "참",
    "넘",
    "증말",
    "좀",
    "쫌",
    "또",
    "다시",
    "그럼",
    "그냥",
    "일단",
    "저기",
    "혹시",
    "다들",
    "여러분",
    "모두",
    "너",
    "넌",
    "너는",
    "니",
    "네가",
    "너의",
    "당신",
    "당신은",
    "설명",
    "답변",
    "알려줘서",
    "알려주셔서",
    "설명해줘서",
    "설명해주셔서",
    "답해줘서",
    "답변해주셔서",
    "도와줘서",
    "도와주셔서",
    "친절한",
    "친절하게",
    "알려줘",
    "알려주세요",
    "알려줄래",
    "보여줘",
    "해줘",
    "해주세요",
    "해봐",
];

/// Hangul syllables people laugh in: `하하`, `크크`, `히히`, `푸하하`, `큭큭`.
const LAUGH_SYLLABLES: &[char] = &[
    '하', '허', '히', '호', '헤', '흐', '흫', '크', '키', '큭', '킥', '킄', '캬', '푸', '풉', '깔', '낄',
];

/// Text emoticons, read where punctuation would end a word.
const EMOTICONS: &[(&str, SmallTalk)] = &[
    (":-)", SmallTalk::Emoji),
    (":)", SmallTalk::Emoji),
    ("(:", SmallTalk::Emoji),
    (":-(", SmallTalk::Emoji),
    (":(", SmallTalk::Emoji),
    (";-)", SmallTalk::Emoji),
    (";)", SmallTalk::Emoji),
    (":-d", SmallTalk::Laughter),
    (":d", SmallTalk::Laughter),
    (":-p", SmallTalk::Emoji),
    (":p", SmallTalk::Emoji),
    ("^_^", SmallTalk::Emoji),
    ("^-^", SmallTalk::Emoji),
    ("^^", SmallTalk::Emoji),
    ("<3", SmallTalk::Emoji),
];

/// Whether the whole message is small talk, and which. `None` for everything else, including a
/// greeting or thanks followed by a real question, and for any message longer than
/// [`MAX_CHARS`] characters or [`MAX_WORDS`] words.
pub fn detect(text: &str) -> Option<SmallTalk> {
    let pieces = split(text)?;
    let lexicon = lexicon();
    let mut units = Vec::with_capacity(pieces.len());
    for piece in pieces {
        units.push(match piece {
            Piece::Latin(word) => {
                // `kkkk` laughs; it is not `kk` ("ok") typed long.
                let laugh = is_latin_laugh(&word);
                let ids = if laugh { Vec::new() } else { lexicon.word_ids(&word) };
                // A word that is in no list cannot be covered: the message is no small talk.
                if ids.is_empty() && !laugh {
                    return None;
                }
                Unit::Word { ids, laugh }
            }
            Piece::Syllable(c) => Unit::Syllable(c),
            Piece::Jamo(c) => Unit::Jamo(c),
            Piece::Emoji(kind) => Unit::Emoji(kind),
        });
    }
    lexicon.cover(&units).and_then(SmallTalk::of_rank)
}

/// The reply to small talk of `kind`, in `lang`: a short opening that fits the kind, then
/// what the bot does and a few example questions from `knowledge`. No sources, deterministic.
pub fn reply(kind: SmallTalk, lang: Lang, knowledge: &KnowledgeBase) -> Reply {
    let (title, lead) = opening(kind, lang);
    let mut body = match lang {
        Lang::En => format!(
            "I explain cloud service models and the topics around them ({}): what each one is, how they compare, their pros and cons, and who provides them. Try asking:",
            entry_names(knowledge, lang)
        ),
        Lang::Ko => format!(
            "클라우드 서비스 모델과 관련 주제({})가 각각 무엇인지, 서로 어떻게 다른지, 장단점과 제공업체는 어디인지 알려 드려요. 이렇게 물어보세요:",
            entry_names(knowledge, lang)
        ),
    };
    for example in examples(knowledge, lang) {
        body.push_str("\n• ");
        body.push_str(&example);
    }
    Reply {
        lang,
        kind: ReplyKind::SmallTalk,
        mode: Mode::Offline,
        title: title.to_string(),
        lead: lead.to_string(),
        sections: vec![ReplySection {
            heading: match lang {
                Lang::En => "What I can help with",
                Lang::Ko => "도와드릴 수 있는 것",
            }
            .to_string(),
            body,
        }],
        sources: Vec::new(),
        about: Vec::new(),
        aspect: None,
        detailed: false,
        resolved: None,
    }
}

/// The title and the first sentence for `kind`: hello back, you're welcome, bye, who I am.
fn opening(kind: SmallTalk, lang: Lang) -> (&'static str, &'static str) {
    match (kind, lang) {
        (SmallTalk::Greeting, Lang::En) => (
            "👋 Hi!",
            "Hi! I'm xaas-bot, here to answer your questions about cloud service models.",
        ),
        (SmallTalk::Greeting, Lang::Ko) => (
            "👋 안녕하세요!",
            "안녕하세요! 저는 클라우드 서비스 모델에 대한 질문에 답해 드리는 xaas-bot이에요.",
        ),
        (SmallTalk::Thanks, Lang::En) => ("🙂 You're welcome!", "You're welcome! Glad I could help."),
        (SmallTalk::Thanks, Lang::Ko) => ("🙂 천만에요!", "천만에요! 도움이 됐다니 기뻐요."),
        (SmallTalk::Goodbye, Lang::En) => (
            "👋 Bye!",
            "Bye! Come back any time you have a question about the cloud.",
        ),
        (SmallTalk::Goodbye, Lang::Ko) => (
            "👋 안녕히 가세요!",
            "안녕히 가세요! 클라우드가 궁금할 때 언제든 다시 찾아 주세요.",
        ),
        (SmallTalk::AboutBot, Lang::En) => (
            "🤖 I'm xaas-bot",
            "I'm xaas-bot, a bot that explains cloud service models in English and Korean, answering from its own knowledge base.",
        ),
        (SmallTalk::AboutBot, Lang::Ko) => (
            "🤖 저는 xaas-bot이에요",
            "저는 xaas-bot이에요. 클라우드 서비스 모델을 한국어와 영어로 설명해 드리는 봇이고, 제 지식 베이스를 바탕으로 답해요.",
        ),
        (SmallTalk::Capabilities, Lang::En) => (
            "🧭 What I can do",
            "I answer questions about cloud service models from my knowledge base, in English or Korean.",
        ),
        (SmallTalk::Capabilities, Lang::Ko) => (
            "🧭 제가 할 수 있는 것",
            "클라우드 서비스 모델에 대한 질문에 제 지식 베이스를 바탕으로 한국어나 영어로 답해 드려요.",
        ),
        (SmallTalk::Laughter, Lang::En) => ("😄 Haha", "Glad you're enjoying this!"),
        (SmallTalk::Laughter, Lang::Ko) => ("😄 ㅎㅎ", "즐거우시다니 저도 좋아요!"),
        (SmallTalk::Acknowledgement, Lang::En) => ("👍 Got it", "Great! Ask me whenever you're curious about something."),
        (SmallTalk::Acknowledgement, Lang::Ko) => ("👍 좋아요", "좋아요! 궁금한 게 생기면 언제든 물어보세요."),
        (SmallTalk::Emoji, Lang::En) => ("🙂 Hi!", "Ask me anything about cloud service models."),
        (SmallTalk::Emoji, Lang::Ko) => ("🙂 안녕하세요!", "클라우드 서비스 모델에 대해 무엇이든 물어보세요."),
    }
}

/// Every entry's name in `lang`, models first, in the knowledge base's order.
fn entry_names(knowledge: &KnowledgeBase, lang: Lang) -> String {
    knowledge
        .entries()
        .iter()
        .map(|entry| entry.name.get(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Two or three questions the knowledge base answers well, built from its entries: a pair it
/// compares (a comparison topic's, else the first two models), the cons of the next model, and
/// the providers of the model that lists the most.
fn examples(knowledge: &KnowledgeBase, lang: Lang) -> Vec<String> {
    let entries = knowledge.entries();
    let models: Vec<&Entry> = entries.iter().filter(|e| e.kind == EntryKind::Model).collect();
    let mut used: Vec<&str> = Vec::new();
    let mut examples = Vec::new();
    let compared = entries
        .iter()
        .find(|entry| compose::is_comparison_topic(entry, entries))
        .and_then(|topic| {
            Some((
                knowledge.get(topic.related.first()?)?,
                knowledge.get(topic.related.get(1)?)?,
            ))
        });
    let pair = compared.or_else(|| (models.len() >= 2).then(|| (models[0], models[1])));
    if let Some((first, second)) = pair {
        let (a, b) = (first.name.get(lang), second.name.get(lang));
        examples.push(match lang {
            Lang::En => format!("What's the difference between {a} and {b}?"),
            Lang::Ko => format!("{a}{} {b} 차이가 뭐야?", with_final(a, "이랑", "랑")),
        });
        used.extend([first.id.as_str(), second.id.as_str()]);
    }
    if let Some(entry) = models
        .iter()
        .find(|e| !used.contains(&e.id.as_str()) && !e.cons.is_empty())
    {
        let name = entry.name.get(lang);
        examples.push(match lang {
            Lang::En => format!("What are the cons of {name}?"),
            Lang::Ko => format!("{name} 단점은?"),
        });
        used.push(entry.id.as_str());
    }
    // The first of the models that list the most providers.
    if let Some(entry) = models
        .iter()
        .filter(|e| !used.contains(&e.id.as_str()) && !e.providers.is_empty())
        .min_by_key(|e| std::cmp::Reverse(e.providers.len()))
    {
        let name = entry.name.get(lang);
        examples.push(match lang {
            Lang::En => format!("Who provides {name}?"),
            Lang::Ko => format!("{name} 제공업체는 어디야?"),
        });
    }
    if examples.is_empty() {
        if let Some(entry) = entries.first() {
            let name = entry.name.get(lang);
            examples.push(match lang {
                Lang::En => format!("What is {name}?"),
                Lang::Ko => format!("{name}{} 뭐야?", with_final(name, "이", "가")),
            });
        }
    }
    examples
}

/// The Korean particle form that follows `word`: `after_consonant` when its last syllable
/// ends in a consonant (클라우드 컴퓨팅 + 이랑), else `after_vowel` (IaaS + 랑).
fn with_final(word: &str, after_consonant: &'static str, after_vowel: &'static str) -> &'static str {
    match word.chars().last() {
        Some(c) if is_syllable(c) && final_index(c) != 0 => after_consonant,
        _ => after_vowel,
    }
}

// ---------------------------------------------------------------------------------------------
// Splitting a message.

/// One piece of a message after normalization.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// A Latin (or other alphabetic) word, lowercase, apostrophes dropped (`whats`).
    Latin(String),
    /// One Hangul syllable; spaces between syllables carry no meaning here.
    Syllable(char),
    /// One Hangul compatibility jamo (`ㅋ`, `ㅎ`, `ㄳ`).
    Jamo(char),
    /// An emoji, an emoticon or a Discord custom emoji.
    Emoji(SmallTalk),
}

/// The message as pieces; `None` when it is too long to be small talk.
fn split(text: &str) -> Option<Vec<Piece>> {
    if text.len() > MAX_BYTES {
        return None;
    }
    let normalized = normalize(text);
    let mut pieces = Vec::new();
    let mut word = String::new();
    let mut chars = 0;
    let mut words = 0;
    let mut in_word = false;
    let mut rest = normalized.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some((length, emoji)) = discord_markup(rest) {
                flush(&mut word, &mut pieces);
                if emoji {
                    pieces.push(Piece::Emoji(SmallTalk::Emoji));
                    count_word(&mut in_word, &mut words);
                }
                rest = &rest[length..];
                continue;
            }
        }
        chars += 1;
        if chars > MAX_CHARS {
            return None;
        }
        if !c.is_alphanumeric() {
            if let Some((emoticon, kind)) = emoticon(rest) {
                flush(&mut word, &mut pieces);
                pieces.push(Piece::Emoji(kind));
                count_word(&mut in_word, &mut words);
                chars += emoticon.chars().count() - 1;
                rest = &rest[emoticon.len()..];
                continue;
            }
        }
        rest = &rest[c.len_utf8()..];
        if is_syllable(c) || is_jamo(c) {
            flush(&mut word, &mut pieces);
            count_word(&mut in_word, &mut words);
            pieces.push(if is_syllable(c) {
                Piece::Syllable(c)
            } else {
                Piece::Jamo(c)
            });
        } else if c.is_alphanumeric() {
            if word.is_empty() {
                count_word(&mut in_word, &mut words);
            }
            word.push(c);
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') && !word.is_empty() {
            // "what's" is "whats": the apostrophe joins, it does not split.
        } else if is_emoji_modifier(c) {
            // Variation selectors, joiners and skin tones belong to the emoji before them.
        } else if let Some(kind) = emoji(c) {
            flush(&mut word, &mut pieces);
            count_word(&mut in_word, &mut words);
            pieces.push(Piece::Emoji(kind));
        } else {
            flush(&mut word, &mut pieces);
            if c.is_whitespace() {
                in_word = false;
            }
        }
        if words > MAX_WORDS {
            return None;
        }
    }
    flush(&mut word, &mut pieces);
    Some(pieces)
}

/// Ends the Latin word being read, if any.
fn flush(word: &mut String, pieces: &mut Vec<Piece>) {
    if !word.is_empty() {
        pieces.push(Piece::Latin(std::mem::take(word)));
    }
}

/// Counts a new whitespace-separated word when one starts.
fn count_word(in_word: &mut bool, words: &mut usize) {
    if !*in_word {
        *in_word = true;
        *words += 1;
    }
}

/// Lowercase NFKC (fullwidth `ｈｉ` is `hi`), except the Hangul compatibility jamo, which NFKC
/// would turn into conjoining jamo that no longer look like `ㅋㅋ`.
fn normalize(text: &str) -> String {
    if matches!(unicode_normalization::is_nfkc_quick(text.chars()), IsNormalized::Yes) {
        return text.chars().flat_map(char::to_lowercase).collect();
    }
    let mut normalized = String::with_capacity(text.len());
    for c in text.nfc() {
        if c.is_ascii() || is_syllable(c) || is_jamo(c) {
            normalized.extend(c.to_lowercase());
        } else {
            normalized.extend(std::iter::once(c).nfkc().flat_map(char::to_lowercase));
        }
    }
    normalized
}

/// A Discord mention (`<@123>`, `<@!123>`, `<@&123>`, `<#123>`) or custom emoji
/// (`<:wave:123>`, `<a:wave:123>`) at the start of `text`: its length in bytes and whether it
/// is an emoji. Mentions are skipped; they only address the bot.
fn discord_markup(text: &str) -> Option<(usize, bool)> {
    let (end, _) = text.char_indices().take(100).find(|(_, c)| *c == '>')?;
    let inner = &text[1..end];
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let emoji = if let Some(mention) = inner.strip_prefix('@') {
        let id = mention.strip_prefix(['!', '&']).unwrap_or(mention);
        if !digits(id) {
            return None;
        }
        false
    } else if let Some(channel) = inner.strip_prefix('#') {
        if !digits(channel) {
            return None;
        }
        false
    } else {
        let custom = inner.strip_prefix("a:").or_else(|| inner.strip_prefix(':'))?;
        let (name, id) = custom.split_once(':')?;
        if name.is_empty() || !digits(id) {
            return None;
        }
        true
    };
    Some((end + 1, emoji))
}

/// A text emoticon at the start of `text`; one that ends in a letter (`:d`) must not run
/// into a word.
fn emoticon(text: &str) -> Option<(&'static str, SmallTalk)> {
    EMOTICONS.iter().copied().find(|(emoticon, _)| {
        text.starts_with(emoticon)
            && !(emoticon.ends_with(|c: char| c.is_alphanumeric())
                && text[emoticon.len()..].starts_with(|c: char| c.is_alphanumeric()))
    })
}

/// The kind an emoji stands for on its own, or `None` when `c` is no emoji.
fn emoji(c: char) -> Option<SmallTalk> {
    Some(match c {
        '👋' | '🙋' | '🖐' | '✋' | '🤚' => SmallTalk::Greeting,
        '🙏' => SmallTalk::Thanks,
        '😂' | '🤣' | '😆' | '😹' | '😅' | '😁' | '😄' => SmallTalk::Laughter,
        '👍' | '👌' | '✅' | '✔' | '☑' | '🙆' | '💯' | '👏' => SmallTalk::Acknowledgement,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' => SmallTalk::Emoji,
        _ => return None,
    })
}

/// Characters that modify the emoji before them: variation selectors, the zero-width joiner,
/// the keycap, skin tones and tag characters.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Hangul compatibility jamo: `ㄱ`…`ㅎ`, `ㅏ`…`ㅣ`, `ㄳ`.
fn is_jamo(c: char) -> bool {
    ('\u{3131}'..='\u{318E}').contains(&c)
}

/// The final consonant of a Hangul syllable, 0 for none (ㅁ is 16, ㅂ 17, ㅅ 19, ㅇ 21).
fn final_index(syllable: char) -> u32 {
    (syllable as u32 - 0xAC00) % 28
}

/// The syllable without the final consonant that chat adds for a cute tone (`요` → `용`, `욥`,
/// `욤`; `다` → `당`, `닷`), when `syllable` has one of those.
fn cute_base(syllable: char) -> Option<char> {
    if !is_syllable(syllable) {
        return None;
    }
    let final_consonant = final_index(syllable);
    matches!(final_consonant, 16 | 17 | 19 | 21)
        .then(|| char::from_u32(syllable as u32 - final_consonant))
        .flatten()
}

/// `haha`, `hehehe`, `ahah`, `lol`, `looool`, `kkkk` (Korean `ㅋㅋ` typed in Latin).
fn is_latin_laugh(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() >= 4 && bytes.iter().all(|b| b"haeio".contains(b)) {
        let h = bytes.iter().filter(|b| **b == b'h').count();
        return h >= 2 && bytes.len() - h >= 2;
    }
    if bytes.len() >= 3 && bytes[0] == b'l' && bytes[bytes.len() - 1] == b'l' {
        return bytes.iter().all(|b| b"lo".contains(b)) && bytes.contains(&b'o');
    }
    bytes.len() >= 3 && bytes.iter().all(|b| *b == b'k')
}

// ---------------------------------------------------------------------------------------------
// The lexicon and the cover.

/// A message unit, as matched against the lists.
enum Unit {
    /// A Latin word: the list words it stands for (itself, its elongated or typo'd form).
    Word {
        ids: Vec<u16>,
        laugh: bool,
    },
    Syllable(char),
    Jamo(char),
    Emoji(SmallTalk),
}

/// One unit of a list phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Word(u16),
    Syllable(char),
    Jamo(char),
}

/// A list phrase, split into units.
struct Phrase {
    units: Vec<Key>,
    /// `None` for a filler.
    kind: Option<SmallTalk>,
    /// A Hangul phrase of five or more syllables, which may have one syllable wrong inside it
    /// (`안녕하새요`, `감사햡니다`); never the first, nor the last, whose ending carries the
    /// meaning (`인공지능이야` "are you an AI" is not `인공지능이란` "what is AI").
    hangul_typo: bool,
}

/// A Latin word of the lists.
struct ListWord {
    text: String,
    /// Letter counts, to rule out most typo candidates before computing a distance.
    letters: [u8; 26],
}

/// Every list compiled once: the Latin words, and the phrases indexed by their first unit.
struct Lexicon {
    words: Vec<ListWord>,
    exact: HashMap<String, u16>,
    /// The words with repeated letters collapsed (`hello` → `helo`), for `hellooo`.
    collapsed: HashMap<String, Vec<u16>>,
    phrases: Vec<Phrase>,
    by_first: HashMap<Key, Vec<usize>>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut lexicon = Lexicon {
            words: Vec::new(),
            exact: HashMap::new(),
            collapsed: HashMap::new(),
            phrases: Vec::new(),
            by_first: HashMap::new(),
        };
        let lists: [(&[&str], Option<SmallTalk>); 8] = [
            (GREETINGS, Some(SmallTalk::Greeting)),
            (THANKS, Some(SmallTalk::Thanks)),
            (GOODBYES, Some(SmallTalk::Goodbye)),
            (ABOUT_BOT, Some(SmallTalk::AboutBot)),
            (CAPABILITIES, Some(SmallTalk::Capabilities)),
            (LAUGHTER, Some(SmallTalk::Laughter)),
            (ACKNOWLEDGEMENTS, Some(SmallTalk::Acknowledgement)),
            (FILLERS, None),
        ];
        for (list, kind) in lists {
            for text in list {
                let Some(pieces) = split(text) else { continue };
                let units: Vec<Key> = pieces
                    .into_iter()
                    .filter_map(|piece| match piece {
                        Piece::Latin(word) => Some(Key::Word(lexicon.intern(word))),
                        Piece::Syllable(c) => Some(Key::Syllable(c)),
                        Piece::Jamo(c) => Some(Key::Jamo(c)),
                        Piece::Emoji(_) => None,
                    })
                    .collect();
                let Some(first) = units.first().copied() else { continue };
                let hangul_typo =
                    units.len() >= MIN_HANGUL_TYPO_LEN && units.iter().all(|unit| matches!(unit, Key::Syllable(_)));
                lexicon.by_first.entry(first).or_default().push(lexicon.phrases.len());
                lexicon.phrases.push(Phrase {
                    units,
                    kind,
                    hangul_typo,
                });
            }
        }
        lexicon
    }

    /// The id of a list word, adding it on first sight.
    fn intern(&mut self, word: String) -> u16 {
        if let Some(id) = self.exact.get(&word) {
            return *id;
        }
        let id = u16::try_from(self.words.len()).expect("the lists hold far fewer than 65536 words");
        self.collapsed.entry(collapse(&word)).or_default().push(id);
        self.exact.insert(word.clone(), id);
        self.words.push(ListWord {
            letters: letters(&word),
            text: word,
        });
        id
    }

    /// The list words a message word stands for: itself, or the word it elongates (`hiii`,
    /// `thankss`), or, failing both, the words it is a typo of (`helo`, `thnaks`).
    fn word_ids(&self, word: &str) -> Vec<u16> {
        if let Some(id) = self.exact.get(word) {
            return vec![*id];
        }
        let collapsed = collapse(word);
        if collapsed.len() != word.len() {
            if let Some(ids) = self.collapsed.get(&collapsed) {
                return ids.clone();
            }
        }
        if word.len() < MIN_TYPO_LEN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return Vec::new();
        }
        let word_letters = letters(word);
        let mut ids = Vec::new();
        for (id, listed) in self.words.iter().enumerate() {
            if is_typo(word, &word_letters, listed) {
                ids.push(id as u16);
            }
        }
        ids
    }

    /// The best rank of a cover of `units` by list phrases, laughter and emoji (0 when only
    /// fillers cover it), or `None` when no cover exists.
    fn cover(&self, units: &[Unit]) -> Option<u8> {
        let count = units.len();
        if count == 0 {
            return None;
        }
        let mut best: Vec<Option<u8>> = vec![None; count + 1];
        best[0] = Some(0);
        for start in 0..count {
            let Some(so_far) = best[start] else { continue };
            let mut reach = |end: usize, kind: Option<SmallTalk>| {
                let rank = so_far.max(kind.map_or(0, SmallTalk::rank));
                if best[end].is_none_or(|known| known < rank) {
                    best[end] = Some(rank);
                }
            };
            match &units[start] {
                Unit::Emoji(kind) => reach(start + 1, Some(*kind)),
                Unit::Word { laugh: true, .. } => reach(start + 1, Some(SmallTalk::Laughter)),
                _ => {}
            }
            // `ㅋㅋㅋ`, `ㅎㅎ`, `하하하`, `크크`; a single `ㅋ` or `ㅎ` too.
            let laughs = units[start..].iter().take_while(|unit| is_laugh_unit(unit)).count();
            for length in 1..=laughs {
                if length >= 2 || matches!(units[start], Unit::Jamo(_)) {
                    reach(start + length, Some(SmallTalk::Laughter));
                }
            }
            // `ㅠㅠ`, `ㅜㅜ`: a crying face.
            let cries = units[start..]
                .iter()
                .take_while(|unit| matches!(unit, Unit::Jamo('ㅠ' | 'ㅜ')))
                .count();
            for length in 1..=cries {
                reach(start + length, Some(SmallTalk::Emoji));
            }
            let mut candidates = |key: Key| {
                for &index in self.by_first.get(&key).into_iter().flatten() {
                    let phrase = &self.phrases[index];
                    if phrase_at(phrase, units, start) {
                        reach(start + phrase.units.len(), phrase.kind);
                    }
                }
            };
            match &units[start] {
                Unit::Word { ids, .. } => ids.iter().for_each(|id| candidates(Key::Word(*id))),
                Unit::Syllable(c) => {
                    candidates(Key::Syllable(*c));
                    if let Some(base) = cute_base(*c) {
                        candidates(Key::Syllable(base));
                    }
                }
                Unit::Jamo(c) => candidates(Key::Jamo(*c)),
                Unit::Emoji(_) => {}
            }
        }
        best[count]
    }
}

/// Whether `phrase` matches `units` from `start`: Latin words by id, Hangul exactly except a
/// cute final consonant on the last syllable and, in long phrases, one wrong syllable inside.
fn phrase_at(phrase: &Phrase, units: &[Unit], start: usize) -> bool {
    let Some(window) = units.get(start..start + phrase.units.len()) else {
        return false;
    };
    let last = phrase.units.len() - 1;
    let mut typos = 0;
    for (position, (want, got)) in phrase.units.iter().zip(window).enumerate() {
        let matched = match (want, got) {
            (Key::Word(id), Unit::Word { ids, .. }) => ids.contains(id),
            (Key::Syllable(want), Unit::Syllable(got)) => {
                want == got || (position == last && cute_base(*got) == Some(*want))
            }
            (Key::Jamo(want), Unit::Jamo(got)) => want == got,
            _ => false,
        };
        if !matched {
            let typo =
                phrase.hangul_typo && position > 0 && position < last && typos == 0 && matches!(got, Unit::Syllable(_));
            if !typo {
                return false;
            }
            typos += 1;
        }
    }
    true
}

fn is_laugh_unit(unit: &Unit) -> bool {
    match unit {
        Unit::Jamo(c) => matches!(c, 'ㅋ' | 'ㅎ'),
        Unit::Syllable(c) => LAUGH_SYLLABLES.contains(c),
        _ => false,
    }
}

/// Whether `word` is a typo of `listed`: one edit (a swap, a missing or an extra letter; a
/// wrong letter only in words of six letters or more, so `tool` is not `cool`), or two in
/// words of eight letters or more. Both are at least [`MIN_TYPO_LEN`] long.
fn is_typo(word: &str, word_letters: &[u8; 26], listed: &ListWord) -> bool {
    let (length, listed_length) = (word.len(), listed.text.len());
    if listed_length < MIN_TYPO_LEN || length.abs_diff(listed_length) > 2 {
        return false;
    }
    let allowed = if listed_length >= 8 { 2 } else { 1 };
    // Each edit changes the letter counts by at most two.
    let letter_difference: usize = word_letters
        .iter()
        .zip(&listed.letters)
        .map(|(a, b)| usize::from(a.abs_diff(*b)))
        .sum();
    if letter_difference > 2 * allowed {
        return false;
    }
    match strsim::osa_distance(word, &listed.text) {
        0 => true,
        1 => {
            let substitution =
                length == listed_length && word.bytes().zip(listed.text.bytes()).filter(|(a, b)| a != b).count() == 1;
            !substitution || listed_length >= 6
        }
        2 => allowed == 2,
        _ => false,
    }
}

/// Letter counts of an ASCII word (other characters are not counted).
fn letters(word: &str) -> [u8; 26] {
    let mut counts = [0u8; 26];
    for byte in word.bytes() {
        if byte.is_ascii_lowercase() {
            let slot = &mut counts[usize::from(byte - b'a')];
            *slot = slot.saturating_add(1);
        }
    }
    counts
}

/// `word` with runs of the same character collapsed to one: `hiii` → `hi`, `hello` → `helo`.
fn collapse(word: &str) -> String {
    let mut collapsed = String::with_capacity(word.len());
    let mut previous = None;
    for c in word.chars() {
        if previous != Some(c) {
            collapsed.push(c);
        }
        previous = Some(c);
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::{Assistant, Question};

    fn knowledge() -> KnowledgeBase {
        KnowledgeBase::builtin().expect("built-in knowledge loads")
    }

    fn check(kind: SmallTalk, phrasings: &[&str]) {
        for text in phrasings {
            assert_eq!(detect(text), Some(kind), "{text:?}");
        }
    }

    #[test]
    fn greetings_in_both_languages_with_typos_and_mentions() {
        check(
            SmallTalk::Greeting,
            &[
                "hi",
                "Hi!",
                "HELLO",
                "hiii",
                "heyyy",
                "hey there",
                "hello there",
                "helo",
                "hellooo!!",
                "hallo",
                "yo",
                "sup",
                "what's up?",
                "good morning",
                "goood morning",
                "morning!",
                "how are you?",
                "how's it going?",
                "hey, how are you doing?",
                "hello everyone",
                "hi bot",
                "hi xaas-bot",
                "<@123456789012345678> hi",
                "<@!42> hello there",
                "ｈｉ",
                "👋",
                "hi 👋",
                "안녕",
                "안녕!",
                "안녕~~",
                "안녕하세요",
                "안녕 하세요",
                "안녕하세요~~",
                "안녕하세욥",
                "안녕하세용",
                "안녕하새요",
                "안뇽",
                "안녕요",
                "ㅎㅇ",
                "ㅎㅇㅎㅇ",
                "하이",
                "하이~",
                "하잉",
                "방가",
                "방가방가",
                "반가워요",
                "만나서 반갑습니다",
                "봇아 안녕",
                "안녕 봇",
                "안녕하세요 ㅎㅎ",
                "좋은 아침이에요",
                "잘 지냈어?",
                "<@123> 안녕하세요~~",
            ],
        );
    }

    #[test]
    fn thanks_in_both_languages_with_typos() {
        check(
            SmallTalk::Thanks,
            &[
                "thanks",
                "thanks!",
                "Thank you!",
                "thank you so much",
                "thanks a lot",
                "thankss",
                "thaaanks",
                "thnaks",
                "thx",
                "thnx",
                "ty",
                "tysm",
                "many thanks",
                "thanks for the help",
                "thank you for the explanation!",
                "much appreciated",
                "that helped, thanks",
                "ok thanks",
                "ok, thanks bot",
                "🙏",
                "고마워",
                "고마워!",
                "고마워요",
                "고마워용",
                "고마웡",
                "고마어",
                "고맙습니다",
                "감사합니다",
                "감사해요",
                "감사함다",
                "감사합니당",
                "감사햡니다",
                "감사감사",
                "ㄳ",
                "ㄱㅅ",
                "ㄳㄳ",
                "정말 고마워요",
                "진짜 감사합니다!!",
                "설명 감사합니다",
                "알려줘서 고마워",
                "땡큐",
                "도움이 됐어요",
                "ㅇㅋ 고마워",
                "ㅋㅋ 고마워",
                "고맙습니다 많은 도움이 됐어요",
            ],
        );
    }

    #[test]
    fn goodbyes_in_both_languages() {
        check(
            SmallTalk::Goodbye,
            &[
                "bye",
                "byeee",
                "bye bye",
                "goodbye!",
                "see you later",
                "see ya",
                "good night",
                "ttyl",
                "take care",
                "thanks, bye!",
                "잘 가",
                "잘가요",
                "안녕히 계세요",
                "바이바이",
                "ㅂㅂ",
                "다음에 또 봐요",
                "수고하세요",
                "고마워 잘가",
            ],
        );
    }

    #[test]
    fn questions_about_the_bot() {
        check(
            SmallTalk::AboutBot,
            &[
                "who are you?",
                "who r u",
                "what are you?",
                "what's your name?",
                "whats ur name",
                "who made you?",
                "who created you",
                "are you a bot?",
                "are you human?",
                "introduce yourself",
                "tell me about yourself",
                "hi, who are you?",
                "what is xaas-bot?",
                "넌 누구야?",
                "너 누구야",
                "누구세요?",
                "이름이 뭐야?",
                "네 이름은?",
                "이름이 뭐예요",
                "이름이 뭐에요",
                "누가 만들었어?",
                "너 봇이야?",
                "너 ai야?",
                "자기소개 해줘",
                "안녕 넌 누구니",
            ],
        );
    }

    #[test]
    fn help_and_what_the_bot_can_do() {
        check(
            SmallTalk::Capabilities,
            &[
                "help",
                "help!",
                "/help",
                "!help",
                "helpp",
                "help me",
                "what can you do?",
                "what can u do",
                "hello, what can you do?",
                "what can I ask you?",
                "how do I use this bot?",
                "commands",
                "도움말",
                "도와줘",
                "도와주세요",
                "뭐 할 수 있어?",
                "뭐할수있어",
                "뭘 할 수 있나요?",
                "뭐 할 수 있니",
                "안녕, 뭐 할 수 있어?",
                "사용법 알려줘",
                "뭘 물어볼 수 있어?",
                "이 봇 어떻게 쓰는 거야?",
            ],
        );
    }

    #[test]
    fn laughter_acknowledgements_and_emoji() {
        check(
            SmallTalk::Laughter,
            &[
                "lol",
                "LOL",
                "lmao",
                "haha",
                "hahaha",
                "hehe",
                "looool",
                "kkkk",
                "😂",
                "xD",
                ":D",
                "ㅋ",
                "ㅋㅋ",
                "ㅋㅋㅋㅋㅋ",
                "ㅎㅎ",
                "하하",
                "하하하",
                "크크",
                "푸하하",
            ],
        );
        check(
            SmallTalk::Acknowledgement,
            &[
                "ok",
                "okay",
                "okk",
                "OK!",
                "k",
                "got it",
                "cool",
                "nice",
                "great!",
                "👍",
                "👍🏽",
                "ok 👍",
                "alright",
                "i see",
                "good bot",
                "yes",
                "sure",
                "lol ok",
                "ㅇㅋ",
                "ㅇㅋㅇㅋ",
                "ㅇㅇ",
                "알겠어",
                "알겠어요",
                "알겠습니다",
                "넵",
                "넹",
                "네",
                "응",
                "오케이",
                "좋아요",
                "아하 그렇구나",
            ],
        );
        check(
            SmallTalk::Emoji,
            &["🙂", "❤️", "🔥🔥", "^^", ":)", "ㅠㅠ", "<:wave:123456>"],
        );
    }

    #[test]
    fn a_real_question_behind_small_talk_is_no_small_talk() {
        for text in [
            "hi, what is IaaS?",
            "hello, can you explain PaaS?",
            "thanks, and what about PaaS cons?",
            "thanks! what are the pros of SaaS?",
            "ok so what is paas",
            "help me choose between IaaS and PaaS",
            "help with GDPR",
            "what can IaaS do?",
            "what do you know about HIPAA?",
            "who provides GPUaaS?",
            "who are the main PaaS providers",
            "what is xaas",
            "IaaS",
            "iaas",
            "PaaS?",
            "serverless",
            "안녕 IaaS가 뭐야",
            "안녕하세요, SaaS 장점 알려주세요",
            "고마워, 근데 SaaS 단점은?",
            "도움말 말고 IaaS 설명해줘",
            "IaaS 선택 좀 도와줘",
            "서버리스",
            "클라우드",
        ] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }

    #[test]
    fn other_off_topic_messages_are_no_small_talk() {
        for text in [
            "what time is it?",
            "what time is it",
            "tell me a joke",
            "write me a poem about cats",
            "write a poem",
            "what's the weather in seoul",
            "what is 17 * 3",
            "2+2",
            "what is this",
            "how does it work",
            "what about you",
            "지금 몇 시야?",
            "농담 하나 해줘",
            "시 한 편 써줘",
            "오늘 날씨 어때?",
            "2+2는?",
            "오늘 점심 뭐 먹지",
            "설명해줘",
            "이게 뭐야?",
            "이거 뭐야",
            "인공지능이란?",
            "tool",
            "year",
            "",
            "   ",
            "?",
            "!!!",
            "<@123>",
            "bot",
            "봇",
            "please",
            "こんにちは",
            "привет",
        ] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }

    #[test]
    fn only_short_messages_are_small_talk() {
        let twelve = ["hi"; 12].join(" ");
        assert_eq!(detect(&twelve), Some(SmallTalk::Greeting));
        assert_eq!(detect(&["hi"; 13].join(" ")), None);
        assert_eq!(detect(&"ㅋ".repeat(MAX_CHARS)), Some(SmallTalk::Laughter));
        assert_eq!(detect(&"ㅋ".repeat(MAX_CHARS + 1)), None);
        assert_eq!(detect(&"hello ".repeat(10_000)), None);
        assert_eq!(detect(&format!("<@{}> hi", "1".repeat(18))), Some(SmallTalk::Greeting));
    }

    #[test]
    fn no_name_alias_or_product_of_the_knowledge_base_is_small_talk() {
        let knowledge = knowledge();
        for entry in knowledge.entries() {
            let mut names = vec![
                &entry.id,
                &entry.name.en,
                &entry.name.ko,
                &entry.full_name.en,
                &entry.full_name.ko,
            ];
            names.extend(entry.aliases_en.iter().chain(&entry.aliases_ko));
            for provider in &entry.providers {
                names.push(&provider.name);
                names.extend(&provider.products);
            }
            for name in names {
                assert_eq!(detect(name), None, "{name:?} of {}", entry.id);
            }
        }
    }

    #[test]
    fn every_list_phrase_is_small_talk_of_its_list() {
        let lists: [(&[&str], SmallTalk); 7] = [
            (GREETINGS, SmallTalk::Greeting),
            (THANKS, SmallTalk::Thanks),
            (GOODBYES, SmallTalk::Goodbye),
            (ABOUT_BOT, SmallTalk::AboutBot),
            (CAPABILITIES, SmallTalk::Capabilities),
            (LAUGHTER, SmallTalk::Laughter),
            (ACKNOWLEDGEMENTS, SmallTalk::Acknowledgement),
        ];
        for (list, kind) in lists {
            for phrase in list {
                let detected = detect(phrase).unwrap_or_else(|| panic!("{phrase:?} is no small talk"));
                // A phrase may also read as a kind that ranks higher ("how do you do" is a
                // greeting though it holds "what do you do"), never lower.
                assert!(
                    detected.rank() >= kind.rank(),
                    "{phrase:?}: {detected:?}, listed as {kind:?}"
                );
            }
        }
        for filler in FILLERS {
            assert_eq!(detect(filler), None, "a filler alone: {filler:?}");
        }
    }

    #[test]
    fn replies_are_short_kind_in_the_asked_language_and_name_no_model_as_the_answer() {
        let knowledge = knowledge();
        let kinds = [
            SmallTalk::Greeting,
            SmallTalk::Thanks,
            SmallTalk::Goodbye,
            SmallTalk::AboutBot,
            SmallTalk::Capabilities,
            SmallTalk::Laughter,
            SmallTalk::Acknowledgement,
            SmallTalk::Emoji,
        ];
        let hangul = |text: &str| text.chars().any(crate::knowledge::is_hangul);
        for kind in kinds {
            for lang in [Lang::En, Lang::Ko] {
                let reply = reply(kind, lang, &knowledge);
                assert_eq!(reply.kind, ReplyKind::SmallTalk);
                assert_eq!(reply.mode, Mode::Offline);
                assert_eq!(reply.lang, lang);
                assert!(reply.sources.is_empty(), "{kind:?}");
                assert_eq!(reply.sections.len(), 1, "{kind:?}");
                assert!(
                    !reply.lead.is_empty() && reply.lead.chars().count() < 160,
                    "{:?}",
                    reply.lead
                );
                assert!(reply.title.chars().count() <= 24, "{:?}", reply.title);
                assert_eq!(hangul(&reply.lead), lang == Lang::Ko, "{:?}", reply.lead);
                assert_eq!(hangul(&reply.title), lang == Lang::Ko, "{:?}", reply.title);
                let examples = reply.sections[0].body.lines().filter(|l| l.starts_with("• ")).count();
                assert!((2..=3).contains(&examples), "{}", reply.sections[0].body);
                for entry in knowledge.entries() {
                    for name in [&entry.name.en, &entry.name.ko] {
                        assert!(
                            !reply.lead.contains(name.as_str()),
                            "{kind:?} {lang:?} lead names {name}"
                        );
                        assert!(
                            !reply.title.contains(name.as_str()),
                            "{kind:?} {lang:?} title names {name}"
                        );
                    }
                }
                assert_eq!(reply, super::reply(kind, lang, &knowledge), "deterministic");
            }
        }
    }

    #[test]
    fn the_example_questions_are_answered_from_the_knowledge_base() {
        let assistant = Assistant::new(knowledge());
        let snapshot = assistant.snapshot();
        for lang in [Lang::En, Lang::Ko] {
            let reply = reply(SmallTalk::Greeting, lang, snapshot.knowledge());
            for example in reply.sections[0].body.lines().filter_map(|l| l.strip_prefix("• ")) {
                let answer = assistant.answer(&Question::new(example));
                assert!(
                    !matches!(answer.kind, ReplyKind::DontKnow | ReplyKind::SmallTalk) && !answer.sources.is_empty(),
                    "{example:?} -> {:?}",
                    answer.kind
                );
                assert_eq!(answer.lang, lang, "{example:?}");
            }
        }
    }

    #[test]
    fn the_assistant_answers_small_talk_in_the_reply_language_without_searching() {
        let assistant = Assistant::new(knowledge());
        let korean = assistant.answer(&Question::new("고마워"));
        assert_eq!((korean.kind, korean.lang), (ReplyKind::SmallTalk, Lang::Ko));
        assert!(korean.title.contains("천만에요"), "{}", korean.title);
        let english = assistant.answer(&Question::new("👍"));
        assert_eq!((english.kind, english.lang), (ReplyKind::SmallTalk, Lang::En));
        let locale = assistant.answer(&Question::new("hi").in_lang(Some(Lang::Ko)));
        assert_eq!((locale.kind, locale.lang), (ReplyKind::SmallTalk, Lang::Ko));
        let question = assistant.answer(&Question::new("hi, what is IaaS?"));
        assert_eq!(question.sources.first().map(|s| s.id.as_str()), Some("iaas"));
    }

    #[test]
    fn korean_particles_follow_the_last_syllable() {
        assert_eq!(with_final("IaaS", "이랑", "랑"), "랑");
        assert_eq!(with_final("클라우드 컴퓨팅", "이랑", "랑"), "이랑");
        assert_eq!(with_final("온프레미스", "이랑", "랑"), "랑");
    }
}
