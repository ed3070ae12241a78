//! The admin's configuration for a rule, as the host hands it over.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The rule's table from `requirements.toml` (`[hookwarden.rules.config]`),
/// converted to JSON by the host. Empty when the admin set nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    table: Map<String, Value>,
}

impl Config {
    /// Parse the JSON text the host passes to `evaluate`.
    pub fn parse(json: &str) -> Result<Config, String> {
        if json.trim().is_empty() {
            return Ok(Config::default());
        }
        match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(table)) => Ok(Config { table }),
            Ok(other) => Err(format!("rule config must be a table, got {other}")),
            Err(e) => Err(format!("rule config is not valid JSON: {e}")),
        }
    }

    /// Build a config from a JSON value, for tests.
    pub fn from_value(value: Value) -> Result<Config, String> {
        Config::parse(&value.to_string())
    }

    /// The value of `key`, deserialized; `Ok(None)` when the admin did not set it.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        match self.table.get(key) {
            None => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| format!("config key `{key}`: {e}")),
        }
    }

    /// The value of `key`, or `default` when unset.
    pub fn get_or<T: DeserializeOwned>(&self, key: &str, default: T) -> Result<T, String> {
        Ok(self.get(key)?.unwrap_or(default))
    }

    /// The whole table as a typed struct (use `#[serde(default, deny_unknown_fields)]`
    /// on it so that a typo in the admin's config is an error, not a silent default).
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(Value::Object(self.table.clone()))
            .map_err(|e| format!("invalid rule config: {e}"))
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_object_configs_parse() {
        assert!(Config::parse("").unwrap().is_empty());
        assert!(Config::parse("{}").unwrap().is_empty());
        let c = Config::parse(r#"{"branches":["main"],"n":3}"#).unwrap();
        assert_eq!(
            c.get::<Vec<String>>("branches").unwrap().unwrap(),
            vec!["main"]
        );
        assert_eq!(c.get_or("missing", 7u32).unwrap(), 7);
        assert!(c.get::<String>("n").unwrap_err().contains("config key `n`"));
    }

    #[test]
    fn non_table_config_is_an_error() {
        assert!(Config::parse("[1]").is_err());
        assert!(Config::parse("{").is_err());
    }
}
