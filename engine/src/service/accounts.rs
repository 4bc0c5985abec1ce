//! Users, API tokens and dashboard sessions: creating them and turning a presented secret back
//! into a [`Caller`].

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use chrono::Utc;
use serde_json::json;

use super::{events::parse_cursor, Engine};
use crate::{
    account::{ApiToken, Caller, NewToken, PasswordIn, Role, TokenIn, User, UserIn, UserPatch},
    credentials::{bearer_hash, hash_password, random_bearer, verify_password, TOKEN_PREFIX_LEN},
    directory::Token,
    ids::{ProjectId, TokenId, UserId},
    page::{PageRequest, Paged},
    store::{sessions, tokens, users},
    EngineError,
};

/// API tokens start with this, so they are recognisable (e.g. by secret scanners).
const TOKEN_PREFIX: &str = "hh_";
/// How long a dashboard login lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// A token's last use is recorded at most this often, to spare the database a write per request.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

const BAD_LOGIN: EngineError = EngineError::Unauthenticated("wrong username or password");
const BAD_TOKEN: EngineError = EngineError::Unauthenticated("unknown or revoked API token");
const DISABLED: EngineError = EngineError::Unauthenticated("this account is disabled");

impl Engine {
    /// Creates a user. `creator` is `None` only for the command line, which is trusted.
    pub async fn create_user(
        &self,
        creator: Option<&Caller>,
        input: UserIn,
    ) -> Result<User, EngineError> {
        if let Some(creator) = creator {
            creator.require_installation_admin()?;
        }
        let input = input.validate()?;
        let password = input.password.clone();
        let hash = self.hash_work(move || hash_password(&password)).await?;
        let user = users::insert(&self.store, &input, &hash).await?;
        let actor = creator.map_or("command line", |c| c.username.as_str());
        self.audit(
            actor,
            None,
            "user.created",
            &user.id.to_string(),
            json!({"username": user.username, "is_admin": user.is_admin}),
        )
        .await;
        Ok(user)
    }

    /// Users in username order; installation admins only.
    pub async fn list_users(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<Paged<User>, EngineError> {
        caller.require_installation_admin()?;
        let page = page.validate()?;
        let after: Option<String> = parse_cursor(page.cursor.as_deref())?;
        let data = users::list(&self.store, after.as_deref(), page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |u| {
            u.username.clone()
        }))
    }

    /// Changes a user; installation admins only. Nobody demotes or disables themself (another
    /// administrator must), and the last enabled administrator is never demoted or disabled, so
    /// the installation always keeps someone who can manage it. Disabling ends the user's
    /// sessions and stops their tokens at once, here and in every other process.
    pub async fn update_user(
        &self,
        caller: &Caller,
        id: UserId,
        patch: UserPatch,
    ) -> Result<User, EngineError> {
        caller.require_installation_admin()?;
        let patch = patch.validate()?;
        let user = self.user(id).await?;
        let removes_an_admin = patch.removes_an_admin(&user);
        if removes_an_admin && user.id == caller.user_id {
            return Err(EngineError::Conflict(
                "you cannot demote or disable yourself; another administrator must".into(),
            ));
        }
        if !users::update(&self.store, id, &patch, removes_an_admin).await? {
            return Err(EngineError::Conflict(format!(
                "{:?} is the last enabled administrator: make someone else an administrator first",
                user.username
            )));
        }
        if patch.disabled == Some(true) {
            sessions::delete_for_user(&self.store, id).await?;
        }
        if patch.disabled.is_some() || patch.is_admin.is_some() {
            // Cached tokens carry their user's role and standing: read them again.
            self.bus.tokens_changed();
        }
        self.audit(
            &caller.username,
            None,
            "user.updated",
            &id.to_string(),
            json!({"username": user.username, "change": patch}),
        )
        .await;
        self.user(id).await
    }

    /// Sets a new password an administrator chose (the same rules as at creation), and ends the
    /// user's sessions: whoever logged in with the old one is logged out. Installation admins
    /// only.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        id: UserId,
        input: PasswordIn,
    ) -> Result<(), EngineError> {
        caller.require_installation_admin()?;
        let input = input.validate()?;
        let user = self.user(id).await?;
        let hash = self
            .hash_work(move || hash_password(&input.password))
            .await?;
        if !users::set_password(&self.store, id, &hash).await? {
            return Err(EngineError::NotFound("user"));
        }
        sessions::delete_for_user(&self.store, id).await?;
        self.audit(
            &caller.username,
            None,
            "user.password_reset",
            &id.to_string(),
            json!({"username": user.username}),
        )
        .await;
        Ok(())
    }

    async fn user(&self, id: UserId) -> Result<User, EngineError> {
        users::by_id(&self.store, id)
            .await?
            .ok_or(EngineError::NotFound("user"))
    }

    pub async fn count_users(&self) -> Result<i64, EngineError> {
        users::count(&self.store).await
    }

    /// Checks a password and opens a session; returns the session's secret (the cookie value).
    /// `client` is the address the attempt came from: attempts are throttled per username and
    /// per address (see [`LoginThrottle`](crate::login_throttle::LoginThrottle)).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<String, EngineError> {
        self.logins
            .attempt(username, client, Instant::now())
            .map_err(EngineError::Throttled)?;
        let found = users::with_password(&self.store, username).await?;
        // An unknown user is checked against a stand-in hash, so that timing does not tell
        // which usernames exist.
        let (user, stored) = match found {
            Some((user, stored)) => (Some(user), stored),
            None => (None, self.stand_in_hash().await?),
        };
        let password = password.to_owned();
        let matches = self
            .hash_work(move || Ok(verify_password(&password, &stored)))
            .await?;
        let user = user.filter(|_| matches).ok_or(BAD_LOGIN)?;
        if !user.is_enabled() {
            return Err(DISABLED);
        }
        self.logins.succeeded(username, client);
        let secret = random_bearer("");
        let expires = Utc::now() + SESSION_LIFETIME;
        sessions::insert(&self.store, &bearer_hash(&secret), user.id, expires).await?;
        Ok(secret)
    }

    /// A password hash that matches nothing anyone types, computed once.
    async fn stand_in_hash(&self) -> Result<String, EngineError> {
        self.stand_in
            .get_or_try_init(|| self.hash_work(|| hash_password(&random_bearer(""))))
            .await
            .cloned()
    }

    pub async fn logout(&self, session: &str) -> Result<(), EngineError> {
        sessions::delete(&self.store, &bearer_hash(session)).await
    }

    /// The caller behind a session cookie.
    pub async fn session_caller(&self, session: &str) -> Result<Caller, EngineError> {
        const EXPIRED: EngineError = EngineError::Unauthenticated("not logged in");
        let user_id = sessions::user(&self.store, &bearer_hash(session))
            .await?
            .ok_or(EXPIRED)?;
        let user = users::by_id(&self.store, user_id)
            .await?
            .filter(User::is_enabled)
            .ok_or(EXPIRED)?;
        Ok(Caller::in_person(user))
    }

    /// The caller behind an API token; `username`, when the scheme carries one, must match.
    pub async fn token_caller(
        &self,
        token: &str,
        username: Option<&str>,
    ) -> Result<Caller, EngineError> {
        let hash = bearer_hash(token);
        let known = match self.directory.token(&hash) {
            Some(known) => known,
            None => {
                let read_at = Instant::now();
                let found = tokens::by_hash(&self.store, &hash)
                    .await?
                    .ok_or(BAD_TOKEN)?;
                // A token never exceeds its user: an admin's demotion demotes their tokens.
                let ceiling = if found.is_admin {
                    Role::Admin
                } else {
                    Role::Write
                };
                let known = Token {
                    caller: Caller {
                        user_id: UserId(found.user_id),
                        username: found.username,
                        role: Role::parse(&found.role).unwrap_or(Role::Read).min(ceiling),
                        project: found.project_id.map(ProjectId),
                        token: Some(TokenId(found.id)),
                    },
                    last_used_at: found.last_used_at,
                };
                self.directory.keep_token(&hash, known.clone(), read_at);
                known
            }
        };
        if username.is_some_and(|name| name != known.caller.username) {
            return Err(BAD_TOKEN);
        }
        let now = Utc::now().timestamp_millis();
        if let (Some(id), true) = (
            known.caller.token,
            known
                .last_used_at
                .is_none_or(|at| now - at > LAST_USED_RESOLUTION_MS),
        ) {
            tokens::touch(&self.store, id).await?;
            self.directory.touched(&hash, now);
        }
        Ok(known.caller)
    }

    /// Creates a token for the caller's own user, no stronger than the caller.
    pub async fn create_token(
        &self,
        caller: &Caller,
        input: TokenIn,
    ) -> Result<NewToken, EngineError> {
        let input = input.validate()?;
        // Minting credentials is a change: a reader cannot hand itself fresh tokens.
        caller.require(Role::Write.max(input.role))?;
        let project = match &input.project {
            Some(name) => Some(self.authorize(caller, name, input.role).await?),
            None if caller.project.is_some() => {
                return Err(EngineError::Forbidden(
                    "a token limited to one project cannot create tokens for every project".into(),
                ))
            }
            None => None,
        };
        let secret = random_bearer(TOKEN_PREFIX);
        let prefix: String = secret.chars().take(TOKEN_PREFIX_LEN).collect();
        let id = tokens::insert(
            &self.store,
            tokens::NewRow {
                user: caller.user_id,
                name: &input.name,
                prefix: &prefix,
                hash: &bearer_hash(&secret),
                project,
                role: input.role,
            },
        )
        .await?;
        self.audit(
            &caller.username,
            input.project.as_deref(),
            "token.created",
            &id.to_string(),
            json!({"name": input.name, "role": input.role}),
        )
        .await;
        let token = tokens::get(&self.store, id)
            .await?
            .ok_or(EngineError::NotFound("token"))?;
        Ok(NewToken { token, secret })
    }

    /// The caller's own live tokens, newest first; an admin sees everyone's.
    pub async fn list_tokens(
        &self,
        caller: &Caller,
        page: PageRequest,
    ) -> Result<Paged<ApiToken>, EngineError> {
        let page = page.validate()?;
        let before = parse_cursor(page.cursor.as_deref())?;
        let data = tokens::list(&self.store, reach_of(caller), before, page.limit + 1).await?;
        Ok(Paged::from_overfetch(data, page.limit, |t| {
            t.id.to_string()
        }))
    }

    pub async fn revoke_token(&self, caller: &Caller, id: TokenId) -> Result<(), EngineError> {
        if !tokens::revoke(&self.store, id, reach_of(caller)).await? {
            return Err(EngineError::NotFound("token"));
        }
        self.bus.tokens_changed();
        self.audit(
            &caller.username,
            None,
            "token.revoked",
            &id.to_string(),
            json!({}),
        )
        .await;
        Ok(())
    }

    /// A caller acting as `username` with full rights: for the trusted command line.
    pub async fn local_caller(&self, username: &str) -> Result<Caller, EngineError> {
        let (user, _) = users::with_password(&self.store, username)
            .await?
            .ok_or(EngineError::NotFound("user"))?;
        if !user.is_enabled() {
            return Err(DISABLED);
        }
        Ok(Caller::in_person(user))
    }
}

/// The tokens a caller may see and revoke: an installation admin's reach is everyone's; anyone
/// else's is their own, and a token limited to one project reaches only tokens limited to it
/// (it must not list or revoke its user's wider tokens).
fn reach_of(caller: &Caller) -> tokens::Reach {
    let installation_admin = caller.role == Role::Admin && caller.project.is_none();
    tokens::Reach {
        user: (!installation_admin).then_some(caller.user_id),
        project: caller.project,
    }
}

impl Engine {
    /// Runs password hashing off the async worker threads, a bounded number at once.
    async fn hash_work<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
    ) -> Result<T, EngineError> {
        let _permit = self
            .hashing
            .acquire()
            .await
            .map_err(|e| EngineError::internal_from("hashing", e))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| EngineError::internal_from("blocking task", e))?
    }
}
