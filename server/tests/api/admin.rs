//! User administration and the audit log: changing a user's role, disabling and enabling them,
//! setting their password, and the rules that keep an installation manageable (nobody demotes
//! or disables themself; the last enabled administrator stays), each through the real API.

use app::{api::projects::CreateProject, auth::Whoami};
use engine::{
    account::{Caller, Role, UserPatch},
    ids::UserId,
    EngineError,
};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use crate::helpers::{client_with_token, expect_error, spawn_app, TestApp, ADMIN, ADMIN_PASSWORD};

const NEW_PASSWORD: &str = "a brand new passphrase";

impl TestApp {
    /// The id of the user called `username`.
    async fn user_id(&self, username: &str) -> String {
        let users = self.get_json("/api/v1/users?limit=250").await;
        let user = users["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .unwrap_or_else(|| panic!("no user {username}"));
        user["id"].as_str().unwrap().to_owned()
    }

    async fn patch_user(
        &self,
        client: &reqwest::Client,
        id: &str,
        body: Value,
    ) -> reqwest::Response {
        client
            .patch(self.url(&format!("/api/v1/users/{id}")))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Logs in without following redirects or asking for HTML: the status and the error body.
    async fn try_login(&self, username: &str, password: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(self.url("/_hookhub/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Who the session cookie `session` logs in as, if anyone.
    async fn whoami(&self, session: &str) -> Value {
        reqwest::Client::new()
            .post(self.url(Whoami::PATH))
            .header("cookie", session)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The audit log's actions for `query`, newest first.
    async fn audit_actions(&self, query: &str) -> Vec<String> {
        let log = self.get_json(&format!("/api/v1/audit{query}")).await;
        log["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// A user "ops" (a member) with a write token; returns the token and the user's id.
async fn member(app: &TestApp) -> (String, String) {
    let token = app.user_with_token("ops", None, "write").await;
    (token, app.user_id("ops").await)
}

#[tokio::test]
async fn an_administrator_changes_a_role_and_the_audit_log_says_so() {
    let app = spawn_app().await;
    let (token, id) = member(&app).await;
    let ops = client_with_token(&token);
    assert_eq!(
        ops.get(app.url("/api/v1/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let promoted = app
        .patch_user(
            &app.client,
            &id,
            json!({"is_admin": true, "full_name": "Ops"}),
        )
        .await;
    assert_eq!(promoted.status(), 200);
    let promoted: Value = promoted.json().await.unwrap();
    assert_eq!(promoted["is_admin"], true);
    assert_eq!(promoted["full_name"], "Ops");
    assert_eq!(promoted["disabled_at"], Value::Null);
    // The token now reaches as far as its own role (write) and no further than its user's.
    assert_eq!(
        ops.get(app.url("/api/v1/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let demoted = app
        .patch_user(&app.client, &id, json!({"is_admin": false}))
        .await;
    assert_eq!(demoted.status(), 200);
    assert_eq!(demoted.json::<Value>().await.unwrap()["is_admin"], false);

    assert_eq!(
        app.audit_actions("?action=user&actor=admin").await,
        ["user.updated", "user.updated", "user.created"]
    );
    let log = app
        .get_json("/api/v1/audit?action=user.updated&limit=1")
        .await;
    let entry = &log["data"][0];
    assert_eq!(entry["actor"], ADMIN);
    assert_eq!(entry["target_id"], id.as_str());
    assert_eq!(entry["detail"]["username"], "ops");
    assert_eq!(entry["detail"]["change"]["is_admin"], false);
    assert!(log["next_cursor"].is_string());
    assert!(app.audit_actions("?actor=nobody").await.is_empty());
}

#[tokio::test]
async fn nobody_demotes_or_disables_themself() {
    let app = spawn_app().await;
    let me = app.user_id(ADMIN).await;
    for change in [json!({"is_admin": false}), json!({"disabled": true})] {
        let refused = app.patch_user(&app.client, &me, change).await;
        let body = expect_error(refused, 409, "conflict").await;
        assert!(
            body["detail"].as_str().unwrap().contains("yourself"),
            "{body}"
        );
    }
    // Changing what does not take administration away is fine.
    let renamed = app
        .patch_user(
            &app.client,
            &me,
            json!({"full_name": "The Admin", "is_admin": true}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let users = app.get_json("/api/v1/users").await;
    assert_eq!(users["data"][0]["is_admin"], true);
}

#[tokio::test]
async fn the_last_enabled_administrator_is_never_demoted_or_disabled() {
    let app = spawn_app().await;
    let (_, ops) = member(&app).await;
    let admin = app.user_id(ADMIN).await;
    // An administrator's credentials read before they were demoted (as a cached token is, for
    // a moment, in another process): the engine still keeps the only remaining administrator.
    let stale = Caller {
        user_id: ops.parse::<UserId>().unwrap(),
        username: "ops".into(),
        role: Role::Admin,
        project: None,
        token: None,
    };
    let admin_id: UserId = admin.parse().unwrap();
    for patch in [
        UserPatch {
            is_admin: Some(false),
            ..Default::default()
        },
        UserPatch {
            disabled: Some(true),
            ..Default::default()
        },
    ] {
        let refused = app.engine.update_user(&stale, admin_id, patch).await;
        match refused {
            Err(EngineError::Conflict(message)) => {
                assert!(message.contains("last enabled administrator"), "{message}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }
    let users = app.get_json("/api/v1/users").await;
    assert!(users["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == ADMIN && u["is_admin"] == true && u["disabled_at"].is_null()));
}

#[tokio::test]
async fn two_administrators_demoting_each_other_leave_one() {
    let app = spawn_app().await;
    let (token, ops) = member(&app).await;
    let admin = app.user_id(ADMIN).await;
    let promoted = app
        .patch_user(&app.client, &ops, json!({"is_admin": true}))
        .await;
    assert_eq!(promoted.status(), 200);
    let other = client_with_token(&token);
    for _ in 0..5 {
        let (first, second) = tokio::join!(
            app.patch_user(&app.client, &ops, json!({"is_admin": false})),
            app.patch_user(&other, &admin, json!({"is_admin": false})),
        );
        let statuses = [first.status().as_u16(), second.status().as_u16()];
        assert!(
            statuses.iter().all(|s| [200, 403, 409].contains(s)),
            "{statuses:?}"
        );
        let users = app.get_json("/api/v1/users").await;
        let admins = users["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["is_admin"] == true)
            .count();
        assert_eq!(admins, 1, "{statuses:?}: {users}");
        // Both administrators again for the next round, by whichever one is left.
        let left = users["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["is_admin"] == true)
            .unwrap()["username"]
            .clone();
        let (by, whom) = if left == ADMIN {
            (&app.client, &ops)
        } else {
            (&other, &admin)
        };
        let restored = app.patch_user(by, whom, json!({"is_admin": true})).await;
        assert_eq!(restored.status(), 200);
    }
}

#[tokio::test]
async fn a_disabled_user_is_refused_at_once_until_enabled_again() {
    let app = spawn_app().await;
    let (token, id) = member(&app).await;
    let ops = client_with_token(&token);
    let projects = app.url("/api/v1/projects");
    // Used once, so the token is known (cached) when the user is disabled.
    assert_eq!(ops.get(&projects).send().await.unwrap().status(), 200);
    let session = app.login("ops", ADMIN_PASSWORD).await;
    assert_eq!(app.whoami(&session).await, "ops");

    let disabled = app
        .patch_user(&app.client, &id, json!({"disabled": true}))
        .await;
    assert_eq!(disabled.status(), 200);
    assert!(disabled.json::<Value>().await.unwrap()["disabled_at"].is_string());

    expect_error(
        ops.get(&projects).send().await.unwrap(),
        401,
        "unauthenticated",
    )
    .await;
    assert_eq!(app.whoami(&session).await, Value::Null);
    let (status, body) = app.try_login("ops", ADMIN_PASSWORD).await;
    assert_eq!(status, 401);
    assert!(body.to_string().contains("disabled"), "{body}");
    // A wrong password for a disabled user says only that it is wrong.
    let (status, body) = app.try_login("ops", "not the password").await;
    assert_eq!(status, 401);
    assert!(!body.to_string().contains("disabled"), "{body}");

    let enabled = app
        .patch_user(&app.client, &id, json!({"disabled": false}))
        .await;
    assert_eq!(enabled.status(), 200);
    assert_eq!(
        enabled.json::<Value>().await.unwrap()["disabled_at"],
        Value::Null
    );
    assert_eq!(ops.get(&projects).send().await.unwrap().status(), 200);
    // The old session stays ended; a new login works.
    assert_eq!(app.whoami(&session).await, Value::Null);
    let session = app.login("ops", ADMIN_PASSWORD).await;
    assert_eq!(app.whoami(&session).await, "ops");
    assert_eq!(
        app.audit_actions("?action=user.updated").await,
        ["user.updated", "user.updated"]
    );
}

#[tokio::test]
async fn a_password_set_by_an_administrator_replaces_the_old_one() {
    let app = spawn_app().await;
    let (_, id) = member(&app).await;
    let session = app.login("ops", ADMIN_PASSWORD).await;
    let path = format!("/api/v1/users/{id}/password");

    let short = app.post_json(&path, json!({"password": "short"})).await;
    let body = expect_error(short, 422, "validation_failed").await;
    assert!(body["fields"]["password"].is_string(), "{body}");
    let stray = app
        .post_json(&path, json!({"password": NEW_PASSWORD, "notify": true}))
        .await;
    let body = expect_error(stray, 422, "validation_failed").await;
    assert!(body["fields"]["notify"].is_string(), "{body}");

    let set = app
        .post_json(&path, json!({"password": NEW_PASSWORD}))
        .await;
    assert_eq!(set.status(), 204);
    assert_eq!(app.whoami(&session).await, Value::Null);
    assert_eq!(app.try_login("ops", ADMIN_PASSWORD).await.0, 401);
    let session = app.login("ops", NEW_PASSWORD).await;
    assert_eq!(app.whoami(&session).await, "ops");
    assert_eq!(
        app.audit_actions("?action=user.password_reset").await,
        ["user.password_reset"]
    );
}

#[tokio::test]
async fn only_installation_administrators_manage_users_and_read_everything_audited() {
    let app = spawn_app().await;
    let (token, ops) = member(&app).await;
    let writer = client_with_token(&token);
    let admin = app.user_id(ADMIN).await;
    let refused = app
        .patch_user(&writer, &admin, json!({"disabled": true}))
        .await;
    expect_error(refused, 403, "forbidden").await;
    let refused = app
        .patch_user(&writer, &ops, json!({"is_admin": true}))
        .await;
    expect_error(refused, 403, "forbidden").await;
    let refused = writer
        .post(app.url(&format!("/api/v1/users/{admin}/password")))
        .json(&json!({"password": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_error(refused, 403, "forbidden").await;
    let refused = writer.get(app.url("/api/v1/audit")).send().await.unwrap();
    expect_error(refused, 403, "forbidden").await;

    // An administrator whose token reaches one project: no users, and only that project's log.
    let created = app
        .post_json("/api/v1/projects", json!({"name": "other"}))
        .await;
    assert_eq!(created.status(), 201);
    let scoped_token = app.user_with_token("lead", Some("default"), "write").await;
    let lead = app.user_id("lead").await;
    let promoted = app
        .patch_user(&app.client, &lead, json!({"is_admin": true}))
        .await;
    assert_eq!(promoted.status(), 200);
    let caller = app.engine.local_caller("lead").await.unwrap();
    let input = engine::account::TokenIn {
        name: "lead admin".into(),
        project: Some("default".into()),
        role: Role::Admin,
    };
    let scoped_admin = app
        .engine
        .create_token(&caller, input)
        .await
        .unwrap()
        .secret;
    let scoped = client_with_token(&scoped_admin);
    let refused = app
        .patch_user(&scoped, &ops, json!({"disabled": true}))
        .await;
    expect_error(refused, 403, "forbidden").await;
    app.create_subscription(json!({"name": "seen", "url": "https://example.com/a"}))
        .await;
    let log: Value = scoped
        .get(app.url("/api/v1/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let projects: Vec<&Value> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["project"])
        .collect();
    assert!(!projects.is_empty());
    assert!(projects.iter().all(|p| *p == "default"), "{log}");
    let hidden = scoped
        .get(app.url("/api/v1/audit?project=other"))
        .send()
        .await
        .unwrap();
    expect_error(hidden, 404, "not_found").await;
    // The write token of the same user is still no administrator's.
    let refused = client_with_token(&scoped_token)
        .get(app.url("/api/v1/audit"))
        .send()
        .await
        .unwrap();
    expect_error(refused, 403, "forbidden").await;
    // The installation's administrator filters by project.
    assert_eq!(
        app.audit_actions("?project=other").await,
        ["project.created"]
    );
}

#[tokio::test]
async fn bad_changes_are_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let (_, id) = member(&app).await;
    for (body, field) in [
        (json!({"role": "admin"}), "role"),
        (json!({"is_admin": "yes"}), "is_admin"),
        (json!({"disabled": 1}), "disabled"),
        (json!({"email": "not-an-address"}), "email"),
        (json!({"full_name": "x".repeat(1001)}), "full_name"),
        (json!({"full_name": "nul\u{0}"}), "full_name"),
        (json!("a string"), "body"),
    ] {
        let refused = app.patch_user(&app.client, &id, body.clone()).await;
        let error = expect_error(refused, 422, "validation_failed").await;
        assert!(error["fields"][field].is_string(), "{body}: {error}");
    }
    let nobody = app
        .patch_user(
            &app.client,
            &UserId::generate().to_string(),
            json!({"is_admin": true}),
        )
        .await;
    expect_error(nobody, 404, "not_found").await;
    let nobody = app
        .post_json(
            &format!("/api/v1/users/{}/password", UserId::generate()),
            json!({"password": NEW_PASSWORD}),
        )
        .await;
    expect_error(nobody, 404, "not_found").await;
    // An id that is not even one names nobody, like the API's other ids.
    let malformed = app.patch_user(&app.client, "not-a-uuid", json!({})).await;
    expect_error(malformed, 404, "not_found").await;
    for query in [
        "?limit=0",
        "?limit=251",
        &format!("?action={}", "a".repeat(65)),
    ] {
        let refused = app
            .client
            .get(app.url(&format!("/api/v1/audit{query}")))
            .send()
            .await
            .unwrap();
        expect_error(refused, 422, "validation_failed").await;
    }
    // Nothing refused was recorded.
    assert!(app.audit_actions("?action=user.updated").await.is_empty());
}

#[tokio::test]
async fn the_dashboard_creates_projects_for_administrators_only() {
    let app = spawn_app().await;
    member(&app).await;
    let create = |session: String, name: &'static str| {
        let url = app.url(CreateProject::PATH);
        async move {
            reqwest::Client::new()
                .post(url)
                .header("cookie", session)
                .form(&[("name", name), ("description", "from the dashboard")])
                .send()
                .await
                .unwrap()
        }
    };
    let admin = app.login(ADMIN, ADMIN_PASSWORD).await;
    let created = create(admin.clone(), "team-a").await;
    assert_eq!(created.status(), 200);
    let project = app.get_json("/api/v1/projects/team-a").await;
    assert_eq!(project["description"], "from the dashboard");
    let invalid = create(admin, "Team A").await;
    assert_eq!(invalid.status(), 422);
    let ops = app.login("ops", ADMIN_PASSWORD).await;
    let refused = create(ops, "team-b").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.audit_actions("?action=project").await,
        ["project.created"]
    );
}
