//! Issue 18, item 3: a group's name, description and emoji reach the server only sealed
//! for its members. A page that would still write them in plain text is told to update,
//! and neither the group's row nor its commits keep anything readable.

use crate::common;
use crate::groups::{commit_skipping, head, member, reserve, settings};
use protocol::crypto::group::{Action, Settings, genesis};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

async fn texts(db: &sea_orm::DatabaseConnection, sql: String) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (0..3)
                .filter_map(|i| row.try_get_by_index::<Option<String>>(i).ok().flatten())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test]
async fn group_names_are_kept_only_sealed_and_plain_ones_are_refused() {
    let s = common::start().await;
    let (alice, bob) = (
        s.register("alice", "pw").await,
        s.register("bob", "pw").await,
    );
    let all = [&alice, &bob];
    let conv = reserve(&s, &alice).await;
    let canary = Settings {
        name: "Canary club".into(),
        description: "canary about".into(),
        emoji: "🦩".into(),
        ..settings(false, false)
    };
    let create = genesis(conv, member(&alice), vec![member(&bob)], canary.clone());

    // An old page's create: version 1, the names in plain text.
    let mut plain = create.clone();
    plain.version = 1;
    let (st, text, _) = commit_skipping(&s, &alice, None, plain, &all, &[]).await;
    assert_eq!(st, 403, "{text}");
    assert!(text.contains("reload the page to update Hearth"), "{text}");

    // Sealed (the helper seals version 2 bodies as a browser does).
    let (st, text, _) = commit_skipping(&s, &alice, None, create, &all, &[]).await;
    assert_eq!(st, 200, "{text}");
    let h = head(&s, &bob, conv).await;
    assert_eq!(h.settings.name, "");
    // A rename, sealed as well; one in plain text after it is refused by the rules.
    let mut rename = h.propose(alice.id, Action::Settings).unwrap();
    rename.settings = Settings {
        name: "Canary renamed".into(),
        ..canary.clone()
    };
    let (st, text, _) = commit_skipping(&s, &alice, Some(&h), rename, &all, &[]).await;
    assert_eq!(st, 200, "{text}");
    let h = head(&s, &bob, conv).await;
    let mut plain = h.propose(alice.id, Action::Settings).unwrap();
    plain.version = 1;
    plain.settings = canary.clone();
    let (st, text, _) = commit_skipping(&s, &alice, Some(&h), plain, &all, &[]).await;
    assert_eq!(st, 403, "{text}");
    assert!(text.contains("once sealed stay sealed"), "{text}");

    let db = &s.state.db;
    let row = texts(
        db,
        format!(
            "SELECT name, description, emoji FROM conversations WHERE id = {}",
            conv.0
        ),
    )
    .await;
    assert_eq!(row, vec![String::new()], "the row keeps no names");
    let commits = texts(
        db,
        format!(
            "SELECT body FROM group_commits WHERE conversation_id = {}",
            conv.0
        ),
    )
    .await;
    assert_eq!(commits.len(), 2);
    for c in commits {
        for secret in ["Canary", "canary", "🦩"] {
            assert!(!c.contains(secret), "{secret} in a stored commit");
        }
        assert!(c.contains("\"sealed\""), "the test reads the commits: {c}");
    }
    // The server names no group in the lists it sends either.
    let convs: serde_json::Value = s
        .call("conversations", Some(&bob.cookie), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(!convs.to_string().contains("anary"), "{convs}");
}
