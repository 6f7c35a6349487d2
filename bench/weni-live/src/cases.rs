//! Every case of the bench, in the order they run.
//!
//! A case is one call (a list drained through `.items()` counts as one). Ids come from earlier
//! reads, never from the seed script, so that a replay of the recording sends the same
//! requests. The only outside input is the run's `nonce` (part of every name the bench
//! creates, so that runs on the same database do not collide); the recording keeps it in
//! `context.json`.
//!
//! This file is long because it is a flat list of ~130 cases, one after the other; splitting it
//! by resource would only scatter the ids they share.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use weni::types::*;

use crate::Runner;

/// The seeded contacts' names (see `bench/weni-live/seed.py`).
pub const SEED_MANY_GROUP: &str = "Bench Many";
/// A name with characters outside ASCII.
pub const NON_ASCII_NAME: &str = "Zoë Ñandú 北京 🙂 Ω";
/// The seeded contact with the longest name the column holds (128).
pub fn longest_name() -> String {
    "W".repeat(128)
}

/// What the operations the open-source build cannot serve lack.
pub const NOT_SERVED: &[(&str, &str)] = &[
    ("listChannelStats", "`channel_stats` comes from the production-only `weni.channel_stats` app (weni-rp-apps), which is not in weni-ai/flows; the route does not exist in this build (404)"),
    ("getContactAnalytics", "`analytics/contacts` comes from the production-only `weni.analytics_api` app (weni-rp-apps), not in weni-ai/flows (404 here)"),
    ("listIntelligences", "the view calls Weni's AI service (Nexus) over the network; nothing answers here (500)"),
    ("getBrainInfo", "the view calls Weni's AI service (Nexus) over the network; nothing answers here (500)"),
    ("searchContactsElastic", "needs an OIDC provider (OIDCAuthentication, not the API token) and Elasticsearch (500 here)"),
];

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid date-time")
}

fn first<T: Clone>(v: &Option<Vec<T>>) -> Option<T> {
    v.as_ref().and_then(|v| v.first().cloned())
}

/// Runs every case. `nonce` makes created names unique; `no_auth` is a client without token.
pub async fn run_all(r: &mut Runner, c: &weni::Client, no_auth: &weni::Client, nonce: &str) {
    let early = at("2000-01-01T00:00:00Z");
    let late = at("2100-01-01T00:00:00Z");

    // ---------------------------------------------------------------- workspace, users
    if let Some(w) = r
        .one("getWorkspace", "plain", c.get_workspace().send())
        .await
    {
        r.check(!w.name.is_empty(), || "workspace name".into());
    }
    r.all("listUsers", "all", c.list_users().items()).await;
    r.all(
        "listUsers",
        "role",
        c.list_users()
            .role(vec![ListUsersRoleItem::Administrator])
            .items(),
    )
    .await;

    // ---------------------------------------------------------------- channels
    let channels = r
        .all("listChannels", "all", c.list_channels().items())
        .await;
    let nameless = channels
        .as_ref()
        .and_then(|v| v.iter().find(|ch| ch.name.is_none()).cloned());
    r.check(nameless.is_some(), || {
        "the seeded channel with NULL name/address/country".into()
    });
    if let Some(ch) = &nameless {
        r.check(ch.address.is_none() && ch.country.is_none(), || {
            "NULL address and country decode as None".into()
        });
    }
    let ex = channels.as_ref().and_then(|v| {
        v.iter()
            .find(|ch| ch.address.as_deref() == Some("+5582999990000"))
            .cloned()
    });
    if let Some(ex) = &ex {
        r.all(
            "listChannels",
            "uuid",
            c.list_channels().uuid(ex.uuid).items(),
        )
        .await;
    }
    r.all(
        "listChannels",
        "address",
        c.list_channels().address("+5582999990000").items(),
    )
    .await;

    let events = r
        .all("listChannelEvents", "all", c.list_channel_events().items())
        .await;
    if let Some(ev) = first(&events) {
        r.all(
            "listChannelEvents",
            "id",
            c.list_channel_events().id(ev.id).items(),
        )
        .await;
        r.all(
            "listChannelEvents",
            "contact",
            c.list_channel_events().contact(ev.contact.uuid).items(),
        )
        .await;
    }
    r.all(
        "listChannelEvents",
        "before-after",
        c.list_channel_events().after(early).before(late).items(),
    )
    .await;

    // ---------------------------------------------------------------- fields
    let fields = r.all("listFields", "all", c.list_fields().items()).await;
    r.check(
        fields
            .as_ref()
            .is_some_and(|f| f.iter().any(|f| f.key == "age")),
        || "seeded field age".into(),
    );
    r.all("listFields", "key", c.list_fields().key("city").items())
        .await;
    let label = format!("Bench When {nonce}");
    let created_field = r
        .one(
            "saveField",
            "create",
            c.save_field(FieldWrite {
                label: label.clone(),
                value_type: FieldWriteValueType::Datetime,
                channel_uuid: None,
                project_uuid: None,
            })
            .send(),
        )
        .await;
    if let Some(f) = &created_field {
        r.one(
            "saveField",
            "update",
            c.save_field(FieldWrite {
                label: format!("Bench When Renamed {nonce}"),
                value_type: FieldWriteValueType::Datetime,
                channel_uuid: None,
                project_uuid: None,
            })
            .key(f.key.clone())
            .send(),
        )
        .await;
        if let Some(after) = r
            .all(
                "listFields",
                "confirm-update",
                c.list_fields().key(f.key.clone()).items(),
            )
            .await
        {
            r.check(
                after.len() == 1 && after[0].label.starts_with("Bench When Renamed"),
                || format!("renamed field: {after:?}"),
            );
        }
    }

    // ---------------------------------------------------------------- groups
    let groups = r.all("listGroups", "all", c.list_groups().items()).await;
    let many = groups
        .as_ref()
        .and_then(|g| g.iter().find(|g| g.name == SEED_MANY_GROUP).cloned());
    r.check(many.is_some(), || "seeded group Bench Many".into());
    if let Some(g) = &many {
        r.all("listGroups", "uuid", c.list_groups().uuid(g.uuid).items())
            .await;
    }
    r.all("listGroups", "name", c.list_groups().name("VIPs").items())
        .await;
    let vips = r
        .all(
            "listGroups",
            "name-vips",
            c.list_groups().name("VIPs").items(),
        )
        .await
        .and_then(|v| v.into_iter().next());
    let group = r
        .one(
            "saveGroup",
            "create",
            c.save_group(GroupWrite {
                name: format!("Bench group {nonce}"),
            })
            .send(),
        )
        .await;
    if let Some(g) = &group {
        r.one(
            "saveGroup",
            "update",
            c.save_group(GroupWrite {
                name: format!("Bench group renamed {nonce}"),
            })
            .uuid(g.uuid)
            .send(),
        )
        .await;
        if let Some(v) = r
            .all(
                "listGroups",
                "confirm-update",
                c.list_groups().uuid(g.uuid).items(),
            )
            .await
        {
            r.check(
                v.len() == 1 && v[0].name.starts_with("Bench group renamed"),
                || format!("{v:?}"),
            );
        }
    }

    // ---------------------------------------------------------------- contacts
    let contacts = r
        .all("listContacts", "all", c.list_contacts().items())
        .await;
    if let Some(all) = &contacts {
        let mut uuids: Vec<Uuid> = all.iter().map(|c| c.uuid).collect();
        uuids.sort();
        uuids.dedup();
        r.check(all.len() >= 250 && uuids.len() == all.len(), || {
            format!(
                "at least 250 distinct contacts over several pages, got {} ({} distinct)",
                all.len(),
                uuids.len()
            )
        });
        r.check(all.iter().any(|c| c.name.is_none()), || {
            "a contact with NULL name".into()
        });
        r.check(all.iter().any(|c| c.name.as_deref() == Some("")), || {
            "a contact with an empty name".into()
        });
        r.check(
            all.iter()
                .any(|c| c.name.as_deref() == Some(NON_ASCII_NAME)),
            || "the non-ASCII name round-trips".into(),
        );
        r.check(
            all.iter()
                .any(|c| c.name.as_deref() == Some(longest_name().as_str())),
            || "the 128-character name".into(),
        );
    }
    let alice = r
        .all(
            "listContacts",
            "urn",
            c.list_contacts().urn("tel:+5582999990001").items(),
        )
        .await
        .and_then(|v| v.into_iter().next());
    if let Some(a) = &alice {
        r.all(
            "listContacts",
            "uuid",
            c.list_contacts().uuid(a.uuid).items(),
        )
        .await;
    }
    r.all(
        "listContacts",
        "name",
        c.list_contacts().name(NON_ASCII_NAME).items(),
    )
    .await;
    r.all(
        "listContacts",
        "group",
        c.list_contacts().group("Newsletter").items(),
    )
    .await;
    r.all(
        "listContacts",
        "deleted",
        c.list_contacts().deleted(true).items(),
    )
    .await;
    r.all(
        "listContacts",
        "before-after",
        c.list_contacts()
            .after(early)
            .before(late)
            .group("VIPs")
            .items(),
    )
    .await;
    r.all(
        "listContacts",
        "search",
        c.list_contacts().search("name ~ \"Alice\"").items(),
    )
    .await;
    r.all(
        "listContacts",
        "order-reverse-limit",
        c.list_contacts()
            .order_by(ListContactsOrderBy::CreatedOn)
            .reverse(true)
            .limit(30)
            .group("VIPs")
            .items(),
    )
    .await;
    r.all(
        "listContactsLean",
        "all",
        c.list_contacts_lean().limit(100).items(),
    )
    .await;
    if let Some(a) = &alice {
        r.all(
            "listContactsLean",
            "uuid",
            c.list_contacts_lean().uuid(a.uuid).items(),
        )
        .await;
    }
    r.all(
        "listContactsLean",
        "filters",
        c.list_contacts_lean()
            .name("Alice")
            .group("VIPs")
            .deleted(false)
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;
    r.all(
        "listContactsLean",
        "search-order",
        c.list_contacts_lean()
            .search("name ~ \"Bench Contact 00\"")
            .order_by(ListContactsLeanOrderBy::ModifiedOn)
            .items(),
    )
    .await;

    let urn = format!("tel:+5582988{:0>6}", nonce_digits(nonce));
    let mut fields_map = std::collections::BTreeMap::new();
    fields_map.insert("city".to_owned(), Some("São Paulo".to_owned()));
    fields_map.insert("age".to_owned(), None);
    let created = r
        .one(
            "saveContact",
            "create",
            c.save_contact(ContactWrite {
                name: Some(format!("Bench Zoë {nonce}")),
                language: Some("por".into()),
                urns: Some(vec![urn.clone()]),
                groups: vips.as_ref().map(|g| vec![g.uuid.to_string()]),
                fields: Some(fields_map),
            })
            .send(),
        )
        .await;
    if let Some(ct) = &created {
        r.check(
            ct.fields.get("city").cloned().flatten().as_deref() == Some("São Paulo"),
            || format!("fields {:?}", ct.fields),
        );
        r.one(
            "saveContact",
            "update-uuid",
            c.save_contact(ContactWrite {
                name: None,
                language: Some("eng".into()),
                ..ContactWrite::default()
            })
            .uuid(ct.uuid)
            .send(),
        )
        .await;
        r.one(
            "saveContact",
            "update-urn",
            c.save_contact(ContactWrite {
                name: Some(format!("Bench Renamed {nonce}")),
                ..ContactWrite::default()
            })
            .urn(urn.clone())
            .send(),
        )
        .await;
        if let Some(v) = r
            .all(
                "listContacts",
                "confirm-update",
                c.list_contacts().uuid(ct.uuid).items(),
            )
            .await
        {
            r.check(
                v.len() == 1 && v[0].name.as_deref() == Some(&*format!("Bench Renamed {nonce}")),
                || format!("{v:?}"),
            );
        }
    }
    // bulk contact actions on the created contact
    if let (Some(ct), Some(g)) = (&created, &group) {
        let who = vec![ct.uuid.to_string()];
        for (case, action, grp) in [
            (
                "add",
                ContactActionRequestAction::Add,
                Some(g.uuid.to_string()),
            ),
            (
                "remove",
                ContactActionRequestAction::Remove,
                Some(g.uuid.to_string()),
            ),
            ("block", ContactActionRequestAction::Block, None),
            ("unblock", ContactActionRequestAction::Unblock, None),
            ("interrupt", ContactActionRequestAction::Interrupt, None),
            (
                "archive-messages",
                ContactActionRequestAction::ArchiveMessages,
                None,
            ),
        ] {
            r.one(
                "bulkUpdateContacts",
                case,
                c.bulk_update_contacts(ContactActionRequest {
                    contacts: who.clone(),
                    action,
                    group: grp,
                })
                .send(),
            )
            .await;
            if case == "add" || case == "block" {
                if let Some(v) = r
                    .all(
                        "listContacts",
                        &format!("confirm-{case}"),
                        c.list_contacts().uuid(ct.uuid).items(),
                    )
                    .await
                {
                    let ok = match case {
                        "add" => v
                            .first()
                            .is_some_and(|x| x.groups.iter().any(|gr| gr.uuid == g.uuid)),
                        _ => v.first().is_some_and(|x| x.blocked == Some(true)),
                    };
                    r.check(ok, || format!("{case} took effect: {v:?}"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- labels
    r.all("listLabels", "all", c.list_labels().items()).await;
    r.all(
        "listLabels",
        "name",
        c.list_labels().name("Important").items(),
    )
    .await;
    let lab = r
        .one(
            "saveLabel",
            "create",
            c.save_label(LabelWrite {
                name: format!("Bench label {nonce}"),
            })
            .send(),
        )
        .await;
    if let Some(l) = &lab {
        r.all("listLabels", "uuid", c.list_labels().uuid(l.uuid).items())
            .await;
        r.one(
            "saveLabel",
            "update",
            c.save_label(LabelWrite {
                name: format!("Bench label renamed {nonce}"),
            })
            .uuid(l.uuid)
            .send(),
        )
        .await;
    }

    // ---------------------------------------------------------------- messages
    let msgs = r
        .all("listMessages", "all", c.list_messages().items())
        .await;
    if let Some(m) = &msgs {
        r.check(m.iter().any(|m| m.channel.is_none()), || {
            "a message with NULL channel".into()
        });
        r.check(m.iter().any(|m| m.text.is_empty()), || {
            "a message with empty text".into()
        });
        r.check(m.iter().any(|m| is_null(&m.modified_on)), || {
            "a message with NULL modified_on decodes as None".into()
        });
    }
    for folder in ["inbox", "flows", "archived", "outbox", "sent", "failed"] {
        r.all(
            "listMessages",
            &format!("folder-{folder}"),
            c.list_messages()
                .folder(ListMessagesFolder::Unknown(folder.into()))
                .items(),
        )
        .await;
    }
    let incoming: Vec<Message> = msgs
        .iter()
        .flatten()
        .filter(|m| {
            m.direction == MessageDirection::In && m.visibility == MessageVisibility::Visible
        })
        .cloned()
        .collect();
    if let Some(m) = incoming.first() {
        r.all("listMessages", "id", c.list_messages().id(m.id).items())
            .await;
        r.all(
            "listMessages",
            "contact",
            c.list_messages().contact(m.contact.uuid).items(),
        )
        .await;
        if let Some(b) = m.broadcast {
            r.all(
                "listMessages",
                "broadcast",
                c.list_messages().broadcast(b).items(),
            )
            .await;
        }
    }
    r.all(
        "listMessages",
        "urn",
        c.list_messages().urn("tel:+5582999990001").items(),
    )
    .await;
    r.all(
        "listMessages",
        "label",
        c.list_messages().label("Important").items(),
    )
    .await;
    r.all(
        "listMessages",
        "before-after-limit",
        c.list_messages().after(early).before(late).limit(2).items(),
    )
    .await;
    if let (Some(m), Some(l)) = (incoming.last(), &lab) {
        let ids = vec![m.id];
        for (case, action, label, label_name) in [
            (
                "label",
                MessageActionRequestAction::Label,
                Some(l.uuid.to_string()),
                None,
            ),
            (
                "unlabel",
                MessageActionRequestAction::Unlabel,
                None,
                Some(format!("Bench label renamed {nonce}")),
            ),
            ("archive", MessageActionRequestAction::Archive, None, None),
            ("restore", MessageActionRequestAction::Restore, None, None),
        ] {
            r.one(
                "bulkUpdateMessages",
                case,
                c.bulk_update_messages(MessageActionRequest {
                    messages: ids.clone(),
                    action,
                    label,
                    label_name,
                })
                .send(),
            )
            .await;
            if case == "label" || case == "archive" {
                if let Some(v) = r
                    .all(
                        "listMessages",
                        &format!("confirm-{case}"),
                        c.list_messages().id(m.id).items(),
                    )
                    .await
                {
                    let ok = match case {
                        "label" => v
                            .first()
                            .is_some_and(|x| x.labels.iter().any(|y| y.uuid == l.uuid)),
                        _ => v.first().is_some_and(|x| x.archived),
                    };
                    r.check(ok, || format!("{case} took effect: {v:?}"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- broadcasts
    if let Some(b) = r
        .all("listBroadcasts", "all", c.list_broadcasts().items())
        .await
    {
        r.check(b.iter().any(|b| is_null(&b.text)), || {
            "a broadcast with NULL text decodes as None".into()
        });
    }
    r.all(
        "listBroadcasts",
        "before-after",
        c.list_broadcasts().after(early).before(late).items(),
    )
    .await;
    if let Some(a) = &alice {
        if let Some(b) = r
            .one(
                "sendBroadcast",
                "contacts",
                c.send_broadcast(BroadcastCreate {
                    text: TranslatableText::String(format!("Olá {nonce} ✓")),
                    urns: None,
                    contacts: Some(vec![a.uuid.to_string()]),
                    groups: None,
                    ticket: None,
                })
                .send(),
            )
            .await
        {
            if let Some(v) = r
                .all("listBroadcasts", "id", c.list_broadcasts().id(b.id).items())
                .await
            {
                r.check(
                    v.len() == 1 && v[0].contacts.iter().any(|x| x.uuid == a.uuid),
                    || format!("{v:?}"),
                );
            }
            r.all(
                "listMessages",
                "broadcast",
                c.list_messages().broadcast(b.id).items(),
            )
            .await;
        }
    }
    r.all(
        "listWhatsappBroadcasts",
        "all",
        c.list_whatsapp_broadcasts().items(),
    )
    .await;
    r.all(
        "listWhatsappBroadcasts",
        "before-after",
        c.list_whatsapp_broadcasts()
            .after(early)
            .before(late)
            .items(),
    )
    .await;
    if let Some(a) = &alice {
        if let Some(b) = r
            .one(
                "sendWhatsappBroadcast",
                "text",
                c.send_whatsapp_broadcast(WhatsappBroadcastCreate {
                    urns: Some(vec!["tel:+5582999990001".into()]),
                    contacts: Some(vec![a.uuid.to_string()]),
                    groups: None,
                    msg: WhatsappMessage {
                        text: Some(format!("Oi @contact.name {nonce}")),
                        ..WhatsappMessage::default()
                    },
                    channel: None,
                    queue: None,
                    name: None,
                    template_id: None,
                    trigger_flow_uuid: None,
                })
                .send(),
            )
            .await
        {
            r.all(
                "listWhatsappBroadcasts",
                "id",
                c.list_whatsapp_broadcasts().id(b.id).items(),
            )
            .await;
        }
    }

    // ---------------------------------------------------------------- flows, runs, starts
    let flows = r.all("listFlows", "all", c.list_flows().items()).await;
    let flow = first(&flows);
    if let Some(f) = &flow {
        r.all("listFlows", "uuid", c.list_flows().uuid(f.uuid).items())
            .await;
    }
    r.all(
        "listFlows",
        "filters",
        c.list_flows()
            .r#type(ListFlowsType::Message)
            .archived(false)
            .after(early)
            .before(late)
            .items(),
    )
    .await;
    r.all(
        "listFlows",
        "labels",
        c.list_flows()
            .labels(vec!["Bench flow label".into()])
            .items(),
    )
    .await;
    r.all("listFlowLabels", "all", c.list_flow_labels().items())
        .await;
    let runs = r.all("listRuns", "all", c.list_runs().items()).await;
    if let Some(run) = first(&runs) {
        r.all("listRuns", "id", c.list_runs().id(run.id).items())
            .await;
        r.all("listRuns", "uuid", c.list_runs().uuid(run.uuid).items())
            .await;
        r.all(
            "listRuns",
            "flow",
            c.list_runs().flow(run.flow.uuid).items(),
        )
        .await;
        r.all(
            "listRuns",
            "contact",
            c.list_runs().contact(run.contact.uuid).items(),
        )
        .await;
    }
    r.check(
        runs.iter()
            .flatten()
            .any(|x| x.exit_type.is_none() && x.exited_on.is_none()),
        || "an active run (NULL exit_type, exited_on)".into(),
    );
    r.all(
        "listRuns",
        "responded-before-after-reverse",
        c.list_runs()
            .responded(true)
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;
    let starts = r
        .all("listFlowStarts", "all", c.list_flow_starts().items())
        .await;
    if let Some(s) = first(&starts) {
        r.all(
            "listFlowStarts",
            "id",
            c.list_flow_starts().id(s.id).items(),
        )
        .await;
    }
    r.all(
        "listFlowStarts",
        "before-after-reverse",
        c.list_flow_starts()
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;
    if let (Some(f), Some(a)) = (&flow, &alice) {
        if let Some(s) = r
            .one(
                "startFlow",
                "contacts",
                c.start_flow(FlowStartCreate {
                    flow: f.uuid,
                    groups: vips.as_ref().map(|g| vec![g.uuid.to_string()]),
                    contacts: Some(vec![a.uuid.to_string()]),
                    urns: None,
                    restart_participants: Some(false),
                    exclude_active: Some(true),
                    extra: None,
                    params: Some(serde_json::json!({"nonce": nonce, "ç": [1, null]})),
                })
                .send(),
            )
            .await
        {
            if let Some(v) = r
                .all(
                    "listFlowStarts",
                    "uuid",
                    c.list_flow_starts().uuid(s.uuid).items(),
                )
                .await
            {
                r.check(v.len() == 1 && v[0].exclude_active, || format!("{v:?}"));
            }
        }
    }
    if let Some(f) = &flow {
        r.one(
            "exportDefinitions",
            "flow",
            c.export_definitions().flow(vec![f.uuid]).send(),
        )
        .await;
        r.one(
            "exportDefinitions",
            "flow-no-deps",
            c.export_definitions()
                .flow(vec![f.uuid])
                .dependencies(ExportDefinitionsDependencies::None)
                .send(),
        )
        .await;
    }

    // ---------------------------------------------------------------- campaigns
    let camps = r
        .all("listCampaigns", "all", c.list_campaigns().items())
        .await;
    if let Some(cp) = first(&camps) {
        r.all(
            "listCampaigns",
            "uuid",
            c.list_campaigns().uuid(cp.uuid).items(),
        )
        .await;
    }
    let camp = match &vips {
        Some(g) => {
            r.one(
                "saveCampaign",
                "create",
                c.save_campaign(CampaignWrite {
                    name: format!("Bench campaign {nonce}"),
                    group: g.uuid.to_string(),
                })
                .send(),
            )
            .await
        }
        None => None,
    };
    if let (Some(cp), Some(g)) = (&camp, &vips) {
        r.one(
            "saveCampaign",
            "update",
            c.save_campaign(CampaignWrite {
                name: format!("Bench campaign renamed {nonce}"),
                group: g.uuid.to_string(),
            })
            .uuid(cp.uuid)
            .send(),
        )
        .await;
        r.one(
            "exportDefinitions",
            "campaign",
            c.export_definitions().campaign(vec![cp.uuid]).send(),
        )
        .await;
    }
    r.all(
        "listCampaignEvents",
        "all",
        c.list_campaign_events().items(),
    )
    .await;
    if let (Some(cp), Some(f)) = (&camp, &created_field) {
        let ev = r
            .one(
                "saveCampaignEvent",
                "create-flow",
                c.save_campaign_event(CampaignEventWrite {
                    campaign: cp.uuid,
                    relative_to: f.key.clone(),
                    offset: -2,
                    unit: CampaignEventWriteUnit::Days,
                    delivery_hour: 23,
                    message: None,
                    flow: flow.as_ref().map(|f| f.uuid),
                    new_expressions: Some(true),
                })
                .send(),
            )
            .await;
        if let Some(ev) = &ev {
            r.check(ev.message.is_none() && ev.flow.is_some(), || {
                format!("a flow event has a flow and a null message: {ev:?}")
            });
            r.not_served_case(
                "saveCampaignEvent",
                "message",
                "a message event creates a single-message flow, whose revision the server checks with mailroom's \
                 flow/inspect; the in-process mailroom double does not implement it (500)",
            );
            if let Some(e) = r
                .error(
                    "saveCampaignEvent",
                    "error-400-neither-flow-nor-message",
                    400,
                    c.save_campaign_event(CampaignEventWrite {
                        campaign: cp.uuid,
                        relative_to: f.key.clone(),
                        offset: 0,
                        unit: CampaignEventWriteUnit::Hours,
                        delivery_hour: 0,
                        message: None,
                        flow: None,
                        new_expressions: None,
                    })
                    .send(),
                )
                .await
            {
                r.check(e.non_field_errors.is_some(), || format!("{e:?}"));
            }
            // an update re-creates the event under a new UUID (CampaignEvent.recreate)
            let updated = r
                .one(
                    "saveCampaignEvent",
                    "update-flow",
                    c.save_campaign_event(CampaignEventWrite {
                        campaign: cp.uuid,
                        relative_to: f.key.clone(),
                        offset: 1,
                        unit: CampaignEventWriteUnit::Weeks,
                        delivery_hour: -1,
                        message: None,
                        flow: flow.as_ref().map(|f| f.uuid),
                        new_expressions: None,
                    })
                    .uuid(ev.uuid)
                    .send(),
                )
                .await;
            let ev = updated.unwrap_or_else(|| ev.clone());
            r.check(ev.offset == 1, || format!("updated event: {ev:?}"));
            r.all(
                "listCampaignEvents",
                "uuid",
                c.list_campaign_events().uuid(ev.uuid).items(),
            )
            .await;
            r.all(
                "listCampaignEvents",
                "campaign",
                c.list_campaign_events()
                    .campaign(cp.uuid.to_string())
                    .items(),
            )
            .await;
            r.one(
                "deleteCampaignEvent",
                "uuid",
                c.delete_campaign_event(ev.uuid).send(),
            )
            .await;
            if let Some(v) = r
                .all(
                    "listCampaignEvents",
                    "confirm-delete",
                    c.list_campaign_events().uuid(ev.uuid).items(),
                )
                .await
            {
                r.check(v.is_empty(), || {
                    format!("deleted event still listed: {v:?}")
                });
            }
        }
    }

    // ---------------------------------------------------------------- globals
    r.all("listGlobals", "all", c.list_globals().items()).await;
    r.all(
        "listGlobals",
        "filters",
        c.list_globals()
            .key("org_name")
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;
    if let Some(gl) = r
        .one(
            "saveGlobal",
            "create",
            c.save_global(GlobalWrite {
                value: "Valor ümlaut".into(),
                name: Some(format!("Bench global {nonce}")),
            })
            .send(),
        )
        .await
    {
        r.one(
            "saveGlobal",
            "update",
            c.save_global(GlobalWrite {
                value: "segundo valor".into(),
                name: None,
            })
            .key(gl.key.clone())
            .send(),
        )
        .await;
        if let Some(v) = r
            .all(
                "listGlobals",
                "confirm-update",
                c.list_globals().key(gl.key.clone()).items(),
            )
            .await
        {
            r.check(v.len() == 1 && v[0].value == "segundo valor", || {
                format!("{v:?}")
            });
        }
    }

    // ---------------------------------------------------------------- resthooks
    r.all("listResthooks", "all", c.list_resthooks().items())
        .await;
    r.all(
        "listResthooks",
        "reverse",
        c.list_resthooks().reverse(true).items(),
    )
    .await;
    r.all(
        "listResthookEvents",
        "all",
        c.list_resthook_events().items(),
    )
    .await;
    r.all(
        "listResthookEvents",
        "resthook",
        c.list_resthook_events().resthook("new-lead").items(),
    )
    .await;
    r.all(
        "listResthookSubscribers",
        "all",
        c.list_resthook_subscribers().items(),
    )
    .await;
    if let Some(sub) = r
        .one(
            "createResthookSubscriber",
            "create",
            c.create_resthook_subscriber(ResthookSubscriberCreate {
                resthook: "new-lead".into(),
                target_url: format!("https://hooks.example.com/{nonce}"),
            })
            .send(),
        )
        .await
    {
        r.all(
            "listResthookSubscribers",
            "id-resthook",
            c.list_resthook_subscribers()
                .id(sub.id)
                .resthook("new-lead")
                .items(),
        )
        .await;
        r.one(
            "deleteResthookSubscriber",
            "id",
            c.delete_resthook_subscriber(sub.id).send(),
        )
        .await;
        if let Some(v) = r
            .all(
                "listResthookSubscribers",
                "confirm-delete",
                c.list_resthook_subscribers().id(sub.id).items(),
            )
            .await
        {
            r.check(v.is_empty(), || format!("{v:?}"));
        }
    }

    // ---------------------------------------------------------------- tickets
    let ticketers = r
        .all("listTicketers", "all", c.list_ticketers().items())
        .await;
    if let Some(tk) = first(&ticketers) {
        r.all(
            "listTicketers",
            "uuid",
            c.list_ticketers().uuid(tk.uuid).items(),
        )
        .await;
    }
    r.all(
        "listTicketers",
        "sector-uuid",
        c.list_ticketers()
            .sector_uuid("0b2f5a8e-9f3a-4a7c-8d56-1c1d2e3f4a5b")
            .items(),
    )
    .await;
    r.all(
        "listTicketers",
        "before-after",
        c.list_ticketers().after(early).before(late).items(),
    )
    .await;
    let topics = r.all("listTopics", "all", c.list_topics().items()).await;
    if let Some(tp) = r
        .one(
            "saveTopic",
            "create",
            c.save_topic(TopicWrite {
                name: format!("Bench topic {nonce}"),
            })
            .send(),
        )
        .await
    {
        r.one(
            "saveTopic",
            "update",
            c.save_topic(TopicWrite {
                name: format!("Bench topic renamed {nonce}"),
            })
            .uuid(tp.uuid)
            .send(),
        )
        .await;
    }
    let tickets = r.all("listTickets", "all", c.list_tickets().items()).await;
    r.check(
        tickets
            .iter()
            .flatten()
            .any(|t| t.assignee.is_none() && t.topic.is_some()),
        || "an unassigned ticket".into(),
    );
    if let Some(t) = first(&tickets) {
        r.all("listTickets", "uuid", c.list_tickets().uuid(t.uuid).items())
            .await;
        r.all(
            "listTickets",
            "contact",
            c.list_tickets().contact(t.contact.uuid).items(),
        )
        .await;
        r.all(
            "listTickets",
            "ticket",
            c.list_tickets().ticket(t.uuid).items(),
        )
        .await;
        let ids = vec![t.uuid];
        let topic = first(&topics).map(|tp| tp.uuid);
        for (case, action, assignee, note, topic) in [
            (
                "assign",
                TicketActionRequestAction::Assign,
                Some("admin@weni.local".to_owned()),
                None,
                None,
            ),
            (
                "add-note",
                TicketActionRequestAction::AddNote,
                None,
                Some("Nota ✍".to_owned()),
                None,
            ),
            (
                "change-topic",
                TicketActionRequestAction::ChangeTopic,
                None,
                None,
                topic,
            ),
            ("close", TicketActionRequestAction::Close, None, None, None),
            (
                "reopen",
                TicketActionRequestAction::Reopen,
                None,
                None,
                None,
            ),
        ] {
            r.one(
                "bulkUpdateTickets",
                case,
                c.bulk_update_tickets(TicketActionRequest {
                    tickets: ids.clone(),
                    action,
                    assignee,
                    note,
                    topic,
                    ticketer: None,
                    external_id: None,
                })
                .send(),
            )
            .await;
            if case == "assign" || case == "close" {
                if let Some(v) = r
                    .all(
                        "listTickets",
                        &format!("confirm-{case}"),
                        c.list_tickets().uuid(t.uuid).items(),
                    )
                    .await
                {
                    let ok = match case {
                        "assign" => v.first().is_some_and(|x| x.assignee.is_some()),
                        _ => v.first().is_some_and(|x| x.closed_on.is_some()),
                    };
                    r.check(ok, || format!("{case} took effect: {v:?}"));
                }
            }
        }
    }
    r.all(
        "listTickets",
        "filters",
        c.list_tickets()
            .ticketer_type("internal")
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;

    // ---------------------------------------------------------------- templates
    let templates = r
        .all("listTemplates", "all", c.list_templates().items())
        .await;
    if let Some(t) = first(&templates) {
        r.all(
            "listTemplates",
            "uuid",
            c.list_templates().uuid(t.uuid).items(),
        )
        .await;
        r.all(
            "listTemplates",
            "name",
            c.list_templates().name(t.name.clone()).items(),
        )
        .await;
    }
    r.all(
        "listTemplates",
        "status-before-after-reverse",
        c.list_templates()
            .status(ListTemplatesStatus::Unknown("A".into()))
            .after(early)
            .before(late)
            .reverse(true)
            .items(),
    )
    .await;
    r.all(
        "listContactTemplates",
        "all",
        c.list_contact_templates().items(),
    )
    .await;
    if let Some(a) = &alice {
        r.all(
            "listContactTemplates",
            "contact",
            c.list_contact_templates().contact(a.uuid).limit(10).items(),
        )
        .await;
    }
    r.all(
        "listContactTemplates",
        "group-before-after",
        c.list_contact_templates()
            .group("VIPs")
            .after(early)
            .before(late)
            .items(),
    )
    .await;
    if let Some(t) = first(&templates) {
        r.all(
            "filterTemplateMessages",
            "template",
            c.filter_template_messages(t.name.clone()).items(),
        )
        .await;
        r.all(
            "filterTemplateMessages",
            "template-dates-page",
            c.filter_template_messages(t.name.clone())
                .after("2000-01-01")
                .before("2100-01-01T00:00:00Z")
                .page_size(1)
                .items(),
        )
        .await;
    }

    // ---------------------------------------------------------------- misc lists
    let classifiers = r
        .all("listClassifiers", "all", c.list_classifiers().items())
        .await;
    if let Some(cl) = first(&classifiers) {
        r.all(
            "listClassifiers",
            "uuid",
            c.list_classifiers().uuid(cl.uuid).items(),
        )
        .await;
    }
    r.all(
        "listClassifiers",
        "before-after",
        c.list_classifiers().after(early).before(late).items(),
    )
    .await;
    r.all("listArchives", "all", c.list_archives().items())
        .await;
    r.all(
        "listArchives",
        "filters",
        c.list_archives()
            .archive_type(ListArchivesArchiveType::Message)
            .period(ListArchivesPeriod::Daily)
            .offset(0)
            .after(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default())
            .before(NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default())
            .limit(1)
            .items(),
    )
    .await;
    r.all("listBoundaries", "all", c.list_boundaries().items())
        .await;
    r.all(
        "listBoundaries",
        "geometry",
        c.list_boundaries().geometry(true).items(),
    )
    .await;
    let services = r
        .all(
            "listExternalServices",
            "all",
            c.list_external_services().items(),
        )
        .await;
    if let Some(sv) = first(&services) {
        r.all(
            "listExternalServices",
            "uuid",
            c.list_external_services().uuid(sv.uuid).items(),
        )
        .await;
    }
    r.all(
        "listExternalServices",
        "before-after",
        c.list_external_services().after(early).before(late).items(),
    )
    .await;
    r.all("listProducts", "all", c.list_products().items())
        .await;
    r.all(
        "listProducts",
        "name-retailer",
        c.list_products().name("Café").retailer_id("sku-1").items(),
    )
    .await;
    if let Some(f) = r
        .all("listWhatsappFlows", "all", c.list_whatsapp_flows().items())
        .await
    {
        r.check(
            f.iter().any(|f| json(&f.assets) == serde_json::json!([])),
            || "a never-synced flow's assets are []".into(),
        );
        r.check(
            f.iter()
                .any(|f| json(&f.assets)["variables"] == serde_json::json!(["nome", "idade"])),
            || "a synced flow's assets hold its variables".into(),
        );
    }
    r.all(
        "listWhatsappFlows",
        "id",
        c.list_whatsapp_flows().id("1001").items(),
    )
    .await;
    r.all(
        "listWhatsappFlows",
        "filters",
        c.list_whatsapp_flows()
            .name("Bench WA flow")
            .after(early)
            .before(late)
            .items(),
    )
    .await;

    // ---------------------------------------------------------------- deletes
    if let Some(ct) = &created {
        r.one(
            "deleteContact",
            "uuid",
            c.delete_contact().uuid(ct.uuid).send(),
        )
        .await;
        if let Some(v) = r
            .all(
                "listContacts",
                "confirm-delete",
                c.list_contacts().uuid(ct.uuid).deleted(true).items(),
            )
            .await
        {
            r.check(v.len() == 1 && v[0].name.is_none(), || {
                format!("a deleted contact lists with null name: {v:?}")
            });
        }
    }
    if let Some(g) = &group {
        r.one("deleteGroup", "uuid", c.delete_group(g.uuid).send())
            .await;
        if let Some(v) = r
            .all(
                "listGroups",
                "confirm-delete",
                c.list_groups().uuid(g.uuid).items(),
            )
            .await
        {
            r.check(v.is_empty(), || format!("{v:?}"));
        }
    }
    if let Some(l) = &lab {
        r.one("deleteLabel", "uuid", c.delete_label(l.uuid).send())
            .await;
        if let Some(v) = r
            .all(
                "listLabels",
                "confirm-delete",
                c.list_labels().uuid(l.uuid).items(),
            )
            .await
        {
            r.check(v.is_empty(), || format!("{v:?}"));
        }
    }

    // ---------------------------------------------------------------- error paths
    if let Some(e) = r
        .error(
            "saveContact",
            "error-400-invalid-urn",
            400,
            c.save_contact(ContactWrite {
                urns: Some(vec!["tel:not-a-number".into()]),
                ..ContactWrite::default()
            })
            .send(),
        )
        .await
    {
        r.check(e.additional_properties.contains_key("urns"), || {
            format!("the 400 body names the field: {e:?}")
        });
    }
    if let Some(e) = r
        .error(
            "saveGroup",
            "error-400-missing-name",
            400,
            c.save_group(GroupWrite {
                name: String::new(),
            })
            .send(),
        )
        .await
    {
        r.check(e.additional_properties.contains_key("name"), || {
            format!("{e:?}")
        });
    }
    if let Some(e) = r
        .error(
            "saveContact",
            "error-400-blank-name",
            400,
            c.save_contact(ContactWrite {
                name: Some("   ".into()),
                ..ContactWrite::default()
            })
            .send(),
        )
        .await
    {
        r.check(e.additional_properties.contains_key("name"), || {
            format!("{e:?}")
        });
    }
    if let Some(e) = r
        .error(
            "saveContact",
            "error-400-name-over-100",
            400,
            c.save_contact(ContactWrite {
                name: Some("N".repeat(101)),
                ..ContactWrite::default()
            })
            .send(),
        )
        .await
    {
        r.check(e.additional_properties.contains_key("name"), || {
            format!("{e:?}")
        });
    }
    if let Some(e) = r
        .error(
            "listRuns",
            "error-400-flow-and-contact",
            400,
            c.list_runs().flow(Uuid::nil()).contact(Uuid::nil()).send(),
        )
        .await
    {
        r.check(e.detail.is_some(), || format!("{e:?}"));
    }
    if let Some(e) = r
        .error(
            "deleteGroup",
            "error-404",
            404,
            c.delete_group(Uuid::nil()).send(),
        )
        .await
    {
        r.check(e.detail.is_some(), || format!("{e:?}"));
    }
    if let Some(e) = r
        .error(
            "listContacts",
            "error-403-no-token",
            403,
            no_auth.list_contacts().send(),
        )
        .await
    {
        r.check(e.detail.is_some(), || format!("{e:?}"));
    }

    for (op, reason) in NOT_SERVED {
        r.not_served(op, reason);
    }
}

/// A value as JSON. The checks on values that a spec fix changed go through JSON, so that
/// the cases still compile when the fix is reverted and the replay test fails on the decode.
fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Bool(false))
}

fn is_null<T: serde::Serialize>(value: &T) -> bool {
    json(value).is_null()
}

/// Six digits derived from the nonce (for a unique phone number).
fn nonce_digits(nonce: &str) -> String {
    let n = nonce
        .bytes()
        .fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(b as u64));
    format!("{:06}", n % 1_000_000)
}
