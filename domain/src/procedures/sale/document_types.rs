//! The document types a sale's procedure and its bids may carry
//! (`multi-award-sale.md` §6.4, §6.5).

/// Document types of the procedure itself (§6.4; REM-era list, Q26).
pub const PROCEDURE_DOCUMENT_TYPES: [&str; 9] = [
    "illustration",
    "technicalSpecifications",
    "evaluationCriteria",
    "contractProforma",
    "x_lotInfoEN",
    "x_verificationAct",
    "guaranteeTemplate",
    "clarifications",
    "digitalSignature",
];

/// Document types a bid may carry (§6.5; REM-era list, Q26, with the
/// Cyrillic "х" of `x_ultimateBeneficiaryInfo` read as Latin).
pub const BID_DOCUMENT_TYPES: [&str; 8] = [
    "auctionProtocol",
    "x_guarantee",
    "x_ultimateBeneficiaryInfo",
    "x_governingBodyInfo",
    "x_relatedParties",
    "x_generationType",
    "eligibilityDocuments",
    "digitalSignature",
];
