//! The payload filter language: a JSON document that an event must satisfy to be delivered.
//!
//! ```json
//! {"data.amount": {"$gte": 100}, "$or": [{"type": "order.paid"}, {"data.vip": true}]}
//! ```
//! Keys are dotted paths into the event document (`type`, `group`, `object.name`, `data.…`), each
//! with a value (shorthand for `$eq`) or an object of operators: `$eq $neq $gt $gte $lt $lte $in
//! $nin $exists $regex`. `$and`, `$or` (lists) and `$not` (one filter) combine filters; several
//! keys in one object must all hold. The notifier form `{"for_all": ["node", …]}` matches events
//! whose object type or group is one of the kinds listed.
//!
//! A filter is parsed once, when a subscription is saved, so that a bad one is refused with the
//! reason instead of silently never matching.

use std::cmp::Ordering;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::FieldErrors;

/// Nesting deeper than this is refused: filters are written by people, not generated.
pub const MAX_DEPTH: usize = 16;
pub const MAX_REGEX_LEN: usize = 512;
/// Conditions (field tests and `for_all`) in one filter. With the limits below, this bounds what
/// matching one event can cost, whatever a tenant writes: every event of the project is judged
/// by every subscription's filter.
pub const MAX_CONDITIONS: usize = 64;
/// Values in one `$in` / `$nin` list.
pub const MAX_LIST_VALUES: usize = 256;
/// `$regex` conditions in one filter.
pub const MAX_REGEXES: usize = 8;
/// Memory one compiled pattern may take (the regex engine refuses larger ones), and its lazy DFA
/// cache: matching stays linear in the text and bounded in memory.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;
const REGEX_DFA_SIZE_LIMIT: usize = 1024 * 1024;

/// A parsed filter, ready to be evaluated against events.
#[derive(Debug, Clone)]
pub enum Filter {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Not(Box<Filter>),
    /// The event's object type or group is one of these kinds.
    ForAll(Vec<String>),
    Field {
        path: Vec<String>,
        test: Test,
    },
}

#[derive(Debug, Clone)]
pub enum Test {
    Eq(Value),
    Neq(Value),
    Cmp(Ordering, bool, Value),
    In(Vec<Value>),
    Nin(Vec<Value>),
    Exists(bool),
    Regex(Regex),
}

impl Filter {
    /// Parses a filter document, or says what is wrong with it and where.
    pub fn parse(document: &Value) -> Result<Filter, String> {
        parse_filter(
            document,
            0,
            &mut Budget {
                conditions: MAX_CONDITIONS,
                regexes: MAX_REGEXES,
            },
        )
    }

    /// Whether `event` (the event's JSON document) satisfies the filter.
    pub fn matches(&self, event: &Value) -> bool {
        match self {
            Filter::All(filters) => filters.iter().all(|f| f.matches(event)),
            Filter::Any(filters) => filters.iter().any(|f| f.matches(event)),
            Filter::Not(filter) => !filter.matches(event),
            Filter::ForAll(kinds) => ["object.type", "group"].iter().any(|path| {
                lookup(event, &split_path(path))
                    .and_then(Value::as_str)
                    .is_some_and(|kind| kinds.iter().any(|k| k == kind))
            }),
            Filter::Field { path, test } => test.holds(lookup(event, path)),
        }
    }
}

impl Filter {
    /// Why `event` does not satisfy the filter (the first condition that fails), or `None`
    /// when it does.
    pub fn explain(&self, event: &Value) -> Option<String> {
        if self.matches(event) {
            return None;
        }
        Some(match self {
            Filter::All(filters) => filters.iter().find_map(|f| f.explain(event))?,
            Filter::Any(filters) => {
                let reasons: Vec<_> = filters.iter().filter_map(|f| f.explain(event)).collect();
                format!("no alternative of $or holds ({})", reasons.join("; "))
            }
            Filter::Not(_) => "the filter under $not holds".to_owned(),
            Filter::ForAll(kinds) => {
                format!(
                    "neither object.type nor group is one of {}",
                    kinds.join(", ")
                )
            }
            Filter::Field { path, test } => {
                let found = lookup(event, path).map_or("missing".to_owned(), Value::to_string);
                format!(
                    "{} is {found}, which is not {}",
                    path.join("."),
                    test.describe()
                )
            }
        })
    }
}

/// What a filter says about a sample event, for people trying one out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub matches: bool,
    pub reason: String,
}

/// Tries the filter written as `filter_text` (blank: no filter) against the event document
/// written as `sample_text`; unreadable text is reported on the `filter` or `sample` field.
pub fn try_on_sample(filter_text: &str, sample_text: &str) -> Result<Verdict, FieldErrors> {
    let mut errors = FieldErrors::default();
    let filter = match filter_text.trim() {
        "" => None,
        text => serde_json::from_str(text)
            .map_err(|e| format!("is not JSON: {e}"))
            .and_then(|document| Filter::parse(&document))
            .map_err(|e| errors.add("filter", e))
            .ok(),
    };
    let sample = serde_json::from_str::<Value>(sample_text)
        .map_err(|e| errors.add("sample", format!("is not JSON: {e}")))
        .ok();
    let (Some(sample), true) = (sample, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(match filter.and_then(|f| f.explain(&sample)) {
        None if filter_text.trim().is_empty() => Verdict {
            matches: true,
            reason: "without a filter every event passes".to_owned(),
        },
        None => Verdict {
            matches: true,
            reason: "every condition holds".to_owned(),
        },
        Some(reason) => Verdict {
            matches: false,
            reason,
        },
    })
}

impl Test {
    /// The condition in words, e.g. `>= 100`.
    fn describe(&self) -> String {
        let list = |values: &[Value]| {
            let items: Vec<_> = values.iter().map(Value::to_string).collect();
            format!("[{}]", items.join(", "))
        };
        match self {
            Test::Eq(value) => format!("= {value}"),
            Test::Neq(value) => format!("≠ {value}"),
            Test::Cmp(ordering, or_equal, bound) => {
                let sign = match ordering {
                    Ordering::Greater => ">",
                    _ => "<",
                };
                format!("{sign}{} {bound}", if *or_equal { "=" } else { "" })
            }
            Test::In(values) => format!("one of {}", list(values)),
            Test::Nin(values) => format!("outside {}", list(values)),
            Test::Exists(true) => "present".to_owned(),
            Test::Exists(false) => "absent".to_owned(),
            Test::Regex(regex) => format!("matching /{regex}/"),
        }
    }

    fn holds(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (Test::Exists(expected), value) => value.is_some_and(|v| !v.is_null()) == *expected,
            (Test::Neq(expected), value) => value != Some(expected),
            (Test::Nin(options), value) => value.is_none_or(|v| !options.contains(v)),
            (_, None) => false,
            (Test::Eq(expected), Some(value)) => value == expected,
            (Test::In(options), Some(value)) => options.contains(value),
            (Test::Cmp(ordering, or_equal, bound), Some(value)) => compare(value, bound)
                .is_some_and(|o| o == *ordering || (*or_equal && o == Ordering::Equal)),
            (Test::Regex(regex), Some(value)) => value.as_str().is_some_and(|s| regex.is_match(s)),
        }
    }
}

/// Numbers compare with numbers and strings with strings; anything else does not compare.
fn compare(value: &Value, bound: &Value) -> Option<Ordering> {
    match (value, bound) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

/// Follows a dotted path through objects (and arrays, by index).
fn lookup<'a>(document: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(document, |node, key| match node {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// What is left of a filter's allowance of conditions and patterns while it is parsed.
struct Budget {
    conditions: usize,
    regexes: usize,
}

impl Budget {
    fn condition(&mut self) -> Result<(), String> {
        self.conditions = self
            .conditions
            .checked_sub(1)
            .ok_or_else(|| format!("has more than {MAX_CONDITIONS} conditions"))?;
        Ok(())
    }

    fn regex(&mut self) -> Result<(), String> {
        self.regexes = self
            .regexes
            .checked_sub(1)
            .ok_or_else(|| format!("has more than {MAX_REGEXES} $regex conditions"))?;
        Ok(())
    }
}

fn parse_filter(document: &Value, depth: usize, budget: &mut Budget) -> Result<Filter, String> {
    if depth > MAX_DEPTH {
        return Err(format!("is nested deeper than {MAX_DEPTH} levels"));
    }
    let Value::Object(map) = document else {
        return Err("must be a JSON object".into());
    };
    let mut parts = map
        .iter()
        .map(|(key, value)| parse_entry(key, value, depth, budget))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Filter::All(parts)
    })
}

fn parse_entry(
    key: &str,
    value: &Value,
    depth: usize,
    budget: &mut Budget,
) -> Result<Filter, String> {
    match key {
        "$and" | "$or" => {
            let items = value
                .as_array()
                .filter(|items| !items.is_empty())
                .ok_or_else(|| format!("{key} takes a non-empty list of filters"))?;
            let filters = items
                .iter()
                .map(|item| parse_filter(item, depth + 1, budget))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("in {key}: {e}"))?;
            Ok(if key == "$and" {
                Filter::All(filters)
            } else {
                Filter::Any(filters)
            })
        }
        "$not" => parse_filter(value, depth + 1, budget)
            .map(|f| Filter::Not(Box::new(f)))
            .map_err(|e| format!("in $not: {e}")),
        "for_all" => {
            budget.condition()?;
            let kinds = value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .filter(|kinds: &Vec<String>| !kinds.is_empty() && kinds.len() <= MAX_LIST_VALUES)
                .ok_or(format!(
                    "for_all takes a list of 1 to {MAX_LIST_VALUES} kinds, e.g. [\"node\"]"
                ))?;
            Ok(Filter::ForAll(kinds))
        }
        _ if key.starts_with('$') => Err(format!("unknown operator {key}")),
        _ if key.is_empty() || key.split('.').any(str::is_empty) => {
            Err(format!("{key:?} is not a dotted path"))
        }
        path => {
            let test = match value {
                Value::Object(ops) if ops.keys().any(|k| k.starts_with('$')) => {
                    return parse_operators(path, ops, budget);
                }
                other => {
                    budget.condition()?;
                    Test::Eq(other.clone())
                }
            };
            Ok(Filter::Field {
                path: split_path(path),
                test,
            })
        }
    }
}

/// `{"$gte": 1, "$lt": 10}`: every operator must hold.
fn parse_operators(
    path: &str,
    ops: &Map<String, Value>,
    budget: &mut Budget,
) -> Result<Filter, String> {
    let mut tests = ops
        .iter()
        .map(|(op, operand)| parse_test(op, operand, budget).map_err(|e| format!("{path}: {e}")))
        .map(|test| {
            test.map(|test| Filter::Field {
                path: split_path(path),
                test,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if tests.len() == 1 {
        tests.remove(0)
    } else {
        Filter::All(tests)
    })
}

fn parse_test(op: &str, operand: &Value, budget: &mut Budget) -> Result<Test, String> {
    budget.condition()?;
    let comparable = |ordering, or_equal| match operand {
        Value::Number(_) | Value::String(_) => Ok(Test::Cmp(ordering, or_equal, operand.clone())),
        _ => Err(format!("{op} compares with a number or a string")),
    };
    let list = || {
        operand
            .as_array()
            .filter(|values| values.len() <= MAX_LIST_VALUES)
            .cloned()
            .ok_or_else(|| format!("{op} takes a list of at most {MAX_LIST_VALUES} values"))
    };
    match op {
        "$eq" => Ok(Test::Eq(operand.clone())),
        "$neq" => Ok(Test::Neq(operand.clone())),
        "$gt" => comparable(Ordering::Greater, false),
        "$gte" => comparable(Ordering::Greater, true),
        "$lt" => comparable(Ordering::Less, false),
        "$lte" => comparable(Ordering::Less, true),
        "$in" => list().map(Test::In),
        "$nin" => list().map(Test::Nin),
        "$exists" => operand
            .as_bool()
            .map(Test::Exists)
            .ok_or_else(|| "$exists takes true or false".into()),
        "$regex" => {
            budget.regex()?;
            let pattern = operand.as_str().ok_or("$regex takes a string")?;
            if pattern.len() > MAX_REGEX_LEN {
                return Err(format!("$regex is longer than {MAX_REGEX_LEN} characters"));
            }
            RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_SIZE_LIMIT)
                .build()
                .map(Test::Regex)
                .map_err(|e| format!("$regex is not a valid pattern: {e}"))
        }
        other => Err(format!("unknown operator {other}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn what_one_filter_may_ask_is_bounded() {
        let many: Map<String, Value> = (0..=MAX_CONDITIONS)
            .map(|i| (format!("data.f{i}"), json!(i)))
            .collect();
        let refused = Filter::parse(&Value::Object(many)).unwrap_err();
        assert!(refused.contains("conditions"), "{refused}");
        let regexes: Vec<Value> = (0..=MAX_REGEXES)
            .map(|i| json!({format!("data.f{i}"): {"$regex": "^a"}}))
            .collect();
        let refused = Filter::parse(&json!({"$or": regexes})).unwrap_err();
        assert!(refused.contains("$regex"), "{refused}");
        let long_list: Vec<u32> = (0..=MAX_LIST_VALUES as u32).collect();
        assert!(Filter::parse(&json!({"data.x": {"$in": long_list}})).is_err());
        // A short pattern that compiles to a huge program is refused too.
        let refused =
            Filter::parse(&json!({"data.x": {"$regex": "\\w{500}\\w{500}"}})).unwrap_err();
        assert!(refused.contains("not a valid pattern"), "{refused}");
    }

    #[test]
    fn a_sample_is_explained_by_the_first_condition_that_fails() {
        let filter = r#"{"type": "order.paid", "data.amount": {"$gte": 100}}"#;
        let verdict = try_on_sample(filter, r#"{"type": "order.paid", "data": {"amount": 50}}"#);
        assert_eq!(
            verdict.unwrap(),
            Verdict {
                matches: false,
                reason: "data.amount is 50, which is not >= 100".into()
            }
        );
        let verdict = try_on_sample(filter, r#"{"type": "order.paid", "data": {"amount": 150}}"#);
        assert!(verdict.unwrap().matches);
        let verdict = try_on_sample(r#"{"$or": [{"a": 1}, {"b": {"$exists": true}}]}"#, "{}");
        let reason = verdict.unwrap().reason;
        assert!(
            reason.contains("a is missing, which is not = 1"),
            "{reason}"
        );
        assert!(
            reason.contains("b is missing, which is not present"),
            "{reason}"
        );
        assert!(try_on_sample(" ", "{}").unwrap().matches);
    }

    #[test]
    fn unreadable_filters_and_samples_are_field_errors() {
        let errors = try_on_sample("{", "nope").unwrap_err();
        assert!(errors.get("filter").unwrap().starts_with("is not JSON"));
        assert!(errors.get("sample").unwrap().starts_with("is not JSON"));
        let errors = try_on_sample(r#"{"a": {"$bogus": 1}}"#, "{}").unwrap_err();
        assert!(errors.get("filter").is_some());
        assert!(errors.get("sample").is_none());
    }

    fn event() -> Value {
        json!({
            "type": "deployment.created",
            "group": "deployments",
            "object": {"type": "deployment", "name": "api", "version": "v2"},
            "data": {"amount": 120, "currency": "EUR", "tags": ["a", "b"], "vip": true, "none": null},
            "message": "created"
        })
    }

    fn check(filter: Value) -> bool {
        Filter::parse(&filter)
            .unwrap_or_else(|e| panic!("{filter} did not parse: {e}"))
            .matches(&event())
    }

    #[test]
    fn equality_shorthand_and_operator() {
        assert!(check(json!({"type": "deployment.created"})));
        assert!(!check(json!({"type": "deployment.deleted"})));
        assert!(check(json!({"data.currency": {"$eq": "EUR"}})));
        assert!(check(json!({"data.currency": {"$neq": "USD"}})));
        assert!(!check(json!({"data.currency": {"$neq": "EUR"}})));
        assert!(check(json!({"data.missing": {"$neq": "x"}})));
        assert!(check(json!({"object.name": "api", "object.version": "v2"})));
        assert!(!check(
            json!({"object.name": "api", "object.version": "v1"})
        ));
    }

    #[test]
    fn comparisons_on_numbers_and_strings() {
        assert!(check(json!({"data.amount": {"$gt": 100}})));
        assert!(!check(json!({"data.amount": {"$gt": 120}})));
        assert!(check(json!({"data.amount": {"$gte": 120}})));
        assert!(check(json!({"data.amount": {"$lt": 120.5}})));
        assert!(!check(json!({"data.amount": {"$lt": 120}})));
        assert!(check(json!({"data.amount": {"$lte": 120}})));
        assert!(check(json!({"data.amount": {"$gte": 100, "$lt": 200}})));
        assert!(!check(json!({"data.amount": {"$gte": 100, "$lt": 110}})));
        assert!(check(json!({"object.version": {"$gt": "v1"}})));
        // A string never compares with a number, and a missing field never compares at all.
        assert!(!check(json!({"data.currency": {"$gt": 1}})));
        assert!(!check(json!({"data.missing": {"$lt": 1}})));
    }

    #[test]
    fn membership() {
        assert!(check(json!({"data.currency": {"$in": ["EUR", "USD"]}})));
        assert!(!check(json!({"data.currency": {"$in": ["GBP"]}})));
        assert!(check(json!({"data.currency": {"$nin": ["GBP"]}})));
        assert!(!check(json!({"data.currency": {"$nin": ["EUR"]}})));
        assert!(check(json!({"data.missing": {"$nin": ["EUR"]}})));
        assert!(check(json!({"data.tags.1": "b"})));
    }

    #[test]
    fn existence_treats_null_as_absent() {
        assert!(check(json!({"data.vip": {"$exists": true}})));
        assert!(check(json!({"data.missing": {"$exists": false}})));
        assert!(check(json!({"data.none": {"$exists": false}})));
        assert!(!check(json!({"data.amount": {"$exists": false}})));
    }

    #[test]
    fn regular_expressions() {
        assert!(check(json!({"type": {"$regex": "^deployment\\."}})));
        assert!(!check(json!({"type": {"$regex": "^pipeline\\."}})));
        assert!(!check(json!({"data.amount": {"$regex": "1"}})));
    }

    #[test]
    fn combinators() {
        assert!(check(
            json!({"$and": [{"type": "deployment.created"}, {"data.vip": true}]})
        ));
        assert!(!check(
            json!({"$and": [{"type": "deployment.created"}, {"data.vip": false}]})
        ));
        assert!(check(json!({"$or": [{"type": "x"}, {"data.vip": true}]})));
        assert!(!check(json!({"$or": [{"type": "x"}, {"data.vip": false}]})));
        assert!(check(json!({"$not": {"type": "x"}})));
        assert!(!check(json!({"$not": {"type": "deployment.created"}})));
        assert!(check(json!({})), "the empty filter matches everything");
    }

    #[test]
    fn notifier_for_all_form() {
        assert!(check(json!({"for_all": ["node", "deployment"]})));
        assert!(
            check(json!({"for_all": ["deployments"]})),
            "matches the group too"
        );
        assert!(!check(json!({"for_all": ["node"]})));
    }

    #[test]
    fn invalid_filters_say_why() {
        let cases = [
            (json!([1, 2]), "must be a JSON object"),
            (json!({"$xor": []}), "unknown operator $xor"),
            (json!({"a": {"$near": 1}}), "unknown operator $near"),
            (json!({"$and": []}), "non-empty list"),
            (json!({"$or": [1]}), "in $or: must be a JSON object"),
            (
                json!({"a": {"$gt": true}}),
                "compares with a number or a string",
            ),
            (json!({"a": {"$in": 1}}), "takes a list"),
            (json!({"a": {"$exists": "yes"}}), "true or false"),
            (json!({"a": {"$regex": "("}}), "not a valid pattern"),
            (json!({"for_all": []}), "for_all takes"),
            (json!({"a..b": 1}), "not a dotted path"),
        ];
        for (filter, reason) in cases {
            let error = Filter::parse(&filter).expect_err(&filter.to_string());
            assert!(
                error.contains(reason),
                "{filter}: {error:?} lacks {reason:?}"
            );
        }
        let mut deep = json!({"a": 1});
        for _ in 0..=MAX_DEPTH {
            deep = json!({ "$not": deep });
        }
        assert!(Filter::parse(&deep).unwrap_err().contains("nested deeper"));
    }
}
