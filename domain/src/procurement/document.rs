//! Document metadata. The body lives in document storage; the CDB keeps the
//! title, format, hash and the URL it can be fetched from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// What a client sends to attach a document.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentInput {
    pub title: String,
    pub url: String,
    /// `md5:<32 hex>`, as the document service reports it.
    pub hash: String,
    pub format: String,
    pub document_type: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub confidentiality: Option<String>,
    pub document_of: Option<String>,
    pub related_item: Option<String>,
    /// The title and description in English and Russian, under the
    /// reference model's own names (`title_en`, not camelCase).
    #[serde(rename = "title_en")]
    pub title_en: Option<String>,
    #[serde(rename = "title_ru")]
    pub title_ru: Option<String>,
    #[serde(rename = "description_en")]
    pub description_en: Option<String>,
    #[serde(rename = "description_ru")]
    pub description_ru: Option<String>,
}

/// What a client sends to change a document's description (`PATCH
/// …/documents/{id}`): any of these fields. Its body (`url`, `hash`) is
/// changed by a new version instead, and who added it and when
/// (`author`, `datePublished`) never change.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DocumentEdit {
    pub title: Option<String>,
    pub format: Option<String>,
    pub document_type: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub confidentiality: Option<String>,
    pub document_of: Option<String>,
    pub related_item: Option<String>,
    /// The title and description in English and Russian, under the
    /// reference model's own names (`title_en`, not camelCase).
    #[serde(rename = "title_en")]
    pub title_en: Option<String>,
    #[serde(rename = "title_ru")]
    pub title_ru: Option<String>,
    #[serde(rename = "description_en")]
    pub description_en: Option<String>,
    #[serde(rename = "description_ru")]
    pub description_ru: Option<String>,
}

#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: String,
    pub title: String,
    pub url: String,
    pub hash: String,
    pub format: String,
    pub document_type: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// `public` or `buyerOnly`.
    pub confidentiality: String,
    pub document_of: String,
    pub related_item: Option<String>,
    /// The title and description in English and Russian, under the
    /// reference model's own names (`title_en`, not camelCase).
    #[serde(default, rename = "title_en")]
    pub title_en: Option<String>,
    #[serde(default, rename = "title_ru")]
    pub title_ru: Option<String>,
    #[serde(default, rename = "description_en")]
    pub description_en: Option<String>,
    #[serde(default, rename = "description_ru")]
    pub description_ru: Option<String>,
    /// Who added it: `tender_owner`, `bid_owner`, …
    pub author: String,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_published: DateTime<Utc>,
    #[serde(with = "crate::time::kyiv_serde")]
    pub date_modified: DateTime<Utc>,
}

/// The `language` of a document whose client named none, as the reference
/// API defaults it.
pub const DEFAULT_LANGUAGE: &str = "uk";

/// The path under which the document service serves a stored body:
/// `/api/2.5/documents/{key}`, the key being 64 lowercase hex characters.
pub const STORED_DOCUMENT_PATH: &str = "/api/2.5/documents/";

/// A document URL that passed [`DocumentInput::validate`], taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentUrl<'a> {
    /// `host[:port]`, as written.
    pub authority: &'a str,
    /// The storage key when the path is `/api/2.5/documents/{key}` (64
    /// lowercase hex characters, no query or fragment).
    pub stored_key: Option<&'a str>,
}

/// The object a document is attached to: the procedure itself, or one of
/// its records. Stored as `{"of": "bid", "id": …}` (a priceQuotation tender
/// stores its own documents as `"of": "tender"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", content = "id", rename_all = "camelCase")]
pub enum Target {
    Procedure,
    Bid(String),
    Award(String),
    Contract(String),
    Cancellation(String),
}

impl Target {
    /// The event stream of the object: each bid, award and contract has its
    /// own; the procedure's stream holds the rest.
    pub fn stream(&self, procedure_id: &str) -> String {
        match self {
            Target::Bid(id) => format!("bid-{id}"),
            Target::Award(id) => format!("award-{id}"),
            Target::Contract(id) => format!("contract-{id}"),
            Target::Procedure | Target::Cancellation(_) => format!("tender-{procedure_id}"),
        }
    }
}

/// Takes an absolute `http`/`https` URL apart; `None` for any other scheme
/// (`javascript:`, `file:`, `data:`, …), a relative or host-less URL, or one
/// with whitespace, control characters, credentials (`user@host`) or
/// backslashes in it.
pub fn parse_document_url(url: &str) -> Option<DocumentUrl<'_>> {
    if url.len() > 2048
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')? + 1;
        let (host, rest) = authority.split_at(close);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip6) => {
            !ip6.is_empty()
                && ip6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    if !host_ok {
        return None;
    }
    let stored_key = path.strip_prefix(STORED_DOCUMENT_PATH).filter(|key| {
        key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    Some(DocumentUrl {
        authority,
        stored_key,
    })
}

impl DocumentInput {
    /// The 32 hex digits of `hash` (`md5:<hex>`), in lowercase; `None` if
    /// the hash does not have that shape.
    pub fn md5_hex(&self) -> Option<String> {
        let hex = self.hash.strip_prefix("md5:")?;
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| hex.to_ascii_lowercase())
    }

    /// Checks the shape of a document's metadata: an `md5:` hash, an
    /// absolute `http`/`https` URL, a known confidentiality, a title. Whether
    /// the URL points at a body this CDB stores, and whether the hash is that
    /// body's, is for the API to check against document storage.
    pub fn validate(&self) -> Result<(), super::Refusal> {
        if self.md5_hex().is_none() {
            return Err(super::Refusal::invalid(
                "hash",
                "Hash type is not supported.",
            ));
        }
        if parse_document_url(&self.url).is_none() {
            return Err(super::Refusal::invalid(
                "url",
                "Not a well formed URL: only absolute http and https URLs are accepted.",
            ));
        }
        if let Some(confidentiality) = &self.confidentiality
            && confidentiality != "public"
            && confidentiality != "buyerOnly"
        {
            return Err(super::Refusal::invalid(
                "confidentiality",
                "Value must be one of ['public', 'buyerOnly'].",
            ));
        }
        if self.title.trim().is_empty() {
            return Err(super::Refusal::invalid("title", "This field is required."));
        }
        Ok(())
    }

    /// The stored document, as `author` adds it to `document_of` at `now`.
    pub fn into_document(
        self,
        id: String,
        document_of: &str,
        author: &str,
        now: DateTime<Utc>,
    ) -> Document {
        Document {
            id,
            title: self.title,
            url: self.url,
            hash: self.hash,
            format: self.format,
            document_type: self.document_type,
            description: self.description,
            // The reference API writes Ukrainian when the client names no
            // language; deciding it here records it in the event.
            language: Some(self.language.unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned())),
            confidentiality: self.confidentiality.unwrap_or_else(|| "public".to_owned()),
            document_of: self.document_of.unwrap_or_else(|| document_of.to_owned()),
            related_item: self.related_item,
            title_en: self.title_en,
            title_ru: self.title_ru,
            description_en: self.description_en,
            description_ru: self.description_ru,
            author: author.to_owned(),
            date_published: now,
            date_modified: now,
        }
    }
}

impl Document {
    /// The document as a client would send it to add it as it is now: for
    /// checking an edited document or a new version by the rules a new
    /// document is checked by.
    pub fn as_input(&self) -> DocumentInput {
        DocumentInput {
            title: self.title.clone(),
            url: self.url.clone(),
            hash: self.hash.clone(),
            format: self.format.clone(),
            document_type: self.document_type.clone(),
            description: self.description.clone(),
            language: self.language.clone(),
            confidentiality: Some(self.confidentiality.clone()),
            document_of: Some(self.document_of.clone()),
            related_item: self.related_item.clone(),
            title_en: self.title_en.clone(),
            title_ru: self.title_ru.clone(),
            description_en: self.description_en.clone(),
            description_ru: self.description_ru.clone(),
        }
    }

    /// The document with `edit` applied, changed `now`.
    pub fn edited(&self, edit: &DocumentEdit, now: DateTime<Utc>) -> Document {
        let mut document = self.clone();
        let DocumentEdit {
            title,
            format,
            document_type,
            description,
            language,
            confidentiality,
            document_of,
            related_item,
            title_en,
            title_ru,
            description_en,
            description_ru,
        } = edit.clone();
        if let Some(title) = title {
            document.title = title;
        }
        if let Some(format) = format {
            document.format = format;
        }
        if let Some(confidentiality) = confidentiality {
            document.confidentiality = confidentiality;
        }
        if let Some(document_of) = document_of {
            document.document_of = document_of;
        }
        document.document_type = document_type.or(document.document_type);
        document.description = description.or(document.description);
        document.language = language.or(document.language);
        document.related_item = related_item.or(document.related_item);
        document.title_en = title_en.or(document.title_en);
        document.title_ru = title_ru.or(document.title_ru);
        document.description_en = description_en.or(document.description_en);
        document.description_ru = description_ru.or(document.description_ru);
        document.date_modified = now;
        document
    }

    /// The next version of the document, uploaded `now` as `input`: a new
    /// body (`url`, `hash`) with its `title` and `format`; the id, the
    /// author and the first publication stay, and any other field the
    /// client leaves out is the previous version's, as the reference API
    /// carries them over.
    pub fn next_version(&self, input: &DocumentInput, now: DateTime<Utc>) -> Document {
        let input = input.clone();
        Document {
            id: self.id.clone(),
            title: input.title,
            url: input.url,
            hash: input.hash,
            format: input.format,
            document_type: input.document_type.or_else(|| self.document_type.clone()),
            description: input.description.or_else(|| self.description.clone()),
            language: input.language.or_else(|| self.language.clone()),
            confidentiality: input
                .confidentiality
                .unwrap_or_else(|| self.confidentiality.clone()),
            document_of: input
                .document_of
                .unwrap_or_else(|| self.document_of.clone()),
            related_item: input.related_item.or_else(|| self.related_item.clone()),
            title_en: input.title_en.or_else(|| self.title_en.clone()),
            title_ru: input.title_ru.or_else(|| self.title_ru.clone()),
            description_en: input.description_en.or_else(|| self.description_en.clone()),
            description_ru: input.description_ru.or_else(|| self.description_ru.clone()),
            author: self.author.clone(),
            date_published: self.date_published,
            date_modified: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, hash: &str) -> DocumentInput {
        DocumentInput {
            title: "notice.pdf".into(),
            url: url.into(),
            hash: hash.into(),
            format: "application/pdf".into(),
            document_type: None,
            description: None,
            language: None,
            confidentiality: None,
            document_of: None,
            related_item: None,
            title_en: None,
            title_ru: None,
            description_en: None,
            description_ru: None,
        }
    }

    const HASH: &str = "md5:0123456789abcdef0123456789ABCDEF";
    const KEY: &str = "a3f1c0de00000000000000000000000000000000000000000000000000000042";

    #[test]
    fn only_http_and_https_urls_are_accepted() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "ftp://example.com/x",
            "//example.com/x",
            "/api/2.5/documents/x",
            "http://",
            "http:///etc/passwd",
            "http://exa mple.com/x",
            "http://example.com/x\n",
            "http://user@example.com/x",
            "http://example.com:port/x",
            "",
        ] {
            let refusal = input(url, HASH).validate().unwrap_err();
            assert_eq!(refusal.name, "url", "{url:?}");
        }
        for url in [
            "http://example.com/doc.pdf",
            "https://ds.example:8443/get/1?Signature=x",
            "HTTPS://EXAMPLE.COM",
            "http://127.0.0.1:8080/api/2.5/documents/x",
            "http://[::1]:8080/x",
        ] {
            assert_eq!(input(url, HASH).validate(), Ok(()), "{url:?}");
        }
    }

    #[test]
    fn a_stored_document_url_names_its_key() {
        let url = format!("http://127.0.0.1:8080/api/2.5/documents/{KEY}");
        assert_eq!(
            parse_document_url(&url),
            Some(DocumentUrl {
                authority: "127.0.0.1:8080",
                stored_key: Some(KEY)
            })
        );
        for other in [
            format!("http://h/api/2.5/documents/{KEY}?x=1"),
            format!("http://h/api/2.5/documents/{}", KEY.to_uppercase()),
            "http://h/api/2.5/documents/abc".to_owned(),
            format!("http://h/api/2.5/documents/{KEY}/more"),
        ] {
            assert_eq!(
                parse_document_url(&other).unwrap().stored_key,
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn a_document_without_a_language_is_ukrainian() {
        let now = chrono::Utc::now();
        let document = input("http://h/x", HASH).into_document("d".into(), "tender", "o", now);
        assert_eq!(document.language.as_deref(), Some("uk"));
        let mut english = input("http://h/x", HASH);
        english.language = Some("en".into());
        let document = english.into_document("d".into(), "tender", "o", now);
        assert_eq!(document.language.as_deref(), Some("en"));
    }

    #[test]
    fn the_hash_is_md5_hex() {
        assert_eq!(
            input("http://h/x", HASH).md5_hex().as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        for hash in [
            "md5:123",
            "sha256:0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        ] {
            let refusal = input("http://h/x", hash).validate().unwrap_err();
            assert_eq!(refusal.name, "hash", "{hash}");
        }
    }
}
