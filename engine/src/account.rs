//! Accounts: projects, users, API tokens, roles, the caller of a request and the audit log.
//!
//! Plain data and validation, shared with the browser build; storing and checking credentials
//! is the `server` feature's job (`service::accounts`, `service::access`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ids::{ProjectId, TokenId, UserId},
    EngineError, FieldErrors,
};

pub const MAX_NAME_LEN: usize = 64;
pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 1024;
const MAX_TEXT_LEN: usize = 1000;

/// What a caller may do; each role includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read everything in scope.
    Read,
    /// Also create, change and delete subscriptions, send events, replay.
    Write,
    /// Also manage projects, users, everyone's tokens and read the audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The address a request came from, as the server determined it (the peer, or what a proxy it
/// trusts reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// Who is making a request: a user, through a token (with its scope and role) or a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    /// A token limited to one project; `None` reaches every project.
    pub project: Option<ProjectId>,
    /// The token used, when the caller came with one (for per-token rate limits).
    pub token: Option<TokenId>,
}

impl Caller {
    /// The user acting in person (a dashboard session, the command line): their full role, every
    /// project.
    pub fn in_person(user: User) -> Caller {
        Caller {
            user_id: user.id,
            role: user.role(),
            username: user.username,
            project: None,
            token: None,
        }
    }

    /// `Forbidden` unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), EngineError> {
        if self.role >= needed {
            Ok(())
        } else {
            Err(EngineError::Forbidden(format!(
                "this needs the {} role; the credentials used have {}",
                needed.as_str(),
                self.role.as_str()
            )))
        }
    }

    /// `Forbidden` unless the caller administers the whole installation: the admin role with
    /// credentials that reach every project. Users, other people's tokens and the installation's
    /// audit log are beyond any project, so a token limited to one project never manages them,
    /// whatever its role.
    pub fn require_installation_admin(&self) -> Result<(), EngineError> {
        self.require(Role::Admin)?;
        match self.project {
            None => Ok(()),
            Some(_) => Err(EngineError::Forbidden(
                "credentials limited to one project cannot manage the installation".into(),
            )),
        }
    }

    /// Whether the caller may see the project `id` at all.
    pub fn reaches(&self, id: ProjectId) -> bool {
        self.project.is_none_or(|scope| scope == id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub description: String,
    /// Ingest refuses (422) events of types its event catalogue does not declare, and events
    /// whose data fails their type's schema; otherwise they are accepted with `schema_errors`.
    pub strict: bool,
    pub created_at: DateTime<Utc>,
}

/// A new project; its name is what URLs use, so it is a slug.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProjectIn {
    pub name: String,
    pub description: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProjectPatch {
    pub description: Option<String>,
    /// See [`Project::strict`].
    pub strict: Option<bool>,
}

impl ProjectIn {
    pub fn validate(self) -> Result<ProjectIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        check_slug(&mut errors, "name", &self.name);
        check_text(&mut errors, "description", &self.description);
        errors.into_result(self)
    }
}

impl ProjectPatch {
    pub fn validate(self) -> Result<ProjectPatch, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        if let Some(description) = &self.description {
            check_text(&mut errors, "description", description);
        }
        errors.into_result(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
    /// When an administrator disabled the user; `None` while they may log in.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn is_enabled(&self) -> bool {
        self.disabled_at.is_none()
    }

    /// A dashboard session acts with the user's full role.
    pub fn role(&self) -> Role {
        if self.is_admin {
            Role::Admin
        } else {
            Role::Write
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UserIn {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub is_admin: bool,
}

impl UserIn {
    pub fn validate(self) -> Result<UserIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        if self.username.is_empty() || self.username.len() > MAX_NAME_LEN {
            errors.add(
                "username",
                format!("must be 1 to {MAX_NAME_LEN} characters"),
            );
        } else if !self
            .username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
        {
            errors.add("username", "may contain only letters, digits and . _ @ -");
        }
        check_text(&mut errors, "full_name", &self.full_name);
        if !self.email.is_empty() && !is_email(&self.email) {
            errors.add("email", "is not an email address");
        }
        check_password(&mut errors, &self.password);
        errors.into_result(self)
    }
}

/// An administrator's change to a user, as a JSON merge patch: only the fields present change.
/// Serialized (for the audit log) with only the fields it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UserPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Administrator (`true`) or member (`false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    /// `true` disables the user (their sessions end and their tokens stop working at once);
    /// `false` enables them again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

impl UserPatch {
    pub fn validate(self) -> Result<UserPatch, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        if let Some(full_name) = &self.full_name {
            check_text(&mut errors, "full_name", full_name);
        }
        if let Some(email) = self.email.as_deref().filter(|e| !e.is_empty()) {
            if !is_email(email) {
                errors.add("email", "is not an email address");
            }
        }
        errors.into_result(self)
    }

    /// Whether the change takes administration away from a user who has it now: demoting or
    /// disabling an enabled administrator.
    pub fn removes_an_admin(&self, user: &User) -> bool {
        let admin_now = user.is_admin && user.is_enabled();
        let admin_after =
            self.is_admin.unwrap_or(user.is_admin) && !self.disabled.unwrap_or(!user.is_enabled());
        admin_now && !admin_after
    }
}

/// A new password an administrator sets for a user; the same rules as when a user is created.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordIn {
    pub password: String,
}

impl PasswordIn {
    pub fn validate(self) -> Result<PasswordIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        check_password(&mut errors, &self.password);
        errors.into_result(self)
    }
}

/// A request for a new API token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenIn {
    pub name: String,
    /// The one project the token may touch; absent for every project.
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default = "default_token_role")]
    pub role: Role,
}

fn default_token_role() -> Role {
    Role::Write
}

impl TokenIn {
    /// From a form's text fields: a blank project is every project.
    pub fn from_form(name: String, project: String, role: &str) -> Result<TokenIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        let role = Role::parse(role).unwrap_or_else(|| {
            errors.add("role", "must be read, write or admin");
            Role::Read
        });
        let project = Some(project.trim().to_owned()).filter(|p| !p.is_empty());
        errors.into_result(TokenIn {
            name,
            project,
            role,
        })
    }

    pub fn validate(self) -> Result<TokenIn, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        if self.name.trim().is_empty() || self.name.len() > MAX_NAME_LEN {
            errors.add("name", format!("must be 1 to {MAX_NAME_LEN} characters"));
        }
        errors.into_result(self)
    }
}

/// An API token as listed: never the token itself, only its first characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub prefix: String,
    pub username: String,
    pub project: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just created: the only time its secret value is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub secret: String,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: uuid::Uuid,
    pub project: Option<String>,
    pub actor: String,
    pub action: String,
    pub target_id: String,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Which audit entries to list; each criterion is optional, and blank counts as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct AuditFilter {
    /// Only entries about this project (by name).
    pub project: Option<String>,
    /// Only this action (`user.updated`), or every action on a kind of object (`user`).
    pub action: Option<String>,
    /// Only what this user did (by username).
    pub actor: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: crate::page::PageRequest,
}

impl AuditFilter {
    pub fn validate(self) -> Result<AuditFilter, FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.refuse_nul("", &self);
        let mut criterion = |field: &str, value: Option<String>| {
            let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            if value
                .as_ref()
                .is_some_and(|v| v.chars().count() > MAX_NAME_LEN)
            {
                errors.add(field, format!("must be at most {MAX_NAME_LEN} characters"));
            }
            value
        };
        let filter = AuditFilter {
            project: criterion("project", self.project),
            action: criterion("action", self.action),
            actor: criterion("actor", self.actor),
            page: self.page,
        };
        errors.into_result(filter)
    }
}

/// Where the browser may go after logging in: `next` when it is a path on this site, else `/`.
///
/// Browsers read `//host`, `/\host` and such paths with tabs or line breaks removed as another
/// site, so a path must start with one `/`, and hold no backslash, whitespace or control
/// character at all.
pub fn local_return_path(next: Option<&str>) -> &str {
    next.filter(|path| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    })
    .unwrap_or("/")
}

fn check_slug(errors: &mut FieldErrors, field: &str, value: &str) {
    let valid_start = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if value.is_empty() || value.len() > MAX_NAME_LEN {
        errors.add(field, format!("must be 1 to {MAX_NAME_LEN} characters"));
    } else if !valid_start
        || !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        errors.add(
            field,
            "must start with a lowercase letter or digit and contain only a-z, 0-9, - and _",
        );
    }
}

fn check_password(errors: &mut FieldErrors, password: &str) {
    let length = password.chars().count();
    if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&length) {
        errors.add(
            "password",
            format!("must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters"),
        );
    }
}

pub(crate) fn check_text(errors: &mut FieldErrors, field: &str, value: &str) {
    if value.chars().count() > MAX_TEXT_LEN {
        errors.add(field, format!("must be at most {MAX_TEXT_LEN} characters"));
    }
}

fn is_email(value: &str) -> bool {
    value.len() <= 254
        && value
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !value.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_what_they_allow() {
        assert!(Role::Admin > Role::Write && Role::Write > Role::Read);
        let reader = Caller {
            user_id: UserId::generate(),
            username: "r".into(),
            role: Role::Read,
            project: None,
            token: None,
        };
        assert!(reader.require(Role::Read).is_ok());
        assert!(matches!(
            reader.require(Role::Write),
            Err(EngineError::Forbidden(_))
        ));
    }

    #[test]
    fn logins_return_only_to_paths_on_this_site() {
        for local in ["/", "/projects/default?tab=x", "/a/b#c"] {
            assert_eq!(local_return_path(Some(local)), local);
        }
        for elsewhere in [
            "//evil.example",
            "/\\evil.example",
            "/\tevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil.example",
            "/x\\y",
            "",
        ] {
            assert_eq!(local_return_path(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(local_return_path(None), "/");
    }

    #[test]
    fn project_names_are_slugs() {
        for good in ["default", "team-a", "a_1", "9lives"] {
            let input = ProjectIn {
                name: good.into(),
                ..Default::default()
            };
            assert!(input.validate().is_ok(), "{good}");
        }
        for bad in ["", "Team", "-x", "a b", "é", &"a".repeat(65)] {
            let input = ProjectIn {
                name: bad.into(),
                ..Default::default()
            };
            let errors = input.validate().unwrap_err();
            assert!(errors.get("name").is_some(), "{bad:?}");
        }
    }

    #[test]
    fn users_need_a_username_a_long_enough_password_and_a_real_email() {
        let errors = UserIn {
            username: "a b".into(),
            email: "nope".into(),
            password: "short".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("username").is_some());
        assert!(errors.get("email").is_some());
        assert!(errors.get("password").is_some());
        let valid = UserIn {
            username: "ada.l@x-y_z".into(),
            email: "ada@example.com".into(),
            password: "correct horse".into(),
            ..Default::default()
        };
        assert!(valid.validate().is_ok());
    }

    fn user(is_admin: bool, disabled: bool) -> User {
        User {
            id: UserId::generate(),
            username: "u".into(),
            full_name: String::new(),
            email: String::new(),
            is_admin,
            created_at: Utc::now(),
            disabled_at: disabled.then(Utc::now),
        }
    }

    #[test]
    fn a_patch_removes_an_admin_only_when_an_enabled_admin_loses_the_role_or_is_disabled() {
        let patch = |is_admin, disabled| UserPatch {
            is_admin,
            disabled,
            ..Default::default()
        };
        let admin = user(true, false);
        assert!(patch(Some(false), None).removes_an_admin(&admin));
        assert!(patch(None, Some(true)).removes_an_admin(&admin));
        assert!(!patch(Some(true), Some(false)).removes_an_admin(&admin));
        assert!(!patch(None, None).removes_an_admin(&admin));
        for someone in [user(false, false), user(true, true), user(false, true)] {
            assert!(!patch(Some(false), Some(true)).removes_an_admin(&someone));
        }
    }

    #[test]
    fn passwords_set_by_an_admin_follow_the_rules_of_creation() {
        let short = PasswordIn {
            password: "short".into(),
        };
        assert!(short.validate().unwrap_err().get("password").is_some());
        let long = PasswordIn {
            password: "x".repeat(MAX_PASSWORD_LEN + 1),
        };
        assert!(long.validate().is_err());
        let fine = PasswordIn {
            password: "correct horse".into(),
        };
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn audit_filters_treat_blank_as_absent_and_bound_their_length() {
        let filter = AuditFilter {
            project: Some("  ".into()),
            action: Some(" user ".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(filter.project, None);
        assert_eq!(filter.action.as_deref(), Some("user"));
        let long = AuditFilter {
            actor: Some("a".repeat(MAX_NAME_LEN + 1)),
            ..Default::default()
        };
        assert!(long.validate().unwrap_err().get("actor").is_some());
    }
}
