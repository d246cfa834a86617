//! Attachments for the fake Discord: the `multipart/form-data` bodies serenity 0.12 sends (one
//! part per file, named `files[n]` with a filename and a content type guessed from it, then the
//! JSON body as `payload_json`), the `attachments` a message gets from them, and `attachment://`
//! embed URLs resolved to them, as Discord does.
//!
//! Semantics (Discord's "Uploading Files" and "Editing Message Attachments"): without an
//! `attachments` field every uploaded file is attached (appended on edits, which keep the old
//! ones); with one, the message gets exactly the listed attachments: `{id: n}` is the file of
//! part `files[n]` (its `filename` and `description` override the part's), `{id: snowflake}`
//! keeps one of the message's own attachments, and anything unlisted is gone. So a serenity
//! `CreateInteractionResponse::UpdateMessage`, which always sends `attachments: []`, removes the
//! message's attachments (serenity issue 3068); acknowledge with 6 and edit to keep them.
//! Attachments get a fresh id, `size`, `content_type` (the part's, else guessed from the
//! extension), `width`/`height` for PNG and GIF, `ephemeral` on ephemeral messages, and unsigned
//! CDN URLs (`https://cdn.discordapp.com/attachments/{channel}/{id}/{filename}`, `proxy_url` on
//! `media.discordapp.net`). An embed's `image`/`thumbnail` `url` or `author`/`footer`
//! `icon_url` of `attachment://{filename}` becomes the attachment's URLs (and, for images, its
//! size and content type).
//!
//! Checks, each reported as a spec violation of the request:
//! - a file part must be named `files[n]` (n a number, each used once) and have a filename;
//! - a file named `.png` or sent as `image/png` must start with the PNG signature;
//! - a file over 10 MiB (the `attachment_size_limit` interactions announce) is refused with
//!   Discord's 413 40005, nothing routed;
//! - an `attachments` entry must name an uploaded `files[n]` or one of the message's own
//!   attachments, each upload listed at most once, and an uploaded file left out of a present
//!   `attachments` list is reported (Discord drops it);
//! - at most 10 attachments per message;
//! - an `attachment://` URL must name exactly one attachment of the message, an image one for
//!   `image` and `thumbnail`;
//! - files uploaded to a request that attaches none (a GET, callback 6, 8 or 9, a failed
//!   request) are reported by the caller.
//!
//! Also: `payload_json` may give new attachments' ids as numbers (serenity does, so do Discord's
//! docs) where the spec says snowflake strings; they are validated as strings.
//!
//! What it must not do: serve or fetch the CDN URLs (tests read the bytes with
//! [`FakeDiscord::attachment`](super::FakeDiscord::attachment)).

use serde_json::{json, Value};

use super::{is_ephemeral, percent_decode, snowflake, CurrentRequest, ATTACHMENT_SIZE_LIMIT};

/// The most attachments a message holds.
const MAX_ATTACHMENTS: usize = 10;
/// The first 8 bytes of every PNG file.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// One file part of a multipart request, as received.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedFile {
    /// The form field's name (serenity: `files[0]`, `files[1]`, ...).
    pub name: String,
    /// The filename of the part's `Content-Disposition`.
    pub filename: String,
    /// The part's `Content-Type`, if it had one (serenity guesses it from the extension).
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for RecordedFile {
    /// Without the bytes, which would flood a failing assertion: their length instead.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RecordedFile")
            .field("name", &self.name)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// A multipart body taken apart.
#[derive(Default)]
pub(super) struct Multipart {
    /// The `payload_json` part's content, if there was one.
    pub(super) payload_json: Option<Vec<u8>>,
    /// The parts with a filename, in order.
    pub(super) files: Vec<RecordedFile>,
    /// What is malformed or breaks Discord's upload rules.
    pub(super) problems: Vec<String>,
}

/// Takes a `multipart/form-data` body apart (RFC 7578: parts between `--boundary` lines, each
/// with headers, a blank line and its content; `--boundary--` ends the body).
pub(super) fn parse_multipart(boundary: &str, raw: &[u8]) -> Multipart {
    let mut multipart = Multipart::default();
    let delimiter = format!("--{boundary}").into_bytes();
    let separator = [b"\r\n".as_slice(), &delimiter].concat();
    let Some(first) = find(raw, &delimiter, 0) else {
        multipart
            .problems
            .push(format!("multipart body without its boundary {boundary:?}"));
        return multipart;
    };
    let mut position = first + delimiter.len();
    loop {
        let after = &raw[position..];
        if after.starts_with(b"--") {
            break;
        }
        if !after.starts_with(b"\r\n") {
            multipart
                .problems
                .push("multipart boundary not followed by CRLF or --".to_string());
            break;
        }
        let start = position + 2;
        let Some(end) = find(raw, &separator, start) else {
            multipart
                .problems
                .push("multipart part without a closing boundary".to_string());
            break;
        };
        read_part(&raw[start..end], &mut multipart);
        position = end + separator.len();
    }
    for (index, file) in multipart.files.iter().enumerate() {
        if multipart.files[..index].iter().any(|earlier| earlier.name == file.name) {
            multipart.problems.push(format!(
                "two file parts are named {}: each files[n] is unique",
                file.name
            ));
        }
    }
    multipart
}

/// One part: a file when it has a filename, else `payload_json` or an ignored field.
fn read_part(part: &[u8], multipart: &mut Multipart) {
    let (head, content) = if let Some(content) = part.strip_prefix(b"\r\n") {
        ("", content)
    } else {
        match find(part, b"\r\n\r\n", 0) {
            Some(split) => (std::str::from_utf8(&part[..split]).unwrap_or(""), &part[split + 4..]),
            None => {
                multipart
                    .problems
                    .push("multipart part without a blank line after its headers".to_string());
                return;
            }
        }
    };
    let (mut name, mut filename, mut content_type) = (None, None, None);
    for line in head.split("\r\n") {
        let Some((header, value)) = line.split_once(':') else {
            continue;
        };
        match header.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => {
                for (key, param) in disposition_params(value) {
                    match key.as_str() {
                        "name" => name = Some(param),
                        "name*" => {
                            name = Some(percent_decode(param.split("''").nth(1).unwrap_or(&param)));
                        }
                        "filename" => filename = Some(param),
                        _ => {}
                    }
                }
            }
            "content-type" => content_type = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let name = name.unwrap_or_default();
    let Some(filename) = filename else {
        if name == "payload_json" {
            multipart.payload_json = Some(content.to_vec());
        } else {
            multipart.problems.push(format!(
                "multipart field {name:?} ignored: the fake reads the JSON body from payload_json only"
            ));
        }
        return;
    };
    if file_index(&name).is_none() {
        multipart.problems.push(format!(
            "file part {name:?} ({filename}): Discord takes files from parts named files[n]"
        ));
    }
    if filename.is_empty() {
        multipart
            .problems
            .push(format!("file part {name} has an empty filename"));
    }
    let png = filename.to_ascii_lowercase().ends_with(".png") || content_type.as_deref() == Some("image/png");
    if png && !content.starts_with(PNG_SIGNATURE) {
        multipart.problems.push(format!(
            "{name} ({filename}) is not a PNG: its bytes do not start with the PNG signature"
        ));
    }
    multipart.files.push(RecordedFile {
        name,
        filename,
        content_type,
        bytes: content.to_vec(),
    });
}

/// The `key=value` parameters of a `Content-Disposition` value (after `form-data`), quoted
/// values unescaped (`\"`, `\\`), keys lower-cased.
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = value.chars().peekable();
    // the disposition type, up to the first ';'
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ';').is_some() {}
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ';') {
            key.push(c);
        }
        if key.is_empty() {
            break;
        }
        let mut param = String::new();
        if chars.next_if_eq(&'=').is_some() {
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => param.extend(chars.next()),
                        '"' => break,
                        c => param.push(c),
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| *c != ';') {
                    param.push(c);
                }
                param = param.trim().to_string();
            }
        }
        params.push((key.trim().to_ascii_lowercase(), param));
    }
    params
}

/// `n` of a part named `files[n]`.
fn file_index(name: &str) -> Option<u64> {
    name.strip_prefix("files[")?.strip_suffix(']')?.parse().ok()
}

/// The first index of `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut position = from;
    while position + needle.len() <= haystack.len() {
        let offset = haystack[position..=haystack.len() - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        position += offset;
        if haystack[position..].starts_with(needle) {
            return Some(position);
        }
        position += 1;
    }
    None
}

/// Discord's refusal of an oversized upload, as a problem, if a file is over the limit.
pub(super) fn too_large(files: &[RecordedFile]) -> Option<String> {
    let file = files.iter().find(|f| f.bytes.len() as u64 > ATTACHMENT_SIZE_LIMIT)?;
    Some(format!(
        "{} ({}) is {} bytes, over the {ATTACHMENT_SIZE_LIMIT}-byte upload limit (attachment_size_limit): Discord answers 413 40005",
        file.name,
        file.filename,
        file.bytes.len()
    ))
}

/// The body the spec validates: numeric attachment ids (`attachments[].id`, also under `data`)
/// as the snowflake strings the spec wants; Discord takes both.
pub(super) fn for_spec(body: &Value) -> Value {
    let mut body = body.clone();
    for pointer in ["/attachments", "/data/attachments"] {
        let Some(entries) = body.pointer_mut(pointer).and_then(Value::as_array_mut) else {
            continue;
        };
        for entry in entries {
            if let Some(id) = entry.get("id").filter(|id| id.is_number()).and_then(Value::as_u64) {
                entry["id"] = json!(id.to_string());
            }
        }
    }
    body
}

/// Applies a body's `attachments` and the request's uploaded files to `message` (created or
/// edited), as described in the module doc; problems go to `current`.
pub(super) fn apply(message: &mut Value, body: &Value, current: &mut CurrentRequest) {
    let listed = body.get("attachments").and_then(Value::as_array);
    if current.files.is_empty() && listed.is_none() {
        return;
    }
    if !current.files.is_empty() {
        current.files_used = true;
    }
    let uploads: Vec<(Option<u64>, RecordedFile)> = current
        .files
        .iter()
        .map(|file| (file_index(&file.name), file.clone()))
        .collect();
    let existing = message["attachments"].as_array().cloned().unwrap_or_default();
    let channel = message["channel_id"].as_str().unwrap_or("0").to_string();
    let ephemeral = is_ephemeral(message);
    let at = current.at.clone();
    let mut attachments = Vec::new();
    match listed {
        Some(entries) => {
            let mut used = vec![false; uploads.len()];
            for (index, entry) in entries.iter().enumerate() {
                let id = match &entry["id"] {
                    Value::Number(number) => number.as_u64(),
                    Value::String(text) => text.parse().ok(),
                    _ => None,
                };
                let Some(id) = id else {
                    continue; // the spec check reports it
                };
                let entry_at = format!("{at}/attachments/{index}/id");
                if let Some(upload) = uploads.iter().position(|(n, _)| *n == Some(id)) {
                    if used[upload] {
                        current
                            .problems
                            .push(format!("at '{entry_at}': files[{id}] is listed twice"));
                        continue;
                    }
                    used[upload] = true;
                    let file = &uploads[upload].1;
                    let filename = entry["filename"].as_str().unwrap_or(&file.filename);
                    let description = entry["description"].as_str();
                    attachments.push(new_attachment(
                        file,
                        filename,
                        description,
                        &channel,
                        ephemeral,
                        current,
                    ));
                } else if let Some(kept) = existing.iter().find(|a| a["id"] == id.to_string().as_str()) {
                    let mut kept = kept.clone();
                    if let Some(description) = entry["description"].as_str() {
                        kept["description"] = json!(description);
                    }
                    attachments.push(kept);
                } else {
                    current.problems.push(format!(
                        "at '{entry_at}': {id} is neither the n of an uploaded files[n] part nor the id of an attachment of this message"
                    ));
                }
            }
            for ((_, file), used) in uploads.iter().zip(used) {
                if !used {
                    current.problems.push(format!(
                        "{} ({}) is uploaded but not listed in '{at}/attachments': Discord does not attach it",
                        file.name, file.filename
                    ));
                }
            }
        }
        None => {
            attachments = existing;
            for (_, file) in &uploads {
                attachments.push(new_attachment(file, &file.filename, None, &channel, ephemeral, current));
            }
        }
    }
    if attachments.len() > MAX_ATTACHMENTS {
        current.problems.push(format!(
            "a message holds at most {MAX_ATTACHMENTS} attachments ({} after this request)",
            attachments.len()
        ));
    }
    message["attachments"] = Value::Array(attachments);
}

/// A new attachment (Discord's attachment object) for `file`, remembered in `current.stored`.
fn new_attachment(
    file: &RecordedFile,
    filename: &str,
    description: Option<&str>,
    channel: &str,
    ephemeral: bool,
    current: &mut CurrentRequest,
) -> Value {
    let id = snowflake();
    let path = format!("attachments/{channel}/{id}/{}", url_encoded(filename));
    let url = format!("https://cdn.discordapp.com/{path}");
    let content_type = file
        .content_type
        .clone()
        .unwrap_or_else(|| content_type_of(filename).to_string());
    let mut attachment = json!({
        "id": id.to_string(),
        "filename": filename,
        "size": file.bytes.len(),
        "url": url,
        "proxy_url": format!("https://media.discordapp.net/{path}"),
        "content_type": content_type,
    });
    if let Some((width, height)) = dimensions(&file.bytes) {
        attachment["width"] = json!(width);
        attachment["height"] = json!(height);
    }
    if let Some(description) = description {
        attachment["description"] = json!(description);
    }
    if ephemeral {
        attachment["ephemeral"] = json!(true);
    }
    current.stored.push((url, file.clone()));
    attachment
}

/// Resolves the `attachment://{filename}` URLs of `message`'s embeds (just set from a body) to
/// its attachments, as Discord does; an unknown, ambiguous or (for images) non-image one is a
/// problem and stays as sent.
pub(super) fn resolve_embeds(message: &mut Value, current: &mut CurrentRequest) {
    let attachments = message["attachments"].as_array().cloned().unwrap_or_default();
    let Some(embeds) = message["embeds"].as_array_mut() else {
        return;
    };
    for (index, embed) in embeds.iter_mut().enumerate() {
        for (field, key, image) in [
            ("image", "url", true),
            ("thumbnail", "url", true),
            ("author", "icon_url", false),
            ("footer", "icon_url", false),
        ] {
            let Some(filename) = embed[field][key].as_str().and_then(|u| u.strip_prefix("attachment://")) else {
                continue;
            };
            let filename = filename.to_string();
            let at = format!("{}/embeds/{index}/{field}/{key}", current.at);
            let named: Vec<&Value> = attachments
                .iter()
                .filter(|a| a["filename"] == filename.as_str())
                .collect();
            let Some(attachment) = named.first() else {
                let names: Vec<&str> = attachments.iter().filter_map(|a| a["filename"].as_str()).collect();
                current.problems.push(format!(
                    "at '{at}': attachment://{filename} names no attachment of the message (it has {names:?}): Discord shows no image"
                ));
                continue;
            };
            if named.len() > 1 {
                current.problems.push(format!(
                    "at '{at}': attachment://{filename} names {} attachments of the message",
                    named.len()
                ));
            }
            let content_type = attachment["content_type"].as_str().unwrap_or("");
            if image && !content_type.starts_with("image/") {
                current.problems.push(format!(
                    "at '{at}': attachment://{filename} is not an image ({content_type}): Discord shows no image"
                ));
                continue;
            }
            let target = &mut embed[field];
            if image {
                target["url"] = attachment["url"].clone();
                target["proxy_url"] = attachment["proxy_url"].clone();
                target["content_type"] = attachment["content_type"].clone();
                for size in ["width", "height"] {
                    if !attachment[size].is_null() {
                        target[size] = attachment[size].clone();
                    }
                }
            } else {
                target["icon_url"] = attachment["url"].clone();
                target["proxy_icon_url"] = attachment["proxy_url"].clone();
            }
        }
    }
}

/// Width and height of a PNG (IHDR) or GIF (logical screen) image.
fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le16 = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if bytes.starts_with(PNG_SIGNATURE) && bytes.get(12..16) == Some(b"IHDR".as_slice()) {
        return Some((be(16)?, be(20)?));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some((le16(6)?, le16(8)?));
    }
    None
}

/// The content type Discord reports for a filename's extension.
fn content_type_of(filename: &str) -> &'static str {
    let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// A filename as a URL path segment: unreserved characters kept, the rest percent-encoded.
fn url_encoded(filename: &str) -> String {
    filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
