//! What a search or a statistics request asks of the search index, and the
//! SQL both read stores run for it. The SQL is written once with the
//! differences of the two backends named in [`Dialect`], so that the same
//! query gives the same rows on both.

use rust_decimal::Decimal;

use crate::search::{CLASSIFICATION, REGION, TENDERER, sortable_amount};

/// The timestamps a search can bound (inclusive from, exclusive to; both
/// UTC instants in the index's format, [`crate::search::instant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Date,
    DateModified,
    TenderStart,
    TenderEnd,
    AuctionStart,
}

impl DateField {
    /// The name in the API (`tenderPeriod.startDate`).
    pub const ALL: [(&'static str, DateField); 5] = [
        ("date", DateField::Date),
        ("dateModified", DateField::DateModified),
        ("tenderPeriod.startDate", DateField::TenderStart),
        ("tenderPeriod.endDate", DateField::TenderEnd),
        ("auctionPeriod.startDate", DateField::AuctionStart),
    ];

    fn column(self) -> &'static str {
        match self {
            DateField::Date => "s.date",
            DateField::DateModified => "s.date_modified",
            DateField::TenderStart => "s.tender_start",
            DateField::TenderEnd => "s.tender_end",
            DateField::AuctionStart => "s.auction_start",
        }
    }
}

/// Which procedures: every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `procurementMethodType` / `sellingMethod`, any of.
    pub methods: Vec<String>,
    pub statuses: Vec<String>,
    /// The buyer's or seller's identifier code.
    pub buyer: Option<String>,
    /// A disclosed tenderer's (or winner's) identifier code.
    pub tenderer: Option<String>,
    /// A prefix of any item's classification code.
    pub classification: Option<String>,
    /// Any item's region, exactly.
    pub region: Option<String>,
    pub currency: Option<String>,
    pub value_min: Option<Decimal>,
    pub value_max: Option<Decimal>,
    /// (field, from, to).
    pub dates: Vec<(DateField, Option<String>, Option<String>)>,
    /// Words ([`crate::search::words`]); each must begin a word of the
    /// title or the description.
    pub words: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    DateModified,
    Date,
    Value,
    /// Per word: 2 when a title word begins with it, plus 1 when a
    /// description word does.
    Relevance,
}

/// Where the last page ended: its last row's sort key and procedure id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key as [`SearchHit::key`] gives it.
    pub key: String,
    pub procedure_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub filter: Filter,
    pub sort: Sort,
    pub descending: bool,
    pub after: Option<Cursor>,
    pub limit: usize,
    /// Also return each hit's document body (for `opt_fields`).
    pub with_body: bool,
}

/// One procedure found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub procedure_id: String,
    pub kind: String,
    /// As the document shows it (Kyiv time).
    pub date_modified: String,
    /// The sort key, backend-independent: a timestamp, a decimal amount
    /// (empty when the procedure has none) or a relevance score.
    pub key: String,
    pub body: Option<String>,
}

/// What statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The month of `date` in Kyiv time.
    Month,
    Method,
    Status,
    Buyer,
    /// The first item's classification code, cut to `prefix` characters.
    Classification,
    /// The first item's region.
    Region,
}

impl Group {
    pub const ALL: [(&'static str, Group); 6] = [
        ("month", Group::Month),
        ("procurementMethodType", Group::Method),
        ("status", Group::Status),
        ("buyer", Group::Buyer),
        ("classification", Group::Classification),
        ("region", Group::Region),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    pub filter: Filter,
    pub groups: Vec<Group>,
    /// The classification prefix length for [`Group::Classification`].
    pub prefix: usize,
    /// Sums are of amounts in this currency only.
    pub currency: String,
}

/// One group's figures (sums as exact decimals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRow {
    pub keys: Vec<String>,
    pub procedures: u64,
    /// Procedures whose bids are disclosed, and their bids.
    pub with_bids: u64,
    pub bids: u64,
    /// The expected values in the currency.
    pub value: Decimal,
    /// Procedures with something awarded in the currency, their expected
    /// values, and what was awarded.
    pub awarded_procedures: u64,
    pub awarded_expected: Decimal,
    pub awarded: Decimal,
}

/// The two SQL dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int(i64),
}

/// SQL text with its parameters, numbered as the dialect writes them.
pub struct Sql {
    dialect: Dialect,
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            text: String::new(),
            params: Vec::new(),
        }
    }

    /// Binds `param` and answers its placeholder.
    fn bind(&mut self, param: Param) -> String {
        let int = matches!(param, Param::Int(_));
        self.params.push(param);
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.params.len()),
            // Typed, or PostgreSQL would infer `integer` from the context.
            Dialect::Postgres if int => format!("${}::int8", self.params.len()),
            Dialect::Postgres => format!("${}", self.params.len()),
        }
    }

    fn text(&mut self, text: &str) -> String {
        self.bind(Param::Text(text.to_owned()))
    }

    /// An amount placeholder compared with the `amount` column.
    fn amount(&mut self, amount: Decimal) -> String {
        match self.dialect {
            Dialect::Sqlite => self.text(&sortable_amount(amount)),
            Dialect::Postgres => format!("{}::text::numeric", self.text(&amount.to_string())),
        }
    }

    /// `s.procedure_id IN (…)` for procedures with a facet value (or a
    /// prefix of one).
    fn facet(&mut self, facet: &str, value: &str, prefix: bool) -> String {
        let facet = self.text(facet);
        let condition = if prefix {
            // Every code beginning with `value` sorts between it and it
            // followed by the last character there is.
            let low = self.text(value);
            let high = self.text(&format!("{value}\u{10FFFF}"));
            format!("x.value >= {low} AND x.value < {high}")
        } else {
            format!("x.value = {}", self.text(value))
        };
        format!(
            "s.procedure_id IN (SELECT x.procedure_id FROM read_search_facets x \
             WHERE x.facet = {facet} AND {condition})"
        )
    }

    /// Procedures whose words match `expression` (in the dialect's syntax).
    fn matches(&mut self, column: Option<&str>, words: &[String]) -> String {
        match self.dialect {
            Dialect::Sqlite => {
                let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                let expression = match column {
                    Some(column) if terms.len() == 1 => format!("{column} : {}", terms[0]),
                    Some(column) => format!("{column} : ({})", terms.join(" AND ")),
                    None => terms.join(" AND "),
                };
                let expression = self.text(&expression);
                format!(
                    "s.id IN (SELECT rowid FROM read_search_text WHERE read_search_text MATCH {expression})"
                )
            }
            Dialect::Postgres => {
                let terms: Vec<String> = words.iter().map(|w| format!("{w}:*")).collect();
                let expression = self.text(&terms.join(" & "));
                let column = match column {
                    Some("title") => "s.title_words",
                    Some(_) => "s.description_words",
                    None => "s.words",
                };
                format!("{column} @@ to_tsquery('simple', {expression})")
            }
        }
    }

    fn relevance(&mut self, words: &[String]) -> String {
        if words.is_empty() {
            return "0".into();
        }
        let scores: Vec<String> = words
            .iter()
            .flat_map(|word| {
                let word = std::slice::from_ref(word);
                [
                    format!(
                        "(CASE WHEN {} THEN 2 ELSE 0 END)",
                        self.matches(Some("title"), word)
                    ),
                    format!(
                        "(CASE WHEN {} THEN 1 ELSE 0 END)",
                        self.matches(Some("description"), word)
                    ),
                ]
            })
            .collect();
        format!("({})", scores.join(" + "))
    }

    /// The `WHERE` conditions of `filter` (`1 = 1` for none).
    fn filter(&mut self, filter: &Filter) -> String {
        let mut conditions = vec!["1 = 1".to_owned()];
        for (column, values) in [
            ("s.method", &filter.methods),
            ("s.status", &filter.statuses),
        ] {
            if !values.is_empty() {
                let list: Vec<String> = values.iter().map(|v| self.text(v)).collect();
                conditions.push(format!("{column} IN ({})", list.join(", ")));
            }
        }
        if let Some(buyer) = &filter.buyer {
            conditions.push(format!("s.buyer = {}", self.text(buyer)));
        }
        if let Some(tenderer) = &filter.tenderer {
            conditions.push(self.facet(TENDERER, tenderer, false));
        }
        if let Some(prefix) = &filter.classification {
            conditions.push(self.facet(CLASSIFICATION, prefix, true));
        }
        if let Some(region) = &filter.region {
            conditions.push(self.facet(REGION, region, false));
        }
        if let Some(currency) = &filter.currency {
            conditions.push(format!("s.currency = {}", self.text(currency)));
        }
        if let Some(min) = filter.value_min {
            conditions.push(format!("s.amount >= {}", self.amount(min)));
        }
        if let Some(max) = filter.value_max {
            conditions.push(format!("s.amount <= {}", self.amount(max)));
        }
        for (field, from, to) in &filter.dates {
            let column = field.column();
            // A procedure without the date (empty) is outside any range.
            conditions.push(format!("{column} <> ''"));
            if let Some(from) = from {
                conditions.push(format!("{column} >= {}", self.text(from)));
            }
            if let Some(to) = to {
                conditions.push(format!("{column} < {}", self.text(to)));
            }
        }
        if !filter.words.is_empty() {
            conditions.push(self.matches(None, &filter.words));
        }
        conditions.join(" AND ")
    }
}

/// The key expression of a sort, as SQL giving text or an integer.
fn sort_key(sql: &mut Sql, query: &SearchQuery) -> String {
    match (query.sort, sql.dialect) {
        (Sort::DateModified, _) => "s.date_modified".into(),
        (Sort::Date, _) => "s.date".into(),
        (Sort::Value, Dialect::Sqlite) => "coalesce(s.amount, '')".into(),
        (Sort::Value, Dialect::Postgres) => "coalesce(s.amount, -1)".into(),
        (Sort::Relevance, _) => sql.relevance(&query.filter.words),
    }
}

/// The cursor's key as a placeholder compared with the sort key.
fn cursor_key(sql: &mut Sql, sort: Sort, key: &str) -> String {
    match (sort, sql.dialect) {
        (Sort::Relevance, _) => sql.bind(Param::Int(key.parse().unwrap_or(0))),
        (Sort::Value, Dialect::Sqlite) => {
            let sortable = key
                .parse::<Decimal>()
                .map(sortable_amount)
                .unwrap_or_default();
            sql.text(&sortable)
        }
        (Sort::Value, Dialect::Postgres) => {
            let amount = if key.is_empty() { "-1" } else { key };
            format!("{}::text::numeric", sql.text(amount))
        }
        _ => sql.text(key),
    }
}

/// A page of the search: hits in the order asked, ties by procedure id in
/// the same direction. Columns: procedure id, kind, the feed's
/// `dateModified`, the key (as text), the body (or NULL).
pub fn search_sql(dialect: Dialect, query: &SearchQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    let key = sort_key(&mut sql, query);
    let conditions = sql.filter(&query.filter);
    let (order, before) = if query.descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    let mut page = String::new();
    if let Some(cursor) = &query.after {
        let last_key = cursor_key(&mut sql, query.sort, &cursor.key);
        let last_id = sql.text(&cursor.procedure_id);
        page = format!(
            " AND ({key} {before} {last_key} OR ({key} = {last_key} AND s.procedure_id {before} {last_id}))"
        );
    }
    let limit = sql.bind(Param::Int(query.limit as i64));
    let body = if query.with_body {
        "(SELECT d.body FROM read_documents d WHERE d.procedure_id = s.procedure_id)"
    } else {
        "NULL"
    };
    let key_text = match dialect {
        Dialect::Sqlite => format!("CAST({key} AS TEXT)"),
        Dialect::Postgres => format!("({key})::text"),
    };
    sql.text = format!(
        "SELECT s.procedure_id, s.kind, coalesce(f.date_modified, ''), {key_text}, {body} \
         FROM read_search s LEFT JOIN read_feed f ON f.procedure_id = s.procedure_id \
         WHERE {conditions}{page} ORDER BY {key} {order}, s.procedure_id {order} LIMIT {limit}"
    );
    sql
}

/// The statistics of the groups, ordered by their keys. Columns: one per
/// group, then procedures, procedures with bids, bids, the value sum, the
/// awarded procedures, their expected sum, the awarded sum (sums as text;
/// the SQLite store defines `cdb_decimal_sum`).
pub fn stats_sql(dialect: Dialect, query: &StatsQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    let conditions = sql.filter(&query.filter);
    let currency = sql.text(&query.currency);
    // A number of ours, not the client's text.
    let prefix = query.prefix;
    let keys: Vec<String> = query
        .groups
        .iter()
        .map(|group| match group {
            Group::Month => "s.month".to_owned(),
            Group::Method => "s.method".to_owned(),
            Group::Status => "s.status".to_owned(),
            Group::Buyer => "s.buyer".to_owned(),
            Group::Classification => format!("substr(s.classification, 1, {prefix})"),
            Group::Region => "s.region".to_owned(),
        })
        .collect();
    let (sum, text) = match dialect {
        Dialect::Sqlite => ("cdb_decimal_sum", ""),
        Dialect::Postgres => ("sum", "::text"),
    };
    let in_currency = format!("s.currency = {currency}");
    let columns = [
        "count(*)".to_owned(),
        "count(s.bids)".to_owned(),
        "CAST(coalesce(sum(s.bids), 0) AS BIGINT)".to_owned(),
        format!("{sum}(CASE WHEN {in_currency} THEN s.amount END){text}"),
        format!("count(CASE WHEN {in_currency} AND s.awarded IS NOT NULL THEN 1 END)"),
        format!("{sum}(CASE WHEN {in_currency} AND s.awarded IS NOT NULL THEN s.amount END){text}"),
        format!("{sum}(CASE WHEN {in_currency} THEN s.awarded END){text}"),
    ];
    let mut select = keys.clone();
    select.extend(columns);
    let grouping = if keys.is_empty() {
        String::new()
    } else {
        let numbers: Vec<String> = (1..=keys.len()).map(|n| n.to_string()).collect();
        format!(" GROUP BY {0} ORDER BY {0}", numbers.join(", "))
    };
    sql.text = format!(
        "SELECT {} FROM read_search s WHERE {conditions}{grouping}",
        select.join(", ")
    );
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(filter: Filter) -> SearchQuery {
        SearchQuery {
            filter,
            sort: Sort::Relevance,
            descending: true,
            after: Some(Cursor {
                key: "3".into(),
                procedure_id: "p".into(),
            }),
            limit: 10,
            with_body: false,
        }
    }

    #[test]
    fn every_value_is_bound_never_spliced() {
        let hostile = "x' OR 1=1 --";
        let filter = Filter {
            methods: vec![hostile.into()],
            buyer: Some(hostile.into()),
            region: Some(hostile.into()),
            classification: Some(hostile.into()),
            words: vec!["папір".into()],
            ..Filter::default()
        };
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let sql = search_sql(dialect, &query(filter.clone()));
            assert!(!sql.text.contains(hostile), "{}", sql.text);
            assert!(!sql.text.contains("папір"), "{}", sql.text);
            assert!(sql.params.contains(&Param::Text(hostile.into())));
        }
    }

    #[test]
    fn placeholders_follow_the_dialect() {
        let sqlite = search_sql(Dialect::Sqlite, &query(Filter::default()));
        let postgres = search_sql(Dialect::Postgres, &query(Filter::default()));
        assert!(sqlite.text.contains("?1") && !sqlite.text.contains('$'));
        assert!(postgres.text.contains("$1") && !postgres.text.contains("?1"));
        assert_eq!(sqlite.params, postgres.params);
    }
}
