//! The event types and groups Waldur knows: its hooks refuse any other, with Django REST
//! framework's message. The lists are the enumerations of Waldur's API schema
//! (`EventTypesEnum`, `EventGroupsEnum` in waldur-api-client 8.1.3), one name a line, sorted;
//! the Waldur tests check that the client's every value is accepted.

use engine::FieldErrors;

const EVENT_TYPES: &str = include_str!("event_types.txt");
const EVENT_GROUPS: &str = include_str!("event_groups.txt");

/// Records the first name in `event_types` and in `event_groups` that Waldur does not know.
pub fn check_events(
    errors: &mut FieldErrors,
    event_types: Option<&[String]>,
    event_groups: Option<&[String]>,
) {
    check(errors, "event_types", event_types, EVENT_TYPES);
    check(errors, "event_groups", event_groups, EVENT_GROUPS);
}

fn check(errors: &mut FieldErrors, field: &str, names: Option<&[String]>, known: &str) {
    let unknown = names
        .unwrap_or_default()
        .iter()
        .find(|name| !known.lines().any(|k| k == name.as_str()));
    if let Some(name) = unknown {
        errors.add(field, format!("\"{name}\" is not a valid choice."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_waldur_names_are_choices() {
        let mut errors = FieldErrors::default();
        let types = ["customer_update_succeeded".to_owned()];
        let groups = ["customers".to_owned(), "orders.*".to_owned()];
        check_events(&mut errors, Some(&types), Some(&groups));
        assert_eq!(errors.get("event_types"), None);
        assert_eq!(
            errors.get("event_groups"),
            Some("\"orders.*\" is not a valid choice.")
        );
    }
}
