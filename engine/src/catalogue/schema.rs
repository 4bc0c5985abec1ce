//! Compiling a catalogue type's JSON Schema and checking events' data against it.
//!
//! A tenant with a write token writes these schemas, so compiling and checking must be safe with
//! a hostile document:
//! - no network or file access: the `jsonschema` crate is built without its resolver features,
//!   and the validator is also told to stay offline, so a `$ref` to anything outside the
//!   document fails to compile instead of being fetched;
//! - `pattern` and `patternProperties` run on the `regex` crate's linear-time engine (not the
//!   backtracking default), with a bound on each compiled pattern's size, so no pattern can make
//!   a check take exponential time;
//! - the document's size is bounded before it gets here (see [`super::DOCUMENT_MAX_BYTES`]).

use jsonschema::{Draft, PatternOptions, Validator};
use serde_json::Value;

use crate::FieldErrors;

/// The one dialect a schema may declare with `$schema` (or leave out).
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";
/// Bounds the memory (and so the time) one `pattern` may take to compile.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// The most violations reported per event: enough to fix the data, and a bound on the work and
/// the answer's size for data that fails everywhere.
const ERRORS_MAX: usize = 16;

/// A compiled schema, ready to check data.
#[derive(Debug)]
pub struct TypeSchema(Validator);

impl TypeSchema {
    /// Compiles `schema` as JSON Schema draft 2020-12; the error says why it is not one.
    pub fn compile(schema: &Value) -> Result<TypeSchema, String> {
        if let Some(declared) = schema.get("$schema") {
            if declared.as_str().map(|s| s.trim_end_matches('#')) != Some(DRAFT_2020_12) {
                return Err(format!(
                    "$schema must be {DRAFT_2020_12:?} (or left out): only draft 2020-12 is supported"
                ));
            }
        }
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .offline()
            .with_pattern_options(
                PatternOptions::regex()
                    .size_limit(PATTERN_SIZE_LIMIT)
                    .dfa_size_limit(PATTERN_SIZE_LIMIT),
            )
            .build(schema)
            .map(TypeSchema)
            .map_err(|error| {
                let at = error.instance_path().as_str();
                match at {
                    "" => format!("is not a valid JSON Schema (draft 2020-12): {error}"),
                    at => format!("is not a valid JSON Schema (draft 2020-12) at {at}: {error}"),
                }
            })
    }

    /// Records a message for each place `data` fails the schema, under its dotted path from
    /// `field` (e.g. `events.3.data.amount`).
    pub fn check(&self, data: &Value, field: &str, errors: &mut FieldErrors) {
        for error in self.0.iter_errors(data).take(ERRORS_MAX) {
            let mut path = field.to_owned();
            for segment in error.instance_path().iter() {
                path.push('.');
                path.push_str(&segment.to_string());
            }
            errors.add(path, error.to_string());
        }
    }

    /// Whether `data` passes the schema.
    #[cfg(test)]
    pub fn passes(&self, data: &Value) -> bool {
        self.0.is_valid(data)
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::Read,
        net::TcpListener,
        time::{Duration, Instant},
    };

    use serde_json::json;

    use super::*;

    fn failures(schema: &Value, data: &Value) -> Vec<(String, String)> {
        let mut errors = FieldErrors::default();
        TypeSchema::compile(schema)
            .unwrap()
            .check(data, "data", &mut errors);
        errors
            .iter()
            .map(|(f, m)| (f.to_owned(), m.to_owned()))
            .collect()
    }

    #[test]
    fn violations_are_named_by_their_dotted_path() {
        let schema = json!({
            "type": "object",
            "required": ["amount"],
            "properties": {
                "amount": {"type": "integer"},
                "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}
            }
        });
        let found = failures(
            &schema,
            &json!({"amount": "5", "lines": [{"sku": "a"}, {"sku": 7}]}),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["data.amount", "data.lines.1.sku"]);
        let found = failures(&schema, &json!({}));
        assert_eq!(found[0].0, "data");
        assert!(found[0].1.contains("amount"), "{found:?}");
        assert!(failures(&schema, &json!({"amount": 5})).is_empty());
    }

    #[test]
    fn only_draft_2020_12_schemas_compile() {
        assert!(TypeSchema::compile(&json!({"type": "object"})).is_ok());
        assert!(TypeSchema::compile(&json!(true)).is_ok());
        assert!(TypeSchema::compile(&json!({"type": "nonsense"})).is_err());
        assert!(TypeSchema::compile(&json!({"minLength": -1})).is_err());
        assert!(TypeSchema::compile(&json!(5)).is_err());
        let old = json!({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"});
        assert!(TypeSchema::compile(&old).unwrap_err().contains("2020-12"));
        let declared = json!({"$schema": DRAFT_2020_12, "$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n"});
        let compiled = TypeSchema::compile(&declared).unwrap();
        assert!(compiled.passes(&json!(1)) && !compiled.passes(&json!("1")));
    }

    /// A listener stands where the reference points: the schema must be refused without anything
    /// ever connecting to it.
    #[test]
    fn remote_and_file_references_are_never_fetched() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        for reference in [
            format!("http://{address}/schema.json"),
            format!("http://{address}/schema.json#/$defs/x"),
            "file:///etc/passwd".to_owned(),
        ] {
            let error = TypeSchema::compile(&json!({"$ref": reference})).unwrap_err();
            assert!(error.contains("valid JSON Schema"), "{error}");
        }
        std::thread::sleep(Duration::from_millis(50));
        match listener.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Ok((mut stream, _)) => {
                let mut request = String::new();
                let _ = stream.read_to_string(&mut request);
                panic!("the validator connected to the reference: {request:?}");
            }
            Err(e) => panic!("{e}"),
        }
    }

    /// `^(a+)+$` against `aaaa…!` takes exponential time on a backtracking engine; on the linear
    /// one it is an ordinary mismatch. (Correctness is asserted; the time is only reported.)
    #[test]
    fn patterns_run_in_linear_time() {
        let schema = json!({
            "type": "object",
            "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}},
            "patternProperties": {"^(x+x+)+y$": {"type": "integer"}}
        });
        let evil = format!("{}!", "a".repeat(50_000));
        let key = "x".repeat(50_000);
        let started = Instant::now();
        let found = failures(&schema, &json!({"name": evil, key.clone(): "not checked"}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "data.name");
        assert!(failures(&schema, &json!({"name": "aaaa"})).is_empty());
        eprintln!("evil patterns checked in {:?}", started.elapsed());
        // Patterns only a backtracking engine supports are refused when the schema is saved.
        assert!(TypeSchema::compile(&json!({"pattern": "(a)\\1"})).is_err());
    }
}
