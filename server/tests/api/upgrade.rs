//! Upgrades: a database written by an earlier Hookhub keeps its data through the migrations
//! that change how it is stored.

use std::path::Path;

use serde_json::json;
use sqlx::{migrate::Migrator, Connection};

use crate::{database::TestDatabase, helpers::spawn_app_on};

/// The migration that moved a subscription's settings from columns into one `spec` document.
const SPEC_MIGRATION: i64 = 20261203200001;

/// Applies the migrations older than `before`, as a Hookhub of that time would have.
async fn migrate_until(database: &TestDatabase, before: i64) {
    let tree = if database.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(tree);
    let mut migrator = Migrator::new(dir).await.unwrap();
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < before)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    if database.is_postgres() {
        let mut connection = sqlx::PgConnection::connect(&database.url).await.unwrap();
        migrator.run(&mut connection).await.unwrap();
    } else {
        let options = format!("{}?mode=rwc", database.url);
        let mut connection = sqlx::SqliteConnection::connect(&options).await.unwrap();
        migrator.run(&mut connection).await.unwrap();
    }
}

#[tokio::test]
async fn subscriptions_stored_in_columns_keep_every_setting() {
    // Arrange: a subscription as the schema before the spec document stored it.
    let database = TestDatabase::new().await;
    migrate_until(&database, SPEC_MIGRATION).await;
    let (project, subscription) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let id = |uuid: uuid::Uuid| match database.is_postgres() {
        true => format!("'{uuid}'"),
        false => format!("X'{}'", uuid.simple()),
    };
    database
        .execute(&format!(
            "INSERT INTO projects (id, name, created_at) VALUES ({}, 'legacy', 0)",
            id(project)
        ))
        .await;
    database
        .execute(&format!(
            r#"INSERT INTO subscriptions
                 (id, project_id, name, name_key, url, description, enabled, timeout_seconds,
                  labels, event_types, event_groups, object_type, object_name, object_version,
                  filter, headers, content_type, method, retry, include_result, channel,
                  channel_config, payload_format, rate_limit, secret, created_at, updated_at)
               VALUES ({}, {}, 'orders', 'orders', 'https://example.com/hook', 'old one', FALSE,
                  7, '{{"env":"prod"}}', '["order.*"]', '["sales"]', 'deployment', 'api', NULL,
                  '{{"data.n":{{"$gte":1}}}}',
                  '[{{"key":"Authorization","value":"s3cret","protected":true}}]', 'form',
                  'PUT', FALSE, TRUE, 'http', '{{"verify_certificate":false}}', 'waldur', 5,
                  'whsec_x', 0, 0)"#,
            id(subscription),
            id(project)
        ))
        .await;
    database
        .execute(&format!(
            "INSERT INTO subscription_numbers (subscription_id) VALUES ({})",
            id(subscription)
        ))
        .await;

    // Act: today's Hookhub starts on it (migrating), and is asked for the subscription.
    let app = spawn_app_on(database).await;
    let read = app
        .get_json(&format!(
            "/api/v1/projects/legacy/subscriptions/{subscription}"
        ))
        .await;

    // Assert: every setting came through, the protected value still withheld.
    let expected = json!({
        "name": "orders", "url": "https://example.com/hook", "description": "old one",
        "enabled": false, "timeout_seconds": 7, "labels": {"env": "prod"},
        "event_types": ["order.*"], "event_groups": ["sales"], "object_type": "deployment",
        "object_name": "api", "object_version": null, "filter": {"data.n": {"$gte": 1}},
        "headers": [{"key": "Authorization", "value": null, "protected": true}],
        "content_type": "form", "method": "PUT", "retry": false, "include_result": true,
        "channel": "http", "channel_config": {"verify_certificate": false},
        "payload_format": "waldur", "rate_limit": 5, "unique_name": true,
    });
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(&read[field], value, "{field} after the upgrade: {read}");
    }
}
