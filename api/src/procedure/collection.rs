//! The collections procedures live in. Several procedure types share one
//! collection (an open tender next to priceQuotation under
//! `/api/2.5/tenders`), so what a collection fixes is only its path, how its
//! errors name a procedure, and which body field picks the type.

/// How a create request naming no known type is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownType {
    /// The reference API's `Not implemented`.
    NotImplemented,
    /// `Value must be one of [...]`, listing the types served.
    OneOf,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Collection {
    /// The collection's path, e.g. `/api/2.5/tenders`.
    pub path: &'static str,
    /// How status errors call a procedure (`tender`, `procedure`).
    pub noun: &'static str,
    /// How errors name the procedure id (`tender_id`, `procedure_id`).
    pub id_field: &'static str,
    /// The `data` field of a create request that picks the procedure type.
    pub selector: &'static str,
    pub unknown_type: UnknownType,
}

/// The OpenProcurement tender collection.
pub static TENDERS: Collection = Collection {
    path: "/api/2.5/tenders",
    noun: "tender",
    id_field: "tender_id",
    selector: "procurementMethodType",
    unknown_type: UnknownType::NotImplemented,
};

/// Prozorro.sale's procedure collection.
pub static PROCEDURES: Collection = Collection {
    path: "/api/procedures",
    noun: "procedure",
    id_field: "procedure_id",
    selector: "sellingMethod",
    unknown_type: UnknownType::OneOf,
};
