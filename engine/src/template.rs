//! Body templates: text with `{{ … }}` placeholders filled from the event, for receivers that
//! expect a body of their own making (Wazo's `config.body`). A placeholder names a value and may
//! reach into it: `{{ event_name }}`, `{{ event.user.id }}`, `{{ event['user-id'] }}`,
//! `{{ event.items[0] }}`. Text is inserted as is, other values as JSON, missing ones as nothing.

use serde_json::Value;

/// One step into a value: a field or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Refuses a template whose placeholders are not closed or cannot be read, saying why.
pub fn check(template: &str) -> Result<(), String> {
    pieces(template).map(|_| ())
}

/// The template with every placeholder replaced from `context` (a JSON object). A template
/// that [`check`] refuses renders as itself.
pub fn render(template: &str, context: &Value) -> String {
    let Ok(pieces) = pieces(template) else {
        return template.to_owned();
    };
    let mut out = String::with_capacity(template.len());
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Path(path) => {
                let value = path.iter().try_fold(context, |value, step| match step {
                    Step::Key(key) => value.get(key),
                    Step::Index(i) => value.get(i),
                });
                match value {
                    None | Some(Value::Null) => {}
                    Some(Value::String(text)) => out.push_str(text),
                    Some(other) => out.push_str(&other.to_string()),
                }
            }
        }
    }
    out
}

enum Piece<'a> {
    Text(&'a str),
    Path(Vec<Step>),
}

fn pieces(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        pieces.push(Piece::Text(&rest[..open]));
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            format!(
                "a placeholder opened at {:?} is not closed",
                excerpt(&rest[open..])
            )
        })?;
        pieces.push(Piece::Path(path(after[..close].trim())?));
        rest = &after[close + 2..];
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

/// `name`, then any number of `.field`, `['key']`, `["key"]` or `[index]`.
fn path(expression: &str) -> Result<Vec<Step>, String> {
    let invalid = || format!("{{{{ {expression} }}}} is not a value name like event.field");
    let name_end = expression.find(['.', '[']).unwrap_or(expression.len());
    let is_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !is_name(&expression[..name_end]) {
        return Err(invalid());
    }
    let mut steps = vec![Step::Key(expression[..name_end].to_owned())];
    let mut rest = &expression[name_end..];
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if !is_name(&after[..end]) {
                return Err(invalid());
            }
            steps.push(Step::Key(after[..end].to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(invalid)?;
            let inner = after[..end].trim();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            steps.push(match quoted {
                Some(key) => Step::Key(key.to_owned()),
                None => Step::Index(inner.parse().map_err(|_| invalid())?),
            });
            rest = &after[end + 1..];
        } else {
            return Err(invalid());
        }
    }
    Ok(steps)
}

fn excerpt(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_context() {
        let context = json!({
            "event_name": "user_created",
            "event": {"id": 12, "user": {"name": "Ada"}, "user-id": "u1", "tags": ["a", "b"]},
        });
        let rendered = render(
            r#"{"name": "{{ event_name }}", "id": {{event.id}}, "who": "{{ event.user.name }}",
               "uid": "{{ event['user-id'] }}", "tag": "{{ event.tags[1] }}", "all": {{ event.tags }},
               "none": "{{ event.missing.deeper }}"}"#,
            &context,
        );
        let value: Value = serde_json::from_str(&rendered).unwrap();
        assert_eq!(
            value,
            json!({"name": "user_created", "id": 12, "who": "Ada", "uid": "u1", "tag": "b",
                   "all": ["a", "b"], "none": ""})
        );
    }

    #[test]
    fn broken_templates_are_refused_with_a_reason() {
        assert!(check("plain text, no placeholders").is_ok());
        assert!(check("{{ event.id }} and {{ event['x'] }}").is_ok());
        for broken in [
            "{{ event.id",
            "{{ }}",
            "{{ 1+1 }}",
            "{{ event[x] }}",
            "{{ event..id }}",
        ] {
            assert!(check(broken).is_err(), "{broken}");
        }
    }
}
