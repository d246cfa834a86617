//! Self-tests of the fake Discord's components, modals and attachments, driven with serenity's
//! own builders and HTTP client: presses and choices parse as serenity's interactions, every
//! callback type acts on the right message, modals open and submit, forged presses and submits
//! are refused, multipart uploads are recorded and attached, and broken component, modal and
//! attachment rules are reported as spec violations.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use serde_json::{json, Value};
use serenity::builder::{
    CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateAutocompleteResponse, CreateButton, CreateEmbed,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
    EditInteractionResponse, EditMessage,
};
use serenity::http::Http;
use serenity::model::application::{
    ActionRowComponent, ButtonStyle, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
    InputTextStyle, Interaction, ModalInteraction,
};
use serenity::model::channel::{Message, MessageType};
use serenity::model::event::{Event, GatewayEvent};
use serenity::model::id::ChannelId;

use super::{alice, call, connect_ready, id_of, next_frame, serenity_http, CHANNEL, DM_CHANNEL, GUILD};
use crate::support::fake_discord::{FakeDiscord, FakeDiscordOptions, FakeUser, SpecViolation};

/// A builder call a test expects the fake to refuse.
type Forged<'a> = Box<dyn FnOnce() -> Value + 'a>;
/// A file part of a hand-built multipart body: part name, filename, bytes.
type Upload<'a> = (&'a str, &'a str, Vec<u8>);

fn bob() -> FakeUser {
    FakeUser::human(1_100_000_000_000_000_011, "bob")
}

/// The components of an answer: aspect buttons, votes, a disabled and a link button, a select.
fn answer_components() -> Vec<CreateActionRow> {
    vec![
        CreateActionRow::Buttons(vec![
            CreateButton::new("aspect:cost")
                .label("Cost")
                .style(ButtonStyle::Primary),
            CreateButton::new("aspect:control").label("Control"),
            CreateButton::new("quiz:done").label("Done").disabled(true),
            CreateButton::new_link("https://example.com/xaas").label("Docs"),
        ]),
        CreateActionRow::Buttons(vec![
            CreateButton::new("vote:up").emoji('👍'),
            CreateButton::new("vote:down").emoji('👎'),
        ]),
        CreateActionRow::SelectMenu(
            CreateSelectMenu::new(
                "compare",
                CreateSelectMenuKind::String {
                    options: vec![
                        CreateSelectMenuOption::new("PaaS", "paas"),
                        CreateSelectMenuOption::new("SaaS", "saas"),
                    ],
                },
            )
            .placeholder("Compare with…"),
        ),
    ]
}

fn answer() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content("IaaS rents you the machines.")
        .components(answer_components())
        .allowed_mentions(CreateAllowedMentions::new())
}

/// A slash command `/ask` by alice answered with `response`; the command and its original
/// response as stored.
async fn answered_command(
    fake: &FakeDiscord,
    http: &Http,
    guild: Option<u64>,
    response: CreateInteractionResponse,
) -> (CommandInteraction, Value) {
    let channel = if guild.is_some() { CHANNEL } else { DM_CHANNEL };
    let payload = fake.slash_command("ask", json!([]), "en-US", guild, channel, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload).expect("serenity parses the command") else {
        panic!("a slash command is Interaction::Command");
    };
    command
        .create_response(http, response)
        .await
        .expect("the callback is 204");
    let original = fake.original_response(&command.token).expect("the response is stored");
    (command, original)
}

/// Alice presses `custom_id` on `message`, parsed with serenity.
fn press(fake: &FakeDiscord, message: &Value, custom_id: &str) -> ComponentInteraction {
    let payload = fake.component_interaction(message, custom_id, None, &alice(), "en-US");
    match serde_json::from_value(payload).expect("serenity parses the component interaction") {
        Interaction::Component(component) => component,
        other => panic!("a press is Interaction::Component, got {other:?}"),
    }
}

/// The panic message of a builder call the fake refuses.
fn refused<T>(call: impl FnOnce() -> T) -> String {
    let panic = std::panic::catch_unwind(AssertUnwindSafe(call))
        .err()
        .expect("the fake refuses it");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Every error of the spec violations, one string.
fn violation_errors(violations: &[SpecViolation]) -> String {
    violations
        .iter()
        .flat_map(|v| v.errors.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A small valid PNG (RGB, 8 bits).
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("a PNG header");
    writer
        .write_image_data(&vec![0x80; (width * height * 3) as usize])
        .expect("PNG data");
    writer.finish().expect("the PNG ends");
    bytes
}

#[tokio::test]
async fn presses_and_choices_carry_the_message_and_parse_with_serenity() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    assert_eq!(original["type"], 20);
    assert_eq!(original["interaction"]["name"], "ask");
    assert_eq!(original["interaction_metadata"]["type"], 2);
    assert_eq!(original["interaction_metadata"]["user"]["id"], alice().id.to_string());
    let rows = original["components"].as_array().expect("components are stored");
    assert_eq!(
        (
            rows.len(),
            rows[0]["id"].clone(),
            rows[0]["components"][0]["id"].clone()
        ),
        (3, json!(1), json!(2))
    );
    assert_eq!(
        rows[1]["components"][0]["emoji"],
        json!({"name": "👍"}),
        "no null fields"
    );
    assert_eq!(
        (
            rows[2]["components"][0]["min_values"].clone(),
            rows[2]["components"][0]["max_values"].clone()
        ),
        (json!(1), json!(1)),
        "Discord's select defaults"
    );

    let payload = fake.component_interaction(&original, "aspect:cost", None, &alice(), "ko");
    assert_eq!(payload["type"], 3);
    assert_eq!(
        payload["data"],
        json!({"custom_id": "aspect:cost", "component_type": 2})
    );
    assert_eq!(payload["guild_locale"], "en-US");
    assert!(
        payload["message"].get("guild_id").is_none(),
        "the message in the REST form"
    );
    let Interaction::Component(button) = serde_json::from_value(payload).expect("serenity parses it") else {
        panic!("a press is Interaction::Component");
    };
    assert!(matches!(button.data.kind, ComponentInteractionDataKind::Button));
    assert_eq!(button.data.custom_id, "aspect:cost");
    assert_eq!(button.message.id.get(), id_of(&original));
    assert_eq!(button.message.components.len(), 3);
    assert!(button.message.interaction_metadata.is_some());
    assert_eq!((button.locale.as_str(), button.user.id.get()), ("ko", alice().id));
    assert_eq!(
        (button.guild_id.map(|g| g.get()), button.channel_id.get()),
        (Some(GUILD), CHANNEL)
    );
    assert!(button.app_permissions.is_some() && button.member.is_some());

    let choice = fake.component_interaction(&original, "compare", Some(&["paas"]), &alice(), "en-US");
    let Interaction::Component(choice) = serde_json::from_value(choice).expect("serenity parses it") else {
        panic!("a choice is Interaction::Component");
    };
    match &choice.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => assert_eq!(values, &["paas"]),
        other => panic!("a string select choice, got {other:?}"),
    }
    assert_ne!(choice.token, button.token, "fresh tokens");

    let (_, in_dm) = answered_command(&fake, &http, None, CreateInteractionResponse::Message(answer())).await;
    let Interaction::Component(in_dm) =
        serde_json::from_value(fake.component_interaction(&in_dm, "vote:up", None, &alice(), "en-US"))
            .expect("serenity parses it")
    else {
        panic!("a press is Interaction::Component");
    };
    assert_eq!((in_dm.guild_id, in_dm.user.id.get()), (None, alice().id));

    // press and choose dispatch on the gateway
    let (mut socket, _ready) = connect_ready(&fake).await;
    let token = fake.press(&original, "aspect:control", &alice(), "en-US");
    let frame = next_frame(&mut socket).await;
    assert_eq!(
        (frame["t"].clone(), frame["d"]["token"].clone()),
        (json!("INTERACTION_CREATE"), json!(token))
    );
    match serde_json::from_value::<GatewayEvent>(frame).expect("serenity parses the dispatch") {
        GatewayEvent::Dispatch(_, Event::InteractionCreate(event)) => {
            assert!(matches!(event.interaction, Interaction::Component(_)))
        }
        other => panic!("INTERACTION_CREATE, got {other:?}"),
    }
    let token = fake.choose(id_of(&original), "compare", &["saas"], &alice(), "en-US");
    let frame = next_frame(&mut socket).await;
    assert_eq!(frame["d"]["token"], token);
    assert_eq!(frame["d"]["data"]["values"], json!(["saas"]));
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn forged_presses_and_choices_are_refused() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let message = id_of(&original);
    let user = alice();
    let cases: Vec<(Forged<'_>, &str)> = vec![
        (
            Box::new(|| fake.component_interaction(message, "aspect:price", None, &user, "en-US")),
            "no component with custom_id \"aspect:price\"",
        ),
        (
            Box::new(|| fake.component_interaction(message, "quiz:done", None, &user, "en-US")),
            "is disabled",
        ),
        (
            Box::new(|| fake.component_interaction(message, "compare", None, &user, "en-US")),
            "use choose",
        ),
        (
            Box::new(|| fake.component_interaction(message, "vote:up", Some(&["up"]), &user, "en-US")),
            "is a button; use press",
        ),
        (
            Box::new(|| fake.component_interaction(message, "compare", Some(&["iaas"]), &user, "en-US")),
            "\"iaas\" is not an option",
        ),
        (
            Box::new(|| fake.component_interaction(message, "compare", Some(&["paas", "saas"]), &user, "en-US")),
            "takes 1 to 1 values, 2 given",
        ),
        (
            Box::new(|| fake.component_interaction(message + 1, "vote:up", None, &user, "en-US")),
            "has no message",
        ),
    ];
    for (call, expected) in cases {
        let message = refused(call);
        assert!(message.contains(expected), "{message:?} should say {expected:?}");
    }
    // a link button sends no interaction: the fake finds none to press (its custom_id is absent)
    let link = refused(|| fake.component_interaction(message, "https://example.com/xaas", None, &user, "en-US"));
    assert!(link.contains("no component"), "{link}");
    assert!(fake
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/callback") || r.status == 204));
}

#[tokio::test]
async fn update_message_edits_the_components_message_in_place_and_is_original() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let button = press(&fake, &original, "aspect:cost");
    let update = CreateInteractionResponseMessage::new()
        .content("IaaS: you pay for the machines by the hour.")
        .components(vec![CreateActionRow::Buttons(vec![
            CreateButton::new("aspect:cost").label("Cost").disabled(true),
            CreateButton::new("aspect:control").label("Control"),
        ])]);
    button
        .create_response(&http, CreateInteractionResponse::UpdateMessage(update))
        .await
        .expect("UPDATE_MESSAGE is 204");
    assert_eq!(fake.interaction_callback(&button.token), Some(7));
    let response = fake
        .interaction_response(&button.token)
        .expect("the callback body is recorded");
    assert_eq!(response["type"], 7);
    assert_eq!(
        response["data"]["content"],
        "IaaS: you pay for the machines by the hour."
    );

    let stored = fake.message(id_of(&original)).expect("the message is still there");
    assert_eq!(stored["content"], "IaaS: you pay for the machines by the hour.");
    assert_eq!(stored["components"].as_array().map(Vec::len), Some(1));
    assert_eq!(stored["components"][0]["components"][0]["disabled"], true);
    assert!(stored["edited_timestamp"].is_string());
    assert_eq!(
        (stored["type"].clone(), stored["interaction_metadata"]["type"].clone()),
        (json!(20), json!(2)),
        "still the command's response"
    );
    assert_eq!(fake.original_response(&button.token), Some(stored.clone()));
    let fetched = button.get_response(&http).await.expect("GET @original");
    assert_eq!(
        fetched.id.get(),
        id_of(&original),
        "@original is the component's message"
    );
    assert_eq!(fetched.components[0].components.len(), 2);

    let again = button
        .create_response(&http, CreateInteractionResponse::Acknowledge)
        .await
        .expect_err("a second callback is refused");
    assert!(format!("{again:?}").contains("40060"), "{again:?}");
    assert!(
        refused(|| fake.component_interaction(&stored, "aspect:cost", None, &alice(), "en-US")).contains("disabled")
    );
    assert!(
        refused(|| fake.component_interaction(&stored, "compare", Some(&["paas"]), &alice(), "en-US"))
            .contains("no component")
    );
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn deferred_update_then_edit_original_edits_the_components_message() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let vote = press(&fake, &original, "vote:up");
    vote.create_response(&http, CreateInteractionResponse::Acknowledge)
        .await
        .expect("DEFERRED_UPDATE_MESSAGE is 204");
    assert_eq!(fake.interaction_callback(&vote.token), Some(6));
    assert_eq!(
        fake.message(id_of(&original)),
        Some(original.clone()),
        "6 changes nothing yet"
    );

    let edit = EditInteractionResponse::new()
        .content("Thanks for the 👍")
        .components(vec![]);
    let edited = vote.edit_response(&http, edit).await.expect("PATCH @original");
    assert_eq!(edited.id.get(), id_of(&original));
    assert!(edited.components.is_empty());
    let stored = fake.message(id_of(&original)).expect("stored");
    assert_eq!(stored["content"], "Thanks for the 👍");
    assert_eq!(stored["components"], json!([]));

    let followup = vote
        .create_followup(
            &http,
            CreateInteractionResponseFollowup::new()
                .content("Noted.")
                .ephemeral(true),
        )
        .await
        .expect("a followup");
    assert_eq!(
        followup.kind,
        MessageType::InlineReply,
        "answers to components are replies"
    );
    let followup = fake.message(followup.id.get()).expect("stored");
    assert_eq!(followup["message_reference"]["message_id"], original["id"]);
    assert_eq!(followup["interaction_metadata"]["type"], 3);
    assert_eq!(
        followup["interaction_metadata"]["original_response_message_id"],
        original["id"]
    );
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn message_answers_to_components_are_replies_and_ephemeral_ones_stay_out_of_channel_routes() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let vote = press(&fake, &original, "vote:down");
    let why = CreateInteractionResponseMessage::new()
        .content("What was wrong?")
        .ephemeral(true)
        .components(vec![CreateActionRow::Buttons(vec![
            CreateButton::new("why:picture").label("The picture")
        ])]);
    vote.create_response(&http, CreateInteractionResponse::Message(why))
        .await
        .expect("CHANNEL_MESSAGE_WITH_SOURCE is 204");
    assert_eq!(fake.interaction_callback(&vote.token), Some(4));
    let reply = fake
        .original_response(&vote.token)
        .expect("the ephemeral reply is the original");
    assert_eq!(reply["type"], 19);
    assert_eq!(reply["flags"].as_u64().unwrap_or(0) & (1 << 6), 1 << 6);
    assert_eq!(reply["message_reference"]["message_id"], original["id"]);
    assert_eq!(reply["interaction_metadata"]["type"], 3);
    assert_eq!(reply["interaction_metadata"]["interacted_message_id"], original["id"]);
    assert!(
        reply.get("interaction").is_none(),
        "no legacy interaction on answers to components"
    );
    let parsed: Message = serde_json::from_value(reply.clone()).expect("serenity parses the reply");
    assert_eq!(parsed.kind, MessageType::InlineReply);
    assert_eq!(
        fake.message(id_of(&original)),
        Some(original.clone()),
        "4 leaves the component's message"
    );

    let (status, body) = call(
        &fake,
        reqwest::Method::GET,
        &format!("/channels/{CHANNEL}/messages/{}", id_of(&reply)),
        None,
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (404, json!(10008)),
        "ephemeral: not in the channel"
    );
    let (status, history) = call(
        &fake,
        reqwest::Method::GET,
        &format!("/channels/{CHANNEL}/messages"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<u64> = history.as_array().into_iter().flatten().map(id_of).collect();
    assert_eq!(ids, [id_of(&original)]);

    // only the user it was shown to can press a button on an ephemeral message
    let shown = refused(|| fake.component_interaction(&reply, "why:picture", None, &bob(), "en-US"));
    assert!(shown.contains("ephemeral"), "{shown}");
    let picture = press(&fake, &reply, "why:picture");
    assert_eq!(picture.message.id.get(), id_of(&reply));
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn callback_types_are_checked_against_the_interaction_type() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), CHANNEL, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload).expect("parses") else {
        panic!("a command");
    };
    let update = CreateInteractionResponse::UpdateMessage(CreateInteractionResponseMessage::new().content("no"));
    let error = command
        .create_response(&http, update)
        .await
        .expect_err("UPDATE_MESSAGE is for components");
    assert!(format!("{error:?}").contains("50035"), "{error:?}");
    assert_eq!(
        fake.interaction_callback(&command.token),
        None,
        "a refused callback acknowledges nothing"
    );
    command
        .create_response(&http, CreateInteractionResponse::Message(answer()))
        .await
        .expect("then a message is fine");

    let focused = json!([{"name": "model", "type": 3, "value": "Ia", "focused": true}]);
    let Interaction::Autocomplete(autocomplete) =
        serde_json::from_value(fake.autocomplete("ask", focused, "en-US", None, DM_CHANNEL, &alice())).expect("parses")
    else {
        panic!("autocomplete");
    };
    let message = CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content("no"));
    assert!(autocomplete.create_response(&http, message).await.is_err());

    let original = fake.original_response(&command.token).expect("stored");
    let button = press(&fake, &original, "aspect:cost");
    let choices = CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new());
    assert!(button.create_response(&http, choices).await.is_err());

    let errors = violation_errors(&fake.spec_violations());
    for expected in [
        "callback type 7 is not valid for command interactions (Discord accepts {4, 5, 9})",
        "callback type 4 is not valid for autocomplete interactions (Discord accepts {8})",
        "callback type 8 is not valid for component interactions (Discord accepts {4, 5, 6, 7, 9})",
    ] {
        assert!(errors.contains(expected), "{errors}");
    }
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn modals_open_from_components_and_submit_like_discord() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let vote = press(&fake, &original, "vote:down");
    let modal = CreateModal::new("feedback", "What was wrong?").components(vec![
        CreateActionRow::InputText(
            CreateInputText::new(InputTextStyle::Paragraph, "Tell us", "wrong")
                .min_length(5)
                .max_length(200),
        ),
        CreateActionRow::InputText(CreateInputText::new(InputTextStyle::Short, "Topic", "topic").required(false)),
    ]);
    vote.create_response(&http, CreateInteractionResponse::Modal(modal))
        .await
        .expect("MODAL is 204");
    assert_eq!(fake.interaction_callback(&vote.token), Some(9));
    let opened = fake.modal(&vote.token).expect("the modal is kept");
    assert_eq!(
        (opened["custom_id"].clone(), opened["title"].clone()),
        (json!("feedback"), json!("What was wrong?"))
    );
    assert_eq!(opened["components"][0]["id"], 1);
    assert_eq!(opened["components"][0]["components"][0]["id"], 2);
    assert_eq!(fake.original_response(&vote.token), None, "a modal is no message");

    for (values, user, expected) in [
        (vec![("reason", "too long")], alice(), "no text input \"reason\""),
        (vec![("wrong", "bad")], alice(), "takes 5 to 200 characters, 3 given"),
        (vec![("topic", "pricing")], alice(), "\"wrong\" is required"),
        (vec![("wrong", "the picture is wrong")], bob(), "shown to alice only"),
    ] {
        let message = refused(|| fake.modal_submit(&vote.token, &values, &user));
        assert!(message.contains(expected), "{message:?} should say {expected:?}");
    }

    let payload = fake.modal_submit(&vote.token, &[("wrong", "the picture is wrong")], &alice());
    assert_eq!(payload["type"], 5);
    assert_eq!(
        payload["data"]["components"][0]["components"][0],
        json!({"type": 4, "id": 2, "custom_id": "wrong", "value": "the picture is wrong"})
    );
    let Interaction::Modal(submit) = serde_json::from_value(payload).expect("serenity parses the submit") else {
        panic!("a modal submit is Interaction::Modal");
    };
    assert_eq!(submit.data.custom_id, "feedback");
    let values: Vec<Option<String>> = submit
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .map(|component| match component {
            ActionRowComponent::InputText(input) => input.value.clone(),
            other => panic!("text inputs only, got {other:?}"),
        })
        .collect();
    assert_eq!(values, [Some("the picture is wrong".to_string()), Some(String::new())]);
    assert_eq!(submit.message.as_ref().map(|m| m.id.get()), Some(id_of(&original)));
    assert_eq!(submit.user.id.get(), alice().id);
    let twice = refused(|| fake.modal_submit(&vote.token, &[("wrong", "the picture is wrong")], &alice()));
    assert!(twice.contains("already submitted"), "{twice}");

    answer_the_submit(&fake, &http, &submit).await;
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

/// Thanks for a feedback modal opened from a component: an ephemeral reply to the component's
/// message, whose metadata names the submit and the press that opened the modal.
async fn answer_the_submit(fake: &FakeDiscord, http: &Http, submit: &ModalInteraction) {
    let thanks = CreateInteractionResponseMessage::new()
        .content("Thanks!")
        .ephemeral(true);
    submit
        .create_response(http, CreateInteractionResponse::Message(thanks))
        .await
        .expect("a message answers a modal submit");
    let reply = fake.original_response(&submit.token).expect("stored");
    assert_eq!(reply["type"], 19);
    assert_eq!(reply["interaction_metadata"]["type"], 5);
    assert_eq!(
        reply["interaction_metadata"]["triggering_interaction_metadata"]["type"],
        3
    );
    let parsed: Message = serde_json::from_value(reply).expect("serenity parses it");
    assert!(parsed.interaction_metadata.is_some());
}

#[tokio::test]
async fn modals_of_commands_submit_without_a_message_and_cannot_be_answered_with_an_update() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let modal = CreateModal::new("ask-long", "Ask a long question").components(vec![CreateActionRow::InputText(
        CreateInputText::new(InputTextStyle::Paragraph, "Question", "question"),
    )]);
    let payload = fake.slash_command("ask", json!([]), "ko", Some(GUILD), CHANNEL, &alice());
    let Interaction::Command(command) = serde_json::from_value(payload).expect("parses") else {
        panic!("a command");
    };
    command
        .create_response(&http, CreateInteractionResponse::Modal(modal))
        .await
        .expect("a command may open a modal");
    // submitted with no session: the dispatch waits for READY
    let token = fake.submit_modal(&command.token, &[("question", "IaaS와 PaaS의 차이는?")], &alice());
    let (mut socket, _ready) = connect_ready(&fake).await;
    let frame = next_frame(&mut socket).await;
    assert_eq!(
        (frame["t"].clone(), frame["d"]["token"].clone()),
        (json!("INTERACTION_CREATE"), json!(token))
    );
    let payload = frame["d"].clone();
    assert!(payload.get("message").is_none());
    assert_eq!(payload["locale"], "ko", "the opening interaction's locale");
    let Interaction::Modal(submit) = serde_json::from_value(payload).expect("parses") else {
        panic!("a modal submit");
    };
    let update = CreateInteractionResponse::UpdateMessage(CreateInteractionResponseMessage::new().content("no"));
    assert!(
        submit.create_response(&http, update).await.is_err(),
        "no message to update"
    );
    let reopen = CreateInteractionResponse::Modal(CreateModal::new("again", "Again"));
    assert!(
        submit.create_response(&http, reopen).await.is_err(),
        "a submit cannot open a modal"
    );
    let answer = CreateInteractionResponseMessage::new().content("IaaS ...");
    submit
        .create_response(&http, CreateInteractionResponse::Message(answer))
        .await
        .expect("a message is fine");
    let reply = fake.original_response(&submit.token).expect("stored");
    assert_eq!(reply["type"], 20);
    assert_eq!(
        reply["interaction_metadata"]["triggering_interaction_metadata"]["type"],
        2
    );
    let not_a_modal = refused(|| fake.modal_submit(&submit.token, &[], &alice()));
    assert!(not_a_modal.contains("not a modal (9)"), "{not_a_modal}");
}

#[tokio::test]
async fn multipart_messages_record_files_and_resolve_embed_attachments() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let picture = png(4, 3);
    let builder = CreateMessage::new()
        .content("Who manages what")
        .embed(CreateEmbed::new().title("IaaS").attachment("stack.png"))
        .add_file(CreateAttachment::bytes(picture.clone(), "stack.png"))
        .allowed_mentions(CreateAllowedMentions::new());
    let mut message = ChannelId::new(CHANNEL)
        .send_message(&http, builder)
        .await
        .expect("serenity parses the created message");
    let attachment = &message.attachments[0];
    assert_eq!(
        (attachment.filename.as_str(), attachment.size, attachment.dimensions()),
        ("stack.png", picture.len() as u32, Some((4, 3)))
    );
    assert_eq!(attachment.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        attachment.url,
        format!(
            "https://cdn.discordapp.com/attachments/{CHANNEL}/{}/stack.png",
            attachment.id
        )
    );
    let image = message.embeds[0].image.as_ref().expect("the embed keeps its image");
    assert_eq!(
        image.url, attachment.url,
        "attachment://stack.png resolved like Discord"
    );
    assert_eq!((image.width, image.height), (Some(4), Some(3)));

    let recorded = fake
        .requests()
        .into_iter()
        .find(|r| r.is("POST", "/channels/"))
        .expect("recorded");
    assert_eq!(recorded.files.len(), 1);
    let file = &recorded.files[0];
    assert_eq!(
        (file.name.as_str(), file.filename.as_str(), file.content_type.as_deref()),
        ("files[0]", "stack.png", Some("image/png"))
    );
    assert_eq!(file.bytes, picture);
    assert_eq!(recorded.body["attachments"][0]["id"], 0, "serenity's placeholder id");
    assert_eq!(recorded.body["content"], "Who manages what");
    assert_eq!(fake.attachment(&attachment.url).map(|f| f.bytes), Some(picture.clone()));

    message
        .edit(&http, EditMessage::new().content("Who manages what (edited)"))
        .await
        .expect("an edit without attachments");
    assert_eq!(message.attachments.len(), 1, "an edit without attachments keeps them");
    let smaller = png(2, 2);
    message
        .edit(
            &http,
            EditMessage::new()
                .new_attachment(CreateAttachment::bytes(smaller.clone(), "stack.png"))
                .embed(CreateEmbed::new().title("IaaS").attachment("stack.png")),
        )
        .await
        .expect("an edit with a new file");
    assert_eq!(message.attachments.len(), 1, "new_attachment replaces the old ones");
    assert_eq!(message.attachments[0].dimensions(), Some((2, 2)));
    assert_eq!(
        message.embeds[0].image.as_ref().map(|i| i.url.clone()),
        Some(message.attachments[0].url.clone())
    );
    message
        .edit(&http, EditMessage::new().remove_all_attachments())
        .await
        .expect("an edit removing the files");
    assert!(message.attachments.is_empty());
    assert_eq!(
        fake.message(message.id.get()).map(|m| m["attachments"].clone()),
        Some(json!([]))
    );
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn interaction_callbacks_and_webhooks_take_files() {
    let fake = FakeDiscord::start().await;
    let http = serenity_http(&fake);
    let picture = png(8, 6);
    let with_picture = answer()
        .embed(CreateEmbed::new().title("Who manages what").attachment("stack.png"))
        .add_file(CreateAttachment::bytes(picture.clone(), "stack.png"));
    let (command, original) = answered_command(
        &fake,
        &http,
        Some(GUILD),
        CreateInteractionResponse::Message(with_picture),
    )
    .await;
    let callback = fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/callback"))
        .expect("recorded");
    assert_eq!(callback.files[0].bytes, picture, "a multipart callback");
    assert_eq!(callback.body["data"]["attachments"][0]["id"], 0);
    let url = original["attachments"][0]["url"].clone();
    assert_eq!(original["embeds"][0]["image"]["url"], url);
    assert_eq!(original["embeds"][0]["image"]["width"], 8);

    let edited = command
        .edit_response(
            &http,
            EditInteractionResponse::new().new_attachment(CreateAttachment::bytes(png(2, 1), "stack.png")),
        )
        .await
        .expect("PATCH @original with a file");
    assert_eq!(edited.attachments.len(), 1);
    assert_ne!(
        json!(edited.attachments[0].url),
        url,
        "the new file replaced the old one"
    );
    let followup = command
        .create_followup(
            &http,
            CreateInteractionResponseFollowup::new()
                .content("Also:")
                .add_file(CreateAttachment::bytes(png(1, 1), "saas.png")),
        )
        .await
        .expect("a followup with a file");
    assert_eq!(followup.attachments[0].filename, "saas.png");

    // UPDATE_MESSAGE with a file replaces the message's files; serenity always sends
    // `attachments`, so an UPDATE_MESSAGE without one removes them (acknowledge and edit instead)
    let stored = fake.message(id_of(&original)).expect("stored");
    let swap = press(&fake, &stored, "aspect:cost");
    let update = CreateInteractionResponseMessage::new()
        .content("Cost")
        .add_file(CreateAttachment::bytes(png(3, 3), "cost.png"));
    swap.create_response(&http, CreateInteractionResponse::UpdateMessage(update))
        .await
        .expect("a multipart UPDATE_MESSAGE");
    let stored = fake.message(id_of(&original)).expect("stored");
    let filenames: Vec<&str> = stored["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["filename"].as_str())
        .collect();
    assert_eq!(filenames, ["cost.png"]);
    let clear = press(&fake, &stored, "aspect:control");
    clear
        .create_response(
            &http,
            CreateInteractionResponse::UpdateMessage(CreateInteractionResponseMessage::new().content("Control")),
        )
        .await
        .expect("UPDATE_MESSAGE");
    let stored = fake.message(id_of(&original)).expect("stored");
    assert_eq!(
        stored["attachments"],
        json!([]),
        "serenity's attachments: [] removes them"
    );
    fake.assert_no_spec_violations();
    fake.assert_no_response_violations();
}

/// Posts a multipart body built by hand: `files` as (part name, filename, bytes), then
/// `payload_json`; returns the status.
async fn post_multipart(fake: &FakeDiscord, path: &str, payload: Value, files: Vec<Upload<'_>>) -> u16 {
    let mut form = reqwest::multipart::Form::new();
    for (name, filename, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str("image/png")
            .expect("a MIME type");
        form = form.part(name.to_string(), part);
    }
    form = form.text("payload_json", payload.to_string());
    reqwest::Client::new()
        .post(format!("{}/api/v10{path}", fake.api_base()))
        .header("authorization", "Bot fake-token")
        .multipart(form)
        .send()
        .await
        .expect("the fake answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn attachment_problems_are_reported_as_spec_violations() {
    let fake = FakeDiscord::start().await;
    let messages = format!("/channels/{CHANNEL}/messages");
    let picture = png(2, 2);
    let embed = |name: &str| json!({"embeds": [{"image": {"url": format!("attachment://{name}")}}]});
    let cases: Vec<(Value, Vec<Upload<'_>>, u16, &str)> = vec![
        (
            embed("missing.png"),
            vec![("files[0]", "stack.png", picture.clone())],
            200,
            "attachment://missing.png names no attachment of the message (it has [\"stack.png\"])",
        ),
        (
            json!({"content": "x"}),
            vec![("file", "stack.png", picture.clone())],
            200,
            "Discord takes files from parts named files[n]",
        ),
        (
            json!({"content": "x"}),
            vec![("files[0]", "stack.png", b"GIF89a not a png".to_vec())],
            200,
            "files[0] (stack.png) is not a PNG",
        ),
        (
            json!({"content": "x", "attachments": [{"id": 0}, {"id": 5}]}),
            vec![("files[0]", "stack.png", picture.clone())],
            200,
            "at '/attachments/1/id': 5 is neither the n of an uploaded files[n] part",
        ),
        (
            json!({"content": "x", "attachments": [{"id": "0"}]}),
            vec![
                ("files[0]", "a.png", picture.clone()),
                ("files[1]", "b.png", picture.clone()),
            ],
            200,
            "files[1] (b.png) is uploaded but not listed in '/attachments'",
        ),
        (
            json!({"content": "x"}),
            vec![("files[0]", "big.bin", vec![0; 10 * 1024 * 1024 + 1])],
            413,
            "is 10485761 bytes, over the 10485760-byte upload limit",
        ),
    ];
    for (index, (payload, files, status, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            post_multipart(&fake, &messages, payload, files).await,
            status,
            "case {index}"
        );
        let violations = fake.spec_violations();
        let errors = violations.get(index).map(|v| v.errors.join("\n")).unwrap_or_default();
        assert!(
            errors.contains(expected),
            "case {index}: {expected:?} not in {violations:#?}"
        );
    }
    let stored = fake.sent_messages();
    assert_eq!(
        stored[0]["embeds"][0]["image"]["url"], "attachment://missing.png",
        "left as sent"
    );
    assert_eq!(
        stored[4]["attachments"].as_array().map(Vec::len),
        Some(1),
        "only the listed file"
    );

    // files sent with a callback that attaches none
    let http = serenity_http(&fake);
    let (_, original) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let button = press(&fake, &original, "vote:up");
    let path = format!("/interactions/{}/{}/callback", button.id, button.token);
    let files = vec![("files[0]", "stack.png", picture)];
    assert_eq!(post_multipart(&fake, &path, json!({"type": 6}), files).await, 204);
    let errors = violation_errors(&fake.spec_violations());
    assert!(
        errors.contains(&format!(
            "1 file(s) uploaded to POST /api/v10{path}, which attaches no files"
        )),
        "{errors}"
    );
    assert!(
        fake.spec_violations().iter().all(|v| v.operation.is_some()),
        "every violation names its operation"
    );
    fake.assert_no_response_violations();
}

#[tokio::test]
async fn component_limits_are_reported_as_spec_violations() {
    let fake = FakeDiscord::start().await;
    let messages = format!("/channels/{CHANNEL}/messages");
    let button = |id: &str| json!({"type": 2, "style": 1, "custom_id": id, "label": id});
    let row = |items: Vec<Value>| json!({"type": 1, "components": items});
    let select = |id: &str, count: usize| {
        let options: Vec<Value> = (0..count)
            .map(|n| json!({"label": format!("option {n}"), "value": format!("v{n}")}))
            .collect();
        json!({"type": 3, "custom_id": id, "options": options})
    };
    let long = "x".repeat(81);
    let cases: Vec<(Vec<Value>, &str)> = vec![
        (
            (0..6).map(|n| row(vec![button(&format!("b{n}"))])).collect(),
            "at '/components': a message holds at most 5 action rows (6 sent)",
        ),
        (
            vec![row((0..6).map(|n| button(&format!("b{n}"))).collect())],
            "at '/components/0': an action row holds 1 to 5 buttons (6 sent)",
        ),
        (
            vec![row(vec![select("compare", 2), button("b")])],
            "a select menu fills its action row alone",
        ),
        (
            vec![row(vec![button("same")]), row(vec![button("same")])],
            "at '/components/1/components/0/custom_id': custom_id \"same\" is already used at '/components/0/components/0/custom_id'",
        ),
        (
            vec![row(vec![json!({"type": 2, "style": 1, "custom_id": "b", "label": long})])],
            "a button label is at most 80 characters (81 sent)",
        ),
        (vec![row(vec![select("compare", 26)])], "a string select has 1 to 25 options (26 sent)"),
        (
            vec![row(vec![json!({"type": 3, "custom_id": "s", "options": [{"label": "x".repeat(101), "value": "v"}]})])],
            "an option label is 1 to 100 characters (101 sent)",
        ),
        (
            vec![row(vec![json!({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "v"}, {"label": "b", "value": "v"}]})])],
            "option value \"v\" repeats",
        ),
        (
            vec![row(vec![json!({"type": 2, "style": 5, "url": "https://example.com", "custom_id": "docs", "label": "Docs"})])],
            "a link button (style 5) has no custom_id",
        ),
        (
            vec![row(vec![json!({"type": 2, "style": 5, "label": "Docs"})])],
            "a link button (style 5) needs a url",
        ),
        (
            vec![row(vec![json!({"type": 2, "style": 2, "label": "No id"})])],
            "this component needs a custom_id (1 to 100 characters)",
        ),
        (
            vec![row(vec![json!({"type": 2, "style": 2, "custom_id": "blank"})])],
            "a button needs a label or an emoji",
        ),
        (
            vec![row(vec![json!({"type": 4, "style": 1, "custom_id": "t", "label": "T"})])],
            "text inputs go in modals, not in messages",
        ),
    ];
    for (index, (components, expected)) in cases.into_iter().enumerate() {
        let (status, _) = call(
            &fake,
            reqwest::Method::POST,
            &messages,
            Some(json!({"content": "x", "components": components})),
        )
        .await;
        assert_eq!(status, 200, "recorded like schema violations: the request goes through");
        let violations = fake.spec_violations();
        let errors = violations.get(index).map(|v| v.errors.join("\n")).unwrap_or_default();
        assert!(
            errors.contains(expected) && errors.contains("(Discord's component rules)"),
            "case {index}: {expected:?} not in {violations:#?}"
        );
    }

    // the same rules on callbacks (under /data) and webhook edits, and the modal rules
    let http = serenity_http(&fake);
    let before = fake.spec_violations().len();
    let (command, _) = answered_command(&fake, &http, Some(GUILD), CreateInteractionResponse::Message(answer())).await;
    let too_many: Vec<CreateActionRow> = (0..6)
        .map(|n| CreateActionRow::Buttons(vec![CreateButton::new(format!("b{n}")).label("B")]))
        .collect();
    command
        .edit_response(&http, EditInteractionResponse::new().components(too_many))
        .await
        .expect("the edit goes through");
    let payload = fake.slash_command("ask", json!([]), "en-US", Some(GUILD), CHANNEL, &alice());
    let Interaction::Command(second) = serde_json::from_value(payload).expect("parses") else {
        panic!("a command");
    };
    let rows: Vec<CreateActionRow> = (0..6)
        .map(|n| CreateActionRow::InputText(CreateInputText::new(InputTextStyle::Short, "Field", format!("f{n}"))))
        .collect();
    let modal = CreateModal::new("feedback", "x".repeat(46)).components(rows);
    second
        .create_response(&http, CreateInteractionResponse::Modal(modal))
        .await
        .expect("the modal goes through");
    let errors = violation_errors(&fake.spec_violations()[before..]);
    for expected in [
        "at '/components': a message holds at most 5 action rows (6 sent)",
        "at '/data/title': a modal needs a title of 1 to 45 characters (46 sent)",
        "at '/data/components': a modal holds 1 to 5 components (6 sent)",
    ] {
        assert!(errors.contains(expected), "{expected:?} not in {errors}");
    }
    // (the fake echoes the broken components it stored, so its answers need not match the spec)
}

#[tokio::test]
async fn late_answers_to_presses_are_unknown_interactions() {
    let fake = FakeDiscord::start_with(FakeDiscordOptions {
        interaction_ack_deadline: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let http = serenity_http(&fake);
    let message = ChannelId::new(CHANNEL)
        .send_message(
            &http,
            CreateMessage::new()
                .content("Quiz: which model rents you machines?")
                .components(vec![CreateActionRow::Buttons(vec![
                    CreateButton::new("quiz:iaas").label("IaaS"),
                    CreateButton::new("quiz:saas").label("SaaS"),
                ])]),
        )
        .await
        .expect("a channel message with buttons");
    assert_eq!(message.components[0].components.len(), 2);
    let stored = fake.message(message.id.get()).expect("stored");
    let choice = press(&fake, &stored, "quiz:iaas");
    let update = CreateInteractionResponse::UpdateMessage(CreateInteractionResponseMessage::new().content("Right!"));
    let error = choice
        .create_response(&http, update)
        .await
        .expect_err("past the deadline");
    assert!(format!("{error:?}").contains("10062"), "{error:?}");
    assert_eq!(fake.interaction_callback(&choice.token), None);
    assert_eq!(fake.message(message.id.get()), Some(stored), "nothing changed");
    fake.assert_no_spec_violations();
}
