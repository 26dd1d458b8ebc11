//! `base.multiLang`: a text given in several languages,
//! `{"uk_UA": "…", "en_US": "…"}`, as Prozorro.sale's procedures carry
//! their titles, descriptions, names and addresses.
//!
//! Reading one checks its shape only (an object of known language keys to
//! strings), so that a body with a plain string or a stray key is refused
//! naming the field, as any other malformed field is. Whether `uk_UA` must
//! be there and the texts be non-blank is a rule of the field that holds
//! it ([`MultiLang::check`]), because a draft may still be incomplete.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as Json;

use super::Refusal;

/// The language keys a text may be given in. The sale spec names `uk_UA`
/// (and shows `en_US` in its defaults) but gives no list; these are the
/// languages Prozorro.sale's `base.multiLang` carries.
pub const LANGUAGES: [&str; 3] = ["uk_UA", "en_US", "ru_RU"];

/// The language every procedure must at least be published in.
pub const UKRAINIAN: &str = "uk_UA";

/// What a field requires of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// `uk_UA` must be given (the spec's "`uk_UA` required").
    Ukrainian,
    /// Any one language will do.
    AnyLanguage,
}

/// A text by language. Serialised as an object, keys in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct MultiLang(BTreeMap<String, String>);

impl MultiLang {
    /// A text in Ukrainian only.
    pub fn uk(text: impl Into<String>) -> Self {
        MultiLang::default().with(UKRAINIAN, text)
    }

    /// This text with `language` set to `text`.
    pub fn with(mut self, language: &str, text: impl Into<String>) -> Self {
        self.0.insert(language.to_owned(), text.into());
        self
    }

    pub fn get(&self, language: &str) -> Option<&str> {
        self.0.get(language).map(String::as_str)
    }

    /// The Ukrainian text, or the empty string.
    pub fn uk_ua(&self) -> &str {
        self.get(UKRAINIAN).unwrap_or_default()
    }

    /// The rules of a field `field` holding this text: `uk_UA` present when
    /// `need` says so, at least one language, and no blank text.
    pub fn check(&self, field: &str, need: Need) -> Result<(), Refusal> {
        if need == Need::Ukrainian && self.get(UKRAINIAN).is_none() {
            return Err(Refusal::invalid(
                format!("{field}.{UKRAINIAN}"),
                "This field is required.",
            ));
        }
        if self.0.is_empty() {
            return Err(Refusal::invalid(field, "This field is required."));
        }
        match self.0.iter().find(|(_, text)| text.trim().is_empty()) {
            Some((language, _)) => Err(Refusal::invalid(
                format!("{field}.{language}"),
                "String value is too short.",
            )),
            None => Ok(()),
        }
    }

    /// Checks an optional field: absent is fine, present must pass
    /// [`MultiLang::check`].
    pub fn check_optional(text: Option<&Self>, field: &str, need: Need) -> Result<(), Refusal> {
        text.map_or(Ok(()), |text| text.check(field, need))
    }

    /// Upcasts a stored plain string (the shape sales were written in before
    /// texts became multiLang) in place: `text` becomes `{"uk_UA": text}`,
    /// and the English twin `english` (e.g. `nameEn`) of `object`, when
    /// there, moves into it as `en_US`. Nothing is lost: a blank old text
    /// stays (blank) under `uk_UA`, since the rules that refuse blank texts
    /// judge requests, not history; anything else is left for decoding to
    /// judge.
    pub fn upcast_field(object: &mut serde_json::Map<String, Json>, key: &str, english: &str) {
        let en = match object.remove(english) {
            Some(Json::String(text)) if !text.trim().is_empty() => Some(text),
            _ => None,
        };
        let uk = match object.get(key) {
            Some(Json::String(text)) => Some(text.clone()),
            Some(Json::Null) | None => None,
            // Already the new shape (or something decoding will refuse).
            Some(_) => return,
        };
        let mut texts = serde_json::Map::new();
        if let Some(uk) = uk {
            texts.insert(UKRAINIAN.to_owned(), Json::String(uk));
        }
        if let Some(en) = en {
            texts.insert("en_US".to_owned(), Json::String(en));
        }
        if texts.is_empty() {
            object.remove(key);
        } else {
            object.insert(key.to_owned(), Json::Object(texts));
        }
    }
}

impl<'de> Deserialize<'de> for MultiLang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Texts;

        impl<'de> Visitor<'de> for Texts {
            type Value = MultiLang;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "an object of texts by language ({}), e.g. {{\"uk_UA\": \"…\"}}",
                    LANGUAGES.join(", ")
                )
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MultiLang, A::Error> {
                let mut texts = BTreeMap::new();
                while let Some(language) = map.next_key::<String>()? {
                    if !LANGUAGES.contains(&language.as_str()) {
                        return Err(de::Error::unknown_field(&language, &LANGUAGES));
                    }
                    let text: String = map.next_value()?;
                    texts.insert(language, text);
                }
                Ok(MultiLang(texts))
            }
        }

        deserializer.deserialize_map(Texts)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_and_writes_an_object_of_languages() {
        let text: MultiLang =
            serde_json::from_value(json!({"uk_UA": "Зерно", "en_US": "Grain"})).expect("valid");
        assert_eq!(text, MultiLang::uk("Зерно").with("en_US", "Grain"));
        assert_eq!(
            serde_json::to_value(&text).expect("serialises"),
            json!({"en_US": "Grain", "uk_UA": "Зерно"})
        );
    }

    #[test]
    fn refuses_a_plain_string_and_unknown_languages() {
        let plain = serde_json::from_value::<MultiLang>(json!("Зерно")).expect_err("string");
        assert!(
            plain.to_string().starts_with("invalid type: string"),
            "{plain}"
        );
        let rogue = serde_json::from_value::<MultiLang>(json!({"uk_UA": "a", "de_DE": "b"}))
            .expect_err("rogue");
        assert!(
            rogue.to_string().starts_with("unknown field `de_DE`"),
            "{rogue}"
        );
        assert!(serde_json::from_value::<MultiLang>(json!({"uk_UA": 1})).is_err());
    }

    #[test]
    fn checks_the_rules_of_a_field() {
        let english = MultiLang::default().with("en_US", "Grain");
        let missing = english
            .check("title", Need::Ukrainian)
            .expect_err("no uk_UA");
        assert_eq!(missing.name, "title.uk_UA");
        assert_eq!(missing.description, "This field is required.");
        assert!(english.check("unit.name", Need::AnyLanguage).is_ok());
        let empty = MultiLang::default().check("unit.name", Need::AnyLanguage);
        assert_eq!(empty.expect_err("empty").name, "unit.name");
        let blank = MultiLang::uk(" ").check("title", Need::Ukrainian);
        assert_eq!(blank.expect_err("blank").name, "title.uk_UA");
    }

    #[test]
    fn upcasts_old_plain_strings() {
        let mut old = json!({"name": "ТОВ", "nameEn": "LLC", "blank": " ", "new": {"uk_UA": "x"}});
        let object = old.as_object_mut().expect("object");
        MultiLang::upcast_field(object, "name", "nameEn");
        MultiLang::upcast_field(object, "blank", "blankEn");
        MultiLang::upcast_field(object, "new", "newEn");
        MultiLang::upcast_field(object, "absent", "absentEn");
        assert_eq!(
            old,
            json!({
                "name": {"uk_UA": "ТОВ", "en_US": "LLC"},
                "blank": {"uk_UA": " "},
                "new": {"uk_UA": "x"},
            })
        );
    }
}
