//! Field errors for re-shown forms: each error is a catalogue key `field.<name>.<code>`, shown
//! next to its field and in a summary at the top that links to the field.

use serde::Deserialize;
use validator::ValidationErrors;

use crate::i18n::Lang;

#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    entries: Vec<(String, String)>,
}

impl FieldErrors {
    pub fn from_validation(errors: &ValidationErrors) -> FieldErrors {
        let mut out = FieldErrors::default();
        let mut fields: Vec<_> = errors.field_errors().into_iter().collect();
        fields.sort_by_key(|(name, _)| name.to_string());
        for (field, list) in fields {
            if let Some(first) = list.first() {
                out.add(&field, &first.code);
            }
        }
        out
    }

    pub fn add(&mut self, field: &str, code: &str) {
        if !self.entries.iter().any(|(f, _)| f == field) {
            self.entries
                .push((field.to_string(), format!("field.{field}.{code}")));
        }
    }

    /// A problem of one field, with a message shared by several fields (`field.yen.invalid`).
    pub fn add_message(&mut self, field: &str, key: &str) {
        if !self.entries.iter().any(|(f, _)| f == field) {
            self.entries.push((field.to_string(), key.to_string()));
        }
    }

    /// A form-wide problem (shown in the summary only).
    pub fn add_general(&mut self, key: &str) {
        self.entries.push((String::new(), key.to_string()));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The message for one field, if it has an error.
    pub fn get(&self, lang: &Lang, field: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, key)| lang.t(key))
    }

    /// (field id or empty, message) for the summary.
    pub fn summary(&self, lang: &Lang) -> Vec<(String, &'static str)> {
        self.entries
            .iter()
            .map(|(f, key)| (f.clone(), lang.t(key)))
            .collect()
    }
}

/// A form's values as typed, by field name, for pages whose template fills a form in again by
/// looking its fields up by name. Never what a handler reads a form from: that is the form's own
/// struct.
pub type TypedValues = std::collections::HashMap<String, String>;

/// The values of a posted form by field name, to fill the form in again when it is shown with
/// its problems. Only text fields are kept.
pub fn typed_values<T: serde::Serialize>(form: &T) -> TypedValues {
    match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::String(text) => Some((name, text)),
                _ => None,
            })
            .collect(),
        _ => TypedValues::new(),
    }
}

/// A form with nothing but its CSRF token (a confirm or withdraw button).
#[derive(Debug, Default, Deserialize)]
pub struct TokenOnly {}
