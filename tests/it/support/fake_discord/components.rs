//! Message components for the fake Discord: the rules Discord enforces on them that its OpenAPI
//! spec cannot express, the answer form Discord stores them in, modals (callback 9), and the
//! builders of component (type 3) and modal-submit (type 5) interactions.
//!
//! Rules checked on every `components` of a message body (channel message create and edit,
//! callbacks 4 and 7, webhook followups and edits), from Discord's component reference, each
//! broken one reported as a spec violation of the request ("… (Discord's component rules)"):
//! - at most 5 action rows, and only action rows at the top, unless `flags` has
//!   IS_COMPONENTS_V2 (1 << 15);
//! - an action row holds 1 to 5 components, a select menu fills its row alone, no text inputs
//!   (they go in modals) and no nested rows;
//! - every `custom_id` is 1 to 100 characters and unique within the message;
//! - buttons: styles 1–4 have a `custom_id` and no `url`; link buttons (5) have a `url` and no
//!   `custom_id`; premium buttons (6) have a `sku_id` and no `custom_id`, `label`, `url` or
//!   `emoji`; every other button has a `label` or an `emoji`; a label is at most 80 characters;
//! - string selects: a `custom_id`, 1 to 25 options with unique values, option label and value
//!   1 to 100 characters and description at most 100, `min_values` 0–25 ≤ `max_values` 1–25 ≤
//!   the number of options, no more `default` options than `max_values`, placeholder at most 150;
//!   other selects (5–8) have no `options`.
//!
//! Modals (callback 9): `custom_id` 1 to 100, `title` 1 to 45, 1 to 5 components, each an action
//! row with exactly one text input, a label (type 18) around a text input, or a text display;
//! text inputs: unique `custom_id`, style 1 or 2, a label of 1 to 45 characters (inside a label
//! component: none of their own), `min_length` 0–4000 ≤ `max_length` 1–4000, a prefilled `value`
//! within `max_length`, placeholder at most 100.
//!
//! What it must not do: build an interaction a Discord client could not send. A press on a
//! component the message does not have (any more), on a disabled one, on a link button, someone
//! else's ephemeral message, a choice outside the options, a modal value that does not fit: these
//! are bugs of the test, and the builders panic saying so.

use serde_json::{json, Value};

use super::{is_ephemeral, snowflake_of, FakeDiscord, FakeUser, InteractionSpec};

/// Discord's limits on message components and modals.
const MAX_ROWS: usize = 5;
const MAX_ROW_ITEMS: usize = 5;
const MAX_CUSTOM_ID: usize = 100;
const MAX_BUTTON_LABEL: usize = 80;
const MAX_OPTIONS: usize = 25;
const MAX_OPTION_TEXT: usize = 100;
const MAX_SELECT_PLACEHOLDER: usize = 150;
const MAX_MODAL_COMPONENTS: usize = 5;
const MAX_MODAL_TITLE: usize = 45;
const MAX_TEXT_INPUT_LABEL: usize = 45;
const MAX_TEXT_INPUT_PLACEHOLDER: usize = 100;
const MAX_TEXT_LENGTH: usize = 4000;
/// The message flag that allows layout components (containers, sections, ...) at the top.
const FLAG_COMPONENTS_V2: u64 = 1 << 15;
/// Component types (Discord's numbering).
const ACTION_ROW: u64 = 1;
const BUTTON: u64 = 2;
const STRING_SELECT: u64 = 3;
const TEXT_INPUT: u64 = 4;
const TEXT_DISPLAY: u64 = 10;
const LABEL: u64 = 18;

/// A message a builder acts on: its id, or the message itself as the fake stores or answers it.
pub trait MessageRef {
    /// The message's snowflake.
    fn message_id(&self) -> u64;
}

impl MessageRef for u64 {
    fn message_id(&self) -> u64 {
        *self
    }
}

impl MessageRef for &Value {
    fn message_id(&self) -> u64 {
        snowflake_of(&self["id"]).unwrap_or_else(|| panic!("not a message (no snowflake id): {self}"))
    }
}

impl MessageRef for Value {
    fn message_id(&self) -> u64 {
        (&self).message_id()
    }
}

impl FakeDiscord {
    /// INTERACTION_CREATE data for a component interaction (type 3) by `user` in `locale` on the
    /// stored message `message`, as it is now: a button press (`values: None`, `component_type`
    /// 2) or a string select choice (`values: Some`, `component_type` 3, `data.values`). The
    /// interaction carries the message (REST form, `components` and all), its channel and guild;
    /// its id and token are fresh. Dispatches nothing (see [`FakeDiscord::press`] and
    /// [`FakeDiscord::choose`]).
    ///
    /// Panics, as a Discord client would not send it, when the message is unknown or deleted,
    /// has no component with `custom_id`, the component is disabled, is a link or premium
    /// button, is not the kind asked for, the message is ephemeral and `user` is not the one it
    /// was shown to, or the values are not options of the select or not `min_values` to
    /// `max_values` of them.
    pub fn component_interaction(
        &self,
        message: impl MessageRef,
        custom_id: &str,
        values: Option<&[&str]>,
        user: &FakeUser,
        locale: &str,
    ) -> Value {
        let message_id = message.message_id();
        let helper = if values.is_some() { "choose" } else { "press" };
        let stored = self
            .message(message_id)
            .unwrap_or_else(|| panic!("{helper}: the fake has no message {message_id} (never seen, or deleted)"));
        if is_ephemeral(&stored) {
            let shown_to = &stored["interaction_metadata"]["user"]["id"];
            assert!(
                snowflake_of(shown_to).is_none_or(|id| id == user.id),
                "{helper}: message {message_id} is ephemeral, shown only to user {shown_to}, not to {}",
                user.id
            );
        }
        let mut found = Vec::new();
        interactive_components(&stored["components"], &mut found);
        let Some(component) = found.iter().find(|c| c["custom_id"] == custom_id) else {
            let ids: Vec<&str> = found.iter().filter_map(|c| c["custom_id"].as_str()).collect();
            panic!("{helper}: message {message_id} has no component with custom_id {custom_id:?} (it has {ids:?})");
        };
        assert!(
            component["disabled"] != json!(true),
            "{helper}: {custom_id:?} on message {message_id} is disabled: a user cannot use it"
        );
        let kind = component["type"].as_u64().unwrap_or(0);
        let data = match (values, kind) {
            (None, BUTTON) => {
                let style = component["style"].as_u64().unwrap_or(0);
                assert!(
                    style != 5 && style != 6,
                    "press: {custom_id:?} is a link or premium button (style {style}): Discord sends no interaction"
                );
                json!({"custom_id": custom_id, "component_type": BUTTON})
            }
            (None, _) => panic!("press: {custom_id:?} is a component of type {kind}, not a button; use choose"),
            (Some(values), STRING_SELECT) => {
                let options: Vec<&str> = component["options"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o["value"].as_str())
                    .collect();
                for value in values {
                    assert!(
                        options.contains(value),
                        "choose: {value:?} is not an option of {custom_id:?} (options: {options:?})"
                    );
                }
                let min = component["min_values"].as_u64().unwrap_or(1) as usize;
                let max = component["max_values"].as_u64().unwrap_or(1) as usize;
                assert!(
                    (min..=max).contains(&values.len()),
                    "choose: {custom_id:?} takes {min} to {max} values, {} given",
                    values.len()
                );
                json!({"custom_id": custom_id, "component_type": STRING_SELECT, "values": values})
            }
            (Some(_), BUTTON) => panic!("choose: {custom_id:?} is a button; use press"),
            (Some(_), _) => panic!(
                "choose: {custom_id:?} is a component of type {kind}; the fake chooses from string selects (3) only"
            ),
        };
        let channel = snowflake_of(&stored["channel_id"]).unwrap_or_default();
        let guild = snowflake_of(&stored["guild_id"]);
        self.new_interaction(InteractionSpec {
            kind: 3,
            data,
            locale,
            guild,
            channel,
            user,
            name: String::new(),
            message: Some(message_id),
            triggering: None,
        })
    }

    /// `user` presses the button `custom_id` on `message` (see
    /// [`FakeDiscord::component_interaction`], which panics on presses a client could not make):
    /// dispatches the INTERACTION_CREATE (its ack deadline starts) and returns its token.
    pub fn press(&self, message: impl MessageRef, custom_id: &str, user: &FakeUser, locale: &str) -> String {
        let interaction = self.component_interaction(message, custom_id, None, user, locale);
        self.dispatch_interaction(interaction)
    }

    /// `user` picks `values` in the string select `custom_id` on `message` (see
    /// [`FakeDiscord::component_interaction`]): dispatches the INTERACTION_CREATE and returns its
    /// token.
    pub fn choose(
        &self,
        message: impl MessageRef,
        custom_id: &str,
        values: &[&str],
        user: &FakeUser,
        locale: &str,
    ) -> String {
        let interaction = self.component_interaction(message, custom_id, Some(values), user, locale);
        self.dispatch_interaction(interaction)
    }

    /// INTERACTION_CREATE data for submitting (type 5) the modal the bot opened in answer to the
    /// interaction with `token` (callback 9), by `user`, with `values` as (text input
    /// `custom_id`, text). `data` has the modal's `custom_id` and its components as Discord sends
    /// them back (each text input's `type`, `id`, `custom_id` and `value`; inputs not in `values`
    /// keep their prefilled value, else ""). Channel, guild and locale are the opening
    /// interaction's; a modal opened by a component carries that component's message (as it is
    /// now). Marks the modal submitted; dispatches nothing (see [`FakeDiscord::submit_modal`]).
    ///
    /// Panics when the interaction was not answered with a modal, the modal was already
    /// submitted, `user` is not who opened it, a `custom_id` is not one of its text inputs (or
    /// is given twice), a required input is left empty, or a value is outside the input's
    /// `min_length`..=`max_length`.
    pub fn modal_submit(&self, token: &str, values: &[(&str, &str)], user: &FakeUser) -> Value {
        let (spec_data, locale, guild, channel, message, triggering) = {
            let mut rest = self.shared.rest();
            let Some(opener) = rest.interactions.get_mut(token) else {
                panic!("submit_modal: no interaction has the token {token:?}");
            };
            let Some(modal) = opener.modal.clone().filter(|_| opener.callback == Some(9)) else {
                panic!(
                    "submit_modal: the bot answered that interaction with callback {:?}, not a modal (9)",
                    opener.callback
                );
            };
            assert!(
                !opener.modal_submitted,
                "submit_modal: the modal {} was already submitted (a modal closes when submitted)",
                modal["custom_id"]
            );
            assert_eq!(
                opener.user.id, user.id,
                "submit_modal: the modal was shown to {} only",
                opener.user.username
            );
            let components = submitted_components(&modal, values);
            opener.modal_submitted = true;
            let data = json!({"custom_id": modal["custom_id"], "components": components});
            (
                data,
                opener.locale.clone(),
                opener.guild_id,
                opener.channel_id,
                opener.message,
                opener.metadata.clone(),
            )
        };
        self.new_interaction(InteractionSpec {
            kind: 5,
            data: spec_data,
            locale: &locale,
            guild,
            channel,
            user,
            name: String::new(),
            message,
            triggering: Some(triggering),
        })
    }

    /// `user` submits the modal the bot opened for the interaction with `token` (see
    /// [`FakeDiscord::modal_submit`], which panics on submits a client could not make):
    /// dispatches the INTERACTION_CREATE and returns the new interaction's token.
    pub fn submit_modal(&self, token: &str, values: &[(&str, &str)], user: &FakeUser) -> String {
        let interaction = self.modal_submit(token, values, user);
        self.dispatch_interaction(interaction)
    }

    /// Dispatches an interaction built by [`FakeDiscord::component_interaction`] or
    /// [`FakeDiscord::modal_submit`] (perhaps altered first, as a forged client would) and
    /// returns its token.
    pub fn dispatch_interaction(&self, interaction: Value) -> String {
        let token = interaction["token"]
            .as_str()
            .expect("built interactions have a token")
            .to_string();
        self.dispatch("INTERACTION_CREATE", interaction);
        token
    }
}

/// The components a modal submit sends back for `modal`, filled with `values`; panics on values
/// a Discord client would not let through (see [`FakeDiscord::modal_submit`]).
fn submitted_components(modal: &Value, values: &[(&str, &str)]) -> Vec<Value> {
    let mut inputs = Vec::new();
    for top in modal["components"].as_array().into_iter().flatten() {
        match top["type"].as_u64() {
            Some(ACTION_ROW) => inputs.extend(top["components"].as_array().into_iter().flatten()),
            Some(LABEL) => inputs.push(&top["component"]),
            _ => {}
        }
    }
    let ids: Vec<&str> = inputs.iter().filter_map(|i| i["custom_id"].as_str()).collect();
    for (index, (id, _)) in values.iter().enumerate() {
        assert!(
            ids.contains(id),
            "submit_modal: the modal has no text input {id:?} (it has {ids:?})"
        );
        assert!(
            !values[..index].iter().any(|(earlier, _)| earlier == id),
            "submit_modal: {id:?} is given twice"
        );
    }
    let fill = |input: &Value| -> Value {
        let id = input["custom_id"].as_str().unwrap_or("");
        let value = values
            .iter()
            .find(|(given, _)| *given == id)
            .map(|(_, value)| value.to_string())
            .unwrap_or_else(|| input["value"].as_str().unwrap_or("").to_string());
        let length = value.chars().count();
        let required = input["required"].as_bool().unwrap_or(true);
        assert!(
            !(required && value.is_empty()),
            "submit_modal: the text input {id:?} is required"
        );
        let min = input["min_length"].as_u64().unwrap_or(0) as usize;
        let max = input["max_length"].as_u64().unwrap_or(MAX_TEXT_LENGTH as u64) as usize;
        assert!(
            value.is_empty() || (min..=max).contains(&length),
            "submit_modal: {id:?} takes {min} to {max} characters, {length} given"
        );
        json!({"type": TEXT_INPUT, "id": input["id"], "custom_id": id, "value": value})
    };
    modal["components"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|top| match top["type"].as_u64() {
            Some(ACTION_ROW) => json!({
                "type": ACTION_ROW,
                "id": top["id"],
                "components": top["components"].as_array().into_iter().flatten().map(fill).collect::<Vec<_>>(),
            }),
            Some(LABEL) => json!({"type": LABEL, "id": top["id"], "component": fill(&top["component"])}),
            _ => json!({"type": top["type"], "id": top["id"]}),
        })
        .collect()
}

/// The interactive components (buttons, selects) anywhere in `components`, depth first.
fn interactive_components<'a>(components: &'a Value, found: &mut Vec<&'a Value>) {
    for component in components.as_array().into_iter().flatten() {
        interactive_component(component, found);
    }
}

fn interactive_component<'a>(component: &'a Value, found: &mut Vec<&'a Value>) {
    match component["type"].as_u64() {
        Some(BUTTON | STRING_SELECT | 5..=8) => found.push(component),
        _ => {
            interactive_components(&component["components"], found);
            for single in ["component", "accessory"] {
                if component[single].is_object() {
                    interactive_component(&component[single], found);
                }
            }
        }
    }
}

/// One broken rule, in the form of the schema errors next to it.
fn problem(problems: &mut Vec<String>, at: &str, rule: impl std::fmt::Display) {
    problems.push(format!("at '{at}': {rule} (Discord's component rules)"));
}

fn chars(value: &Value) -> Option<usize> {
    value.as_str().map(|text| text.chars().count())
}

/// A length as a problem quotes it: the number, or `none` when the field is missing.
fn sent(length: Option<usize>) -> String {
    length.map_or_else(|| "none".to_string(), |length| length.to_string())
}

/// Whether `field` is present and not `null`.
fn has(component: &Value, field: &str) -> bool {
    component.get(field).is_some_and(|value| !value.is_null())
}

/// Checks the `components` of a message body at `at` (a JSON pointer, e.g. `/components` or
/// `/data/components`) against Discord's component rules (see the module doc).
pub(super) fn check_message_components(components: &Value, at: &str, flags: u64, problems: &mut Vec<String>) {
    let Some(top) = components.as_array() else {
        return;
    };
    let layout = flags & FLAG_COMPONENTS_V2 != 0;
    if !layout && top.len() > MAX_ROWS {
        problem(
            problems,
            at,
            format!("a message holds at most {MAX_ROWS} action rows ({} sent)", top.len()),
        );
    }
    let mut custom_ids = Vec::new();
    for (index, component) in top.iter().enumerate() {
        let component_at = format!("{at}/{index}");
        match component["type"].as_u64() {
            Some(ACTION_ROW) => check_row(component, &component_at, &mut custom_ids, problems),
            kind if !layout => problem(
                problems,
                &component_at,
                format!(
                    "the top components of a message are action rows (type 1), got type {}; layout components need the IS_COMPONENTS_V2 flag",
                    kind.map_or("none".to_string(), |k| k.to_string())
                ),
            ),
            _ => check_layout(component, &component_at, &mut custom_ids, problems),
        }
    }
    check_unique(&custom_ids, "message", problems);
}

/// Layout components (IS_COMPONENTS_V2): only the interactive components inside are checked.
fn check_layout(component: &Value, at: &str, custom_ids: &mut Vec<(String, String)>, problems: &mut Vec<String>) {
    match component["type"].as_u64() {
        Some(ACTION_ROW) => check_row(component, at, custom_ids, problems),
        Some(BUTTON) => check_button(component, at, custom_ids, problems),
        _ => {
            for (index, child) in component["components"].as_array().into_iter().flatten().enumerate() {
                check_layout(child, &format!("{at}/components/{index}"), custom_ids, problems);
            }
            if component["accessory"].is_object() {
                check_layout(
                    &component["accessory"],
                    &format!("{at}/accessory"),
                    custom_ids,
                    problems,
                );
            }
        }
    }
}

fn check_row(row: &Value, at: &str, custom_ids: &mut Vec<(String, String)>, problems: &mut Vec<String>) {
    let Some(items) = row["components"].as_array() else {
        problem(problems, at, "an action row needs its components");
        return;
    };
    if items.is_empty() || items.len() > MAX_ROW_ITEMS {
        problem(
            problems,
            at,
            format!(
                "an action row holds 1 to {MAX_ROW_ITEMS} buttons ({} sent)",
                items.len()
            ),
        );
    }
    let selects = items
        .iter()
        .filter(|item| matches!(item["type"].as_u64(), Some(STRING_SELECT | 5..=8)))
        .count();
    if selects > 0 && items.len() > 1 {
        problem(
            problems,
            at,
            format!(
                "a select menu fills its action row alone (this row has {} components)",
                items.len()
            ),
        );
    }
    for (index, item) in items.iter().enumerate() {
        let item_at = format!("{at}/components/{index}");
        match item["type"].as_u64() {
            Some(BUTTON) => check_button(item, &item_at, custom_ids, problems),
            Some(STRING_SELECT) => check_string_select(item, &item_at, custom_ids, problems),
            Some(5..=8) => {
                check_custom_id(item, &item_at, true, custom_ids, problems);
                if has(item, "options") {
                    problem(problems, &item_at, "only string selects (type 3) have options");
                }
            }
            Some(TEXT_INPUT) => problem(problems, &item_at, "text inputs go in modals, not in messages"),
            Some(ACTION_ROW) => problem(problems, &item_at, "an action row cannot hold an action row"),
            kind => problem(
                problems,
                &item_at,
                format!("a component of type {kind:?} cannot go in an action row"),
            ),
        }
    }
}

/// Checks a `custom_id` (1 to 100 characters) and remembers it for the uniqueness check.
fn check_custom_id(
    component: &Value,
    at: &str,
    required: bool,
    custom_ids: &mut Vec<(String, String)>,
    problems: &mut Vec<String>,
) {
    match component.get("custom_id") {
        Some(Value::String(id)) => {
            let length = id.chars().count();
            if length == 0 || length > MAX_CUSTOM_ID {
                problem(
                    problems,
                    &format!("{at}/custom_id"),
                    format!("a custom_id is 1 to {MAX_CUSTOM_ID} characters ({length} sent)"),
                );
            }
            custom_ids.push((id.clone(), format!("{at}/custom_id")));
        }
        None | Some(Value::Null) if required => problem(
            problems,
            at,
            format!("this component needs a custom_id (1 to {MAX_CUSTOM_ID} characters)"),
        ),
        _ => {}
    }
}

fn check_unique(custom_ids: &[(String, String)], within: &str, problems: &mut Vec<String>) {
    for (index, (id, at)) in custom_ids.iter().enumerate() {
        if let Some((_, first)) = custom_ids[..index].iter().find(|(earlier, _)| earlier == id) {
            problem(
                problems,
                at,
                format!("custom_id {id:?} is already used at '{first}': custom_ids are unique within a {within}"),
            );
        }
    }
}

fn check_button(button: &Value, at: &str, custom_ids: &mut Vec<(String, String)>, problems: &mut Vec<String>) {
    match button["style"].as_u64() {
        Some(1..=4) => {
            check_custom_id(button, at, true, custom_ids, problems);
            if has(button, "url") {
                problem(problems, at, "only link buttons (style 5) have a url");
            }
            if has(button, "sku_id") {
                problem(problems, at, "only premium buttons (style 6) have a sku_id");
            }
        }
        Some(5) => {
            if !has(button, "url") {
                problem(problems, at, "a link button (style 5) needs a url");
            }
            if has(button, "custom_id") {
                problem(
                    problems,
                    at,
                    "a link button (style 5) has no custom_id: pressing it opens the url and sends no interaction",
                );
            }
            if has(button, "sku_id") {
                problem(problems, at, "only premium buttons (style 6) have a sku_id");
            }
        }
        Some(6) => {
            if !has(button, "sku_id") {
                problem(problems, at, "a premium button (style 6) needs a sku_id");
            }
            for field in ["custom_id", "label", "url", "emoji"] {
                if has(button, field) {
                    problem(problems, at, format!("a premium button (style 6) has no {field}"));
                }
            }
        }
        _ => {}
    }
    if button["style"].as_u64() != Some(6) && !has(button, "label") && !has(button, "emoji") {
        problem(problems, at, "a button needs a label or an emoji");
    }
    if let Some(length) = chars(&button["label"]).filter(|&l| l > MAX_BUTTON_LABEL) {
        problem(
            problems,
            &format!("{at}/label"),
            format!("a button label is at most {MAX_BUTTON_LABEL} characters ({length} sent)"),
        );
    }
}

fn check_string_select(select: &Value, at: &str, custom_ids: &mut Vec<(String, String)>, problems: &mut Vec<String>) {
    check_custom_id(select, at, true, custom_ids, problems);
    let options = select["options"].as_array().map(Vec::as_slice).unwrap_or_default();
    if options.is_empty() || options.len() > MAX_OPTIONS {
        problem(
            problems,
            &format!("{at}/options"),
            format!(
                "a string select has 1 to {MAX_OPTIONS} options ({} sent)",
                options.len()
            ),
        );
    }
    let mut values: Vec<&str> = Vec::new();
    for (index, option) in options.iter().enumerate() {
        let option_at = format!("{at}/options/{index}");
        for field in ["label", "value"] {
            let length = chars(&option[field]).unwrap_or(0);
            if length == 0 || length > MAX_OPTION_TEXT {
                problem(
                    problems,
                    &format!("{option_at}/{field}"),
                    format!("an option {field} is 1 to {MAX_OPTION_TEXT} characters ({length} sent)"),
                );
            }
        }
        if let Some(length) = chars(&option["description"]).filter(|&l| l > MAX_OPTION_TEXT) {
            problem(
                problems,
                &format!("{option_at}/description"),
                format!("an option description is at most {MAX_OPTION_TEXT} characters ({length} sent)"),
            );
        }
        if let Some(value) = option["value"].as_str() {
            if values.contains(&value) {
                problem(
                    problems,
                    &format!("{option_at}/value"),
                    format!("option value {value:?} repeats: the values of a select are unique"),
                );
            }
            values.push(value);
        }
    }
    let min = select["min_values"].as_u64().unwrap_or(1);
    let max = select["max_values"].as_u64().unwrap_or(1);
    if min > 25 || max == 0 || max > 25 || min > max {
        problem(
            problems,
            at,
            format!("min_values (0 to 25, {min} sent) must not exceed max_values (1 to 25, {max} sent)"),
        );
    }
    if !options.is_empty() && max > options.len() as u64 {
        problem(
            problems,
            &format!("{at}/max_values"),
            format!("max_values {max} exceeds the {} options of the select", options.len()),
        );
    }
    let defaults = options.iter().filter(|o| o["default"] == json!(true)).count() as u64;
    if defaults > max {
        problem(
            problems,
            &format!("{at}/options"),
            format!("{defaults} options are default, more than max_values {max}"),
        );
    }
    if let Some(length) = chars(&select["placeholder"]).filter(|&l| l > MAX_SELECT_PLACEHOLDER) {
        problem(
            problems,
            &format!("{at}/placeholder"),
            format!("a placeholder is at most {MAX_SELECT_PLACEHOLDER} characters ({length} sent)"),
        );
    }
}

/// Checks a modal (the `data` of callback 9, at `at`) against Discord's rules (see the module
/// doc) and returns it in the answer form.
pub(super) fn modal(data: &Value, at: &str, problems: &mut Vec<String>) -> Value {
    match chars(&data["custom_id"]) {
        Some(length) if (1..=MAX_CUSTOM_ID).contains(&length) => {}
        length => problem(
            problems,
            &format!("{at}/custom_id"),
            format!(
                "a modal needs a custom_id of 1 to {MAX_CUSTOM_ID} characters ({} sent)",
                sent(length)
            ),
        ),
    }
    match chars(&data["title"]) {
        Some(length) if (1..=MAX_MODAL_TITLE).contains(&length) => {}
        length => problem(
            problems,
            &format!("{at}/title"),
            format!(
                "a modal needs a title of 1 to {MAX_MODAL_TITLE} characters ({} sent)",
                sent(length)
            ),
        ),
    }
    let top = data["components"].as_array().map(Vec::as_slice).unwrap_or_default();
    if top.is_empty() || top.len() > MAX_MODAL_COMPONENTS {
        problem(
            problems,
            &format!("{at}/components"),
            format!(
                "a modal holds 1 to {MAX_MODAL_COMPONENTS} components ({} sent)",
                top.len()
            ),
        );
    }
    let mut custom_ids = Vec::new();
    for (index, component) in top.iter().enumerate() {
        let component_at = format!("{at}/components/{index}");
        match component["type"].as_u64() {
            Some(ACTION_ROW) => {
                let items = component["components"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                if items.len() != 1 {
                    problem(
                        problems,
                        &component_at,
                        format!(
                            "a modal's action row holds exactly one text input ({} sent)",
                            items.len()
                        ),
                    );
                }
                for (item_index, item) in items.iter().enumerate() {
                    let item_at = format!("{component_at}/components/{item_index}");
                    check_text_input(item, &item_at, false, &mut custom_ids, problems);
                }
            }
            Some(LABEL) => {
                match chars(&component["label"]) {
                    Some(length) if (1..=MAX_TEXT_INPUT_LABEL).contains(&length) => {}
                    length => problem(
                        problems,
                        &format!("{component_at}/label"),
                        format!(
                            "a label is 1 to {MAX_TEXT_INPUT_LABEL} characters ({} sent)",
                            sent(length)
                        ),
                    ),
                }
                check_text_input(
                    &component["component"],
                    &format!("{component_at}/component"),
                    true,
                    &mut custom_ids,
                    problems,
                );
            }
            Some(TEXT_DISPLAY) => {}
            kind => problem(
                problems,
                &component_at,
                format!("a modal holds action rows, labels and text displays, not type {kind:?}"),
            ),
        }
    }
    check_unique(&custom_ids, "modal", problems);
    let mut answer = strip_nulls(data);
    answer["components"] = answer_form(&data["components"]);
    answer
}

/// Checks a text input of a modal; inside a label component (`in_label`) it has no label of its
/// own. The fake's modals hold text inputs only (no selects in labels).
fn check_text_input(
    input: &Value,
    at: &str,
    in_label: bool,
    custom_ids: &mut Vec<(String, String)>,
    problems: &mut Vec<String>,
) {
    if input["type"].as_u64() != Some(TEXT_INPUT) {
        problem(
            problems,
            at,
            format!(
                "expected a text input (type 4), got type {:?} (the fake's modals hold text inputs only)",
                input["type"].as_u64()
            ),
        );
        return;
    }
    check_custom_id(input, at, true, custom_ids, problems);
    if !matches!(input["style"].as_u64(), Some(1 | 2)) {
        problem(
            problems,
            &format!("{at}/style"),
            "a text input's style is 1 (short) or 2 (paragraph)",
        );
    }
    match (in_label, chars(&input["label"])) {
        (true, Some(_)) => problem(
            problems,
            &format!("{at}/label"),
            "a text input inside a label component takes the label component's label",
        ),
        (false, Some(length)) if (1..=MAX_TEXT_INPUT_LABEL).contains(&length) => {}
        (false, length) => problem(
            problems,
            &format!("{at}/label"),
            format!(
                "a text input needs a label of 1 to {MAX_TEXT_INPUT_LABEL} characters ({} sent)",
                sent(length)
            ),
        ),
        (true, None) => {}
    }
    let min = input["min_length"].as_u64();
    let max = input["max_length"].as_u64();
    if min.is_some_and(|m| m > MAX_TEXT_LENGTH as u64)
        || max.is_some_and(|m| m == 0 || m > MAX_TEXT_LENGTH as u64)
        || matches!((min, max), (Some(min), Some(max)) if min > max)
    {
        problem(
            problems,
            at,
            format!("min_length (0 to {MAX_TEXT_LENGTH}, {min:?} sent) must not exceed max_length (1 to {MAX_TEXT_LENGTH}, {max:?} sent)"),
        );
    }
    let limit = max.unwrap_or(MAX_TEXT_LENGTH as u64) as usize;
    if let Some(length) = chars(&input["value"]).filter(|&l| l > limit) {
        problem(
            problems,
            &format!("{at}/value"),
            format!("the prefilled value is {length} characters, over max_length {limit}"),
        );
    }
    if let Some(length) = chars(&input["placeholder"]).filter(|&l| l > MAX_TEXT_INPUT_PLACEHOLDER) {
        problem(
            problems,
            &format!("{at}/placeholder"),
            format!("a placeholder is at most {MAX_TEXT_INPUT_PLACEHOLDER} characters ({length} sent)"),
        );
    }
}

/// Components as Discord stores and answers them: no `null` fields, every component numbered
/// (`id`, depth first from 1, skipping ids the bot chose), string selects with their default
/// `min_values` and `max_values` (1).
pub(super) fn answer_form(components: &Value) -> Value {
    let mut answer = strip_nulls(components);
    let mut used = Vec::new();
    collect_ids(&answer, &mut used);
    let mut next = 1;
    number(&mut answer, &mut used, &mut next);
    answer
}

/// The child components of a component: its `components`, `component` and `accessory`.
fn children_mut(component: &mut serde_json::Map<String, Value>) -> Vec<&mut Value> {
    let mut children = Vec::new();
    for (key, child) in component.iter_mut() {
        match key.as_str() {
            "components" => children.extend(child.as_array_mut().into_iter().flatten()),
            "component" | "accessory" => children.push(child),
            _ => {}
        }
    }
    children
}

fn collect_ids(value: &Value, used: &mut Vec<u64>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, used)),
        Value::Object(fields) if fields.contains_key("type") => {
            used.extend(fields.get("id").and_then(Value::as_u64));
            for key in ["components", "component", "accessory"] {
                if let Some(child) = fields.get(key) {
                    collect_ids(child, used);
                }
            }
        }
        _ => {}
    }
}

fn number(value: &mut Value, used: &mut Vec<u64>, next: &mut u64) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| number(item, used, next)),
        Value::Object(fields) if fields.contains_key("type") => {
            if !fields.contains_key("id") {
                while used.contains(next) {
                    *next += 1;
                }
                fields.insert("id".to_string(), json!(*next));
                used.push(*next);
            }
            if fields.get("type").and_then(Value::as_u64) == Some(STRING_SELECT) {
                fields.entry("min_values").or_insert(json!(1));
                fields.entry("max_values").or_insert(json!(1));
            }
            for child in children_mut(fields) {
                number(child, used, next);
            }
        }
        _ => {}
    }
}

/// `value` without `null` object fields, at any depth.
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, field)| !field.is_null())
                .map(|(key, field)| (key.clone(), strip_nulls(field)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}
