//! The engine's one error type, and the wire shape every adapter turns it into.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Validation messages keyed by field name (dotted for nested fields, e.g. `labels.env`).
///
/// One message per field: the first problem found is the one a person needs to fix first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Records `message` for `field` unless that field already has one.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The same messages under the names a dialect uses for the engine's fields, e.g.
    /// `("timeout_seconds", "timeout")`; a nested field follows its parent.
    pub fn renamed(self, names: &[(&str, &str)]) -> FieldErrors {
        let rename = |field: String| {
            for (ours, theirs) in names {
                if field == *ours {
                    return (*theirs).to_owned();
                }
                if let Some(rest) = field.strip_prefix(&format!("{ours}.")) {
                    return format!("{theirs}.{rest}");
                }
            }
            field
        };
        FieldErrors(self.0.into_iter().map(|(f, m)| (rename(f), m)).collect())
    }

    /// Records an error for every text in `input` — a value or an object key, at any depth — that
    /// holds a NUL character, under its dotted path after `prefix`. No database keeps one
    /// (PostgreSQL refuses it in text and JSON alike), and no name or payload needs one, so it is
    /// refused at the door rather than failing a write later.
    pub fn refuse_nul(&mut self, prefix: &str, input: &impl Serialize) {
        fn walk(errors: &mut FieldErrors, path: String, value: &serde_json::Value) {
            const MESSAGE: &str = "must not contain NUL characters (\\u0000)";
            let child = |key: &str| match path.as_str() {
                "" => key.to_owned(),
                _ => format!("{path}.{key}"),
            };
            match value {
                serde_json::Value::String(text) if text.contains('\0') => {
                    errors.add(if path.is_empty() { "body".into() } else { path }, MESSAGE)
                }
                serde_json::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .for_each(|(i, item)| walk(errors, child(&i.to_string()), item)),
                serde_json::Value::Object(fields) => {
                    for (key, item) in fields {
                        if key.contains('\0') {
                            errors.add(child(&key.replace('\0', "\\u0000")), MESSAGE);
                        } else {
                            walk(errors, child(key), item);
                        }
                    }
                }
                _ => {}
            }
        }
        if let Ok(value) = serde_json::to_value(input) {
            walk(self, prefix.trim_end_matches('.').to_owned(), &value);
        }
    }

    /// `Ok(value)` when nothing was recorded, otherwise the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Everything an engine operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The named kind of thing does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller did not prove who they are (no, unknown or revoked credentials).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The caller is known but their role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// The request contradicts what is stored, e.g. a duplicate name.
    #[error("{0}")]
    Conflict(String),
    /// The input broke one or more rules; nothing was written.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Too many attempts (e.g. wrong passwords); the caller may try again after this long.
    #[error("too many attempts; try again in {} s", .0.as_secs_f64().ceil().max(1.0))]
    Throttled(std::time::Duration),
    /// An endpoint did not accept a ping; the text says what happened.
    #[error("the endpoint did not accept the ping: {0}")]
    Unreachable(String),
    /// The database cannot be reached right now (the connection or the pool failed): a retry
    /// later may succeed. The text is logged, never shown to callers.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database has no schema, or an older one than this binary's (the text says which):
    /// only migrating brings it up to date, which only `hookhub migrate` and `hookhub serve` do.
    #[error("the database is not migrated: {0}")]
    NotMigrated(String),
    /// A fault of ours (database, I/O, a task that died): what failed, and the error that made
    /// it fail when there is one. Logged with its whole chain (see [`chain`]), never shown to
    /// callers.
    #[error("internal error: {what}")]
    Internal {
        what: String,
        #[source]
        cause: Option<BoxError>,
    },
}

/// Any error, as the cause of an [`EngineError::Internal`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl EngineError {
    /// A fault of ours with no other error behind it (a broken expectation).
    pub fn internal(what: impl Into<String>) -> Self {
        EngineError::Internal {
            what: what.into(),
            cause: None,
        }
    }

    /// A fault of ours that `cause` explains: `what` says what failed.
    pub fn internal_from(what: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        EngineError::Internal {
            what: what.into(),
            cause: Some(cause.into()),
        }
    }

    /// Whether this is the installation's fault rather than the caller's: logged (with
    /// [`chain`]) where it is answered, and answered without its details.
    pub fn is_fault(&self) -> bool {
        matches!(
            self,
            EngineError::Unavailable(_)
                | EngineError::NotMigrated(_)
                | EngineError::Internal { .. }
        )
    }

    /// A stable, machine-readable code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::NotFound(_) => "not_found",
            EngineError::Unauthenticated(_) => "unauthenticated",
            EngineError::Forbidden(_) => "forbidden",
            EngineError::Conflict(_) => "conflict",
            EngineError::Invalid(_) => "validation_failed",
            EngineError::Throttled(_) => "rate_limited",
            EngineError::Unreachable(_) => "endpoint_unreachable",
            EngineError::Unavailable(_) | EngineError::NotMigrated(_) => "unavailable",
            EngineError::Internal { .. } => "internal",
        }
    }

    /// The HTTP status every adapter answers this error with.
    pub fn http_status(&self) -> u16 {
        match self {
            EngineError::NotFound(_) => 404,
            EngineError::Unauthenticated(_) => 401,
            EngineError::Forbidden(_) => 403,
            EngineError::Conflict(_) => 409,
            EngineError::Invalid(_) => 422,
            EngineError::Throttled(_) => 429,
            EngineError::Unreachable(_) => 400,
            EngineError::Unavailable(_) | EngineError::NotMigrated(_) => 503,
            EngineError::Internal { .. } => 500,
        }
    }
}

impl EngineError {
    /// Whole seconds a throttled caller must wait (`Retry-After`), at least one.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            EngineError::Throttled(wait) => Some(wait.as_secs_f64().ceil().max(1.0) as u64),
            _ => None,
        }
    }
}

/// `error` and every error behind it, `: `-separated: how failures are logged, since what a
/// caller is told ([`ErrorBody`]) says nothing of an internal one.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_characters_are_refused_wherever_they_hide() {
        let mut errors = FieldErrors::default();
        errors.refuse_nul(
            "events.2.",
            &json!({"type": "a", "data": {"list": ["ok", "b\u{0}d"], "k\u{0}": 1}, "message": "x\u{0}"}),
        );
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "events.2.data.k\\u0000",
                "events.2.data.list.1",
                "events.2.message"
            ]
        );
        let mut clean = FieldErrors::default();
        clean.refuse_nul("", &json!({"a": ["b", {"c": "d"}]}));
        assert!(clean.is_empty());
    }

    #[test]
    fn an_internal_error_keeps_its_cause_for_the_log_and_tells_callers_nothing() {
        let cause = std::io::Error::other("/var/lib/hookhub is read-only");
        let error = EngineError::internal_from("cannot create the database's folder", cause);
        let source = std::error::Error::source(&error).expect("the cause is kept");
        assert_eq!(source.to_string(), "/var/lib/hookhub is read-only");
        assert_eq!(
            chain(&error),
            "internal error: cannot create the database's folder: /var/lib/hookhub is read-only"
        );
        let body = serde_json::to_string(&ErrorBody::from(&error)).unwrap();
        assert_eq!(
            body,
            r#"{"code":"internal","detail":"internal server error","fields":{}}"#
        );
    }
}

impl From<FieldErrors> for EngineError {
    fn from(errors: FieldErrors) -> Self {
        EngineError::Invalid(errors)
    }
}

#[cfg(feature = "server")]
impl From<sqlx::Error> for EngineError {
    fn from(error: sqlx::Error) -> Self {
        use sqlx::Error::*;
        match error {
            PoolTimedOut | PoolClosed | Io(_) | Tls(_) | Protocol(_) | WorkerCrashed => {
                EngineError::Unavailable(error.to_string())
            }
            other => EngineError::internal_from("database", other),
        }
    }
}

#[cfg(feature = "server")]
impl From<sqlx::migrate::MigrateError> for EngineError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        EngineError::internal_from("migrating the database", error)
    }
}

/// The JSON body of every error response: `{"code", "detail", "fields"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub detail: String,
    #[serde(default)]
    pub fields: FieldErrors,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, detail: impl Into<String>) -> Self {
        ErrorBody {
            code: code.into(),
            detail: detail.into(),
            fields: FieldErrors::default(),
        }
    }
}

impl From<&EngineError> for ErrorBody {
    fn from(error: &EngineError) -> Self {
        let detail = match error {
            // Internals stay in the log; callers get an opaque message.
            EngineError::Internal { .. } => "internal server error".to_owned(),
            EngineError::Unavailable(_) | EngineError::NotMigrated(_) => {
                "the database is unavailable; try again".to_owned()
            }
            EngineError::Invalid(_) => "the request has invalid fields".to_owned(),
            other => other.to_string(),
        };
        let fields = match error {
            EngineError::Invalid(fields) => fields.clone(),
            _ => FieldErrors::default(),
        };
        ErrorBody {
            code: error.code().to_owned(),
            detail,
            fields,
        }
    }
}
