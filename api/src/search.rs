//! `GET /api/2.5/search` and `GET /api/2.5/stats`: the regulators' queries
//! over the search index (`projections::search`). Both read only what the
//! public documents show. Every parameter is checked: an unknown one or a
//! bad value is a 422 naming it, never an empty answer that looks right.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use projections::search::{instant, words};
use projections::search_query::{
    Cursor, DateField, Filter, Group, SearchQuery, Sort, StatsQuery, StatsRow,
};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value as Json, json};

use crate::error::ApiError;
use crate::reply;
use crate::routes::{Routes, get};
use crate::server::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/2.5/search", get(search))
        .route("/api/2.5/stats", get(stats))
}

const SEARCH_PATH: &str = "/api/2.5/search";
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;
/// At most this many words in `q` (each adds to the query's cost).
const MAX_WORDS: usize = 8;

fn invalid(name: &str, description: impl Into<Json>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "query", name, description)
}

/// The query string as (name, value) pairs, in order.
fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// A list parameter: comma-separated, repeatable.
fn list(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn amount(name: &str, value: &str) -> Result<Decimal, ApiError> {
    value
        .trim()
        .parse::<Decimal>()
        .ok()
        .filter(|amount| !amount.is_sign_negative())
        .ok_or_else(|| {
            invalid(
                name,
                format!("{value:?} is not a non-negative decimal amount"),
            )
        })
}

/// An RFC 3339 timestamp, or a date (`2024-01-17`: its start in Kyiv).
fn moment(name: &str, value: &str) -> Result<String, ApiError> {
    if let Ok(moment) = DateTime::parse_from_rfc3339(value) {
        return Ok(instant(moment.with_timezone(&Utc)));
    }
    let kyiv = chrono_tz::Europe::Kyiv;
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .and_then(|midnight| kyiv.from_local_datetime(&midnight).earliest())
        .map(|start| instant(start.with_timezone(&Utc)))
        .ok_or_else(|| {
            invalid(
                name,
                format!("{value:?} is neither an RFC 3339 timestamp nor a date (YYYY-MM-DD)"),
            )
        })
}

/// The filter parameters shared by search and stats; answers whether the
/// parameter was one of them.
fn filter_param(filter: &mut Filter, name: &str, value: &str) -> Result<bool, ApiError> {
    match name {
        "q" => {
            filter.words.extend(
                words(value)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
            if filter.words.len() > MAX_WORDS {
                return Err(invalid("q", format!("at most {MAX_WORDS} words")));
            }
        }
        "procurementMethodType" | "sellingMethod" => filter.methods.extend(list(value)),
        "status" => filter.statuses.extend(list(value)),
        "buyer" | "seller" => filter.buyer = Some(value.trim().to_owned()),
        "tenderer" => filter.tenderer = Some(value.trim().to_owned()),
        "classification" => {
            let prefix = value.trim();
            if prefix.is_empty() {
                return Err(invalid(name, "a classification code prefix is required"));
            }
            filter.classification = Some(prefix.to_owned());
        }
        "region" => filter.region = Some(value.trim().to_owned()),
        "currency" => filter.currency = Some(value.trim().to_owned()),
        "value_min" => filter.value_min = Some(amount(name, value)?),
        "value_max" => filter.value_max = Some(amount(name, value)?),
        _ => {
            let Some((field, bound)) = name.rsplit_once('_') else {
                return Ok(false);
            };
            let Some((_, date)) = DateField::ALL.iter().find(|(f, _)| *f == field) else {
                return Ok(false);
            };
            let moment = moment(name, value)?;
            let index = match filter.dates.iter().position(|(f, _, _)| f == date) {
                Some(index) => index,
                None => {
                    filter.dates.push((*date, None, None));
                    filter.dates.len() - 1
                }
            };
            match bound {
                "from" => filter.dates[index].1 = Some(moment),
                "to" => filter.dates[index].2 = Some(moment),
                _ => return Ok(false),
            }
        }
    }
    Ok(true)
}

fn unknown(name: &str) -> ApiError {
    invalid(name, format!("unknown parameter {name:?}"))
}

fn pretty(value: &str) -> bool {
    matches!(value, "1" | "true" | "True" | "")
}

fn sort_name(sort: Sort) -> &'static str {
    match sort {
        Sort::DateModified => "dateModified",
        Sort::Date => "date",
        Sort::Value => "value",
        Sort::Relevance => "relevance",
    }
}

/// The opaque paging cursor: the last hit's key and id, with the order it
/// belongs to (a cursor of another order is refused).
fn encode_cursor(sort: Sort, descending: bool, cursor: &Cursor) -> String {
    let text = json!([sort_name(sort), descending, cursor.key, cursor.procedure_id]).to_string();
    URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(sort: Sort, descending: bool, text: &str) -> Result<Cursor, ApiError> {
    let bad = || {
        invalid(
            "offset",
            "not an offset this search gave (use next_page.offset)",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let value: Json = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    match value.as_array().map(Vec::as_slice) {
        Some(
            [
                Json::String(s),
                Json::Bool(d),
                Json::String(key),
                Json::String(id),
            ],
        ) if s == sort_name(sort) && *d == descending => Ok(Cursor {
            key: key.clone(),
            procedure_id: id.clone(),
        }),
        Some([_, _, Json::String(_), Json::String(_)]) => Err(invalid(
            "offset",
            "this offset belongs to another sort or order",
        )),
        _ => Err(bad()),
    }
}

async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut filter = Filter::default();
    let mut sort = None;
    let mut descending = true;
    let mut limit = DEFAULT_LIMIT;
    let mut offset = None;
    let mut fields: Vec<String> = Vec::new();
    let mut is_pretty = false;
    let params = pairs(raw.as_deref());
    for (name, value) in &params {
        if filter_param(&mut filter, name, value)? {
            continue;
        }
        match name.as_str() {
            "sort" => {
                sort = Some(match value.as_str() {
                    "dateModified" => Sort::DateModified,
                    "date" => Sort::Date,
                    "value" => Sort::Value,
                    "relevance" => Sort::Relevance,
                    _ => {
                        return Err(invalid(
                            "sort",
                            "one of dateModified, date, value, relevance",
                        ));
                    }
                })
            }
            "order" => {
                descending = match value.as_str() {
                    "desc" => true,
                    "asc" => false,
                    _ => return Err(invalid("order", "asc or desc")),
                }
            }
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid("limit", "a positive whole number"))?
                    .min(MAX_LIMIT)
            }
            "offset" => offset = Some(value.clone()),
            "opt_fields" => {
                fields.extend(list(value).filter(|field| field != "id" && field != "dateModified"))
            }
            "opt_pretty" => is_pretty = pretty(value),
            _ => return Err(unknown(name)),
        }
    }
    let sort = match sort {
        Some(Sort::Relevance) if filter.words.is_empty() => {
            return Err(invalid(
                "sort",
                "sorting by relevance needs a text query (q)",
            ));
        }
        Some(sort) => sort,
        None if filter.words.is_empty() => Sort::DateModified,
        None => Sort::Relevance,
    };
    let after = match &offset {
        Some(text) if !text.is_empty() => Some(decode_cursor(sort, descending, text)?),
        _ => None,
    };
    let query = SearchQuery {
        filter,
        sort,
        descending,
        after,
        limit,
        with_body: !fields.is_empty(),
    };
    let hits = state
        .read_store()
        .search(&query)
        .await
        .map_err(crate::write::store_failed)?;
    let data: Vec<Json> = hits
        .iter()
        .map(|hit| {
            let mut item = Map::new();
            item.insert("id".into(), json!(hit.procedure_id));
            item.insert("dateModified".into(), json!(hit.date_modified));
            let document: Option<Json> = hit
                .body
                .as_deref()
                .and_then(|body| serde_json::from_str::<Json>(body).ok());
            let data = document.as_ref().and_then(|d| d.get("data"));
            for field in &fields {
                if let Some(value) = data.and_then(|d| d.get(field)) {
                    item.insert(field.clone(), value.clone());
                }
            }
            Json::Object(item)
        })
        .collect();
    let mut body = Map::new();
    body.insert("data".into(), Json::Array(data));
    let next = match hits.last() {
        Some(last) => Some(encode_cursor(
            sort,
            descending,
            &Cursor {
                key: last.key.clone(),
                procedure_id: last.procedure_id.clone(),
            },
        )),
        None => offset.filter(|o| !o.is_empty()),
    };
    if let Some(next) = next {
        let mut link: Vec<(String, String)> = params
            .iter()
            .filter(|(name, _)| name != "offset")
            .cloned()
            .collect();
        link.push(("offset".into(), next.clone()));
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(link)
            .finish();
        let path = format!("{SEARCH_PATH}?{query}");
        body.insert(
            "next_page".into(),
            json!({
                "offset": next,
                "path": path,
                "uri": reply::absolute_url(&state.public_url, &path),
            }),
        );
    }
    Ok(reply::json(StatusCode::OK, &Json::Object(body), is_pretty))
}

fn number(amount: Decimal) -> Json {
    <serde_json::Number as std::str::FromStr>::from_str(&amount.normalize().to_string())
        .ok()
        .map(Json::Number)
        .unwrap_or_else(|| Json::String(amount.to_string()))
}

/// A ratio rounded to four places, `None` over zero.
fn ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    part.checked_div(whole)
        .filter(|_| !whole.is_zero())
        .map(|r| r.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
}

/// The figures of one group, as (name, value) in a fixed order (the CSV's
/// columns are these names).
fn figures(row: &StatsRow, currency: &str) -> Vec<(&'static str, Json)> {
    let savings = row.awarded_expected - row.awarded;
    let average = ratio(Decimal::from(row.bids), Decimal::from(row.with_bids))
        .map(|a| a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero));
    vec![
        ("procedures", json!(row.procedures)),
        ("proceduresWithBids", json!(row.with_bids)),
        ("bids", json!(row.bids)),
        ("averageBids", average.map_or(Json::Null, number)),
        ("currency", json!(currency)),
        ("value", number(row.value)),
        ("awardedProcedures", json!(row.awarded_procedures)),
        ("awardedExpectedValue", number(row.awarded_expected)),
        ("awardedValue", number(row.awarded)),
        ("savings", number(savings)),
        (
            "savingsRatio",
            ratio(savings, row.awarded_expected).map_or(Json::Null, number),
        ),
    ]
}

/// One CSV field (RFC 4180: quoted when it holds a comma, quote or line break).
fn csv_field(value: &Json) -> String {
    let text = match value {
        Json::String(text) => text.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

async fn stats(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut filter = Filter::default();
    let mut groups: Vec<(&'static str, Group)> = Vec::new();
    let mut prefix = 2;
    let mut csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"));
    let mut is_pretty = false;
    for (name, value) in pairs(raw.as_deref()) {
        if filter_param(&mut filter, &name, &value)? {
            continue;
        }
        match name.as_str() {
            "group_by" => {
                for wanted in list(&value) {
                    let group = Group::ALL
                        .iter()
                        .find(|(n, _)| *n == wanted)
                        .ok_or_else(|| {
                            invalid(
                                "group_by",
                                "any of month, procurementMethodType, status, buyer, \
                                 classification, region",
                            )
                        })?;
                    if !groups.contains(group) {
                        groups.push(*group);
                    }
                }
                if groups.len() > 3 {
                    return Err(invalid("group_by", "at most three groupings"));
                }
            }
            "classification_digits" => {
                prefix = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=12).contains(n))
                    .ok_or_else(|| invalid(&name, "a whole number from 1 to 12"))?
            }
            "format" => {
                csv = match value.as_str() {
                    "csv" => true,
                    "json" => false,
                    _ => return Err(invalid("format", "json or csv")),
                }
            }
            "opt_pretty" => is_pretty = pretty(&value),
            _ => return Err(unknown(&name)),
        }
    }
    let currency = filter.currency.clone().unwrap_or_else(|| "UAH".to_owned());
    let query = StatsQuery {
        filter,
        groups: groups.iter().map(|(_, g)| *g).collect(),
        prefix,
        currency: currency.clone(),
    };
    let read = state.read_store();
    let rows = read
        .stats(&query)
        .await
        .map_err(crate::write::store_failed)?;
    let total = read
        .stats(&StatsQuery {
            groups: Vec::new(),
            ..query
        })
        .await
        .map_err(crate::write::store_failed)?;
    if csv {
        let mut header: Vec<String> = groups.iter().map(|(n, _)| (*n).to_owned()).collect();
        let empty = StatsRow {
            keys: Vec::new(),
            procedures: 0,
            with_bids: 0,
            bids: 0,
            value: Decimal::ZERO,
            awarded_procedures: 0,
            awarded_expected: Decimal::ZERO,
            awarded: Decimal::ZERO,
        };
        header.extend(
            figures(&empty, &currency)
                .iter()
                .map(|(n, _)| (*n).to_owned()),
        );
        let mut text = header.join(",");
        text.push_str("\r\n");
        for row in &rows {
            let mut fields: Vec<String> = row.keys.iter().map(|k| csv_field(&json!(k))).collect();
            fields.extend(figures(row, &currency).iter().map(|(_, v)| csv_field(v)));
            text.push_str(&fields.join(","));
            text.push_str("\r\n");
        }
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            text,
        )
            .into_response());
    }
    let group = |row: &StatsRow, with_keys: bool| {
        let mut object = Map::new();
        if with_keys {
            let keys: Map<String, Json> = groups
                .iter()
                .zip(&row.keys)
                .map(|((name, _), key)| ((*name).to_owned(), json!(key)))
                .collect();
            object.insert("key".into(), Json::Object(keys));
        }
        for (name, value) in figures(row, &currency) {
            object.insert(name.into(), value);
        }
        Json::Object(object)
    };
    let body = json!({
        "data": {
            "groupBy": groups.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            "groups": rows.iter().map(|row| group(row, true)).collect::<Vec<_>>(),
            "total": total.first().map(|row| group(row, false)).unwrap_or(Json::Null),
        }
    });
    Ok(reply::json(StatusCode::OK, &body, is_pretty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_order() {
        let cursor = Cursor {
            key: "22000.5".into(),
            procedure_id: "abc".into(),
        };
        let text = encode_cursor(Sort::Value, true, &cursor);
        assert_eq!(decode_cursor(Sort::Value, true, &text).unwrap(), cursor);
        assert!(decode_cursor(Sort::Value, false, &text).is_err());
        assert!(decode_cursor(Sort::Date, true, &text).is_err());
        assert!(decode_cursor(Sort::Value, true, "!!").is_err());
        assert!(decode_cursor(Sort::Value, true, &URL_SAFE_NO_PAD.encode("[1]")).is_err());
    }

    #[test]
    fn dates_are_kyiv_days_or_timestamps() {
        assert_eq!(
            moment("date_from", "2024-07-01").unwrap(),
            "2024-06-30T21:00:00.000000Z"
        );
        assert_eq!(
            moment("date_from", "2024-01-01T00:00:00+02:00").unwrap(),
            "2023-12-31T22:00:00.000000Z"
        );
        assert!(moment("date_from", "yesterday").is_err());
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(csv_field(&json!("Київ")), "Київ");
        assert_eq!(csv_field(&json!("a,b")), "\"a,b\"");
        assert_eq!(csv_field(&json!("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field(&json!(2.5)), "2.5");
        assert_eq!(csv_field(&Json::Null), "");
    }
}
