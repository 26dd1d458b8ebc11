//! The statuses a sale's procedure passes through.

use serde::{Deserialize, Serialize};

/// Procedure statuses of `multi-award-sale.md` §3.1 (the BSM set, not the
/// REM-era model enum), which every sale goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStatus {
    ActiveTendering,
    ActiveAuction,
    ActiveQualification,
    ActiveAwarded,
    Complete,
    Unsuccessful,
    Cancelled,
}

impl ProcedureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureStatus::ActiveTendering => "active_tendering",
            ProcedureStatus::ActiveAuction => "active_auction",
            ProcedureStatus::ActiveQualification => "active_qualification",
            ProcedureStatus::ActiveAwarded => "active_awarded",
            ProcedureStatus::Complete => "complete",
            ProcedureStatus::Unsuccessful => "unsuccessful",
            ProcedureStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ProcedureStatus::Complete | ProcedureStatus::Unsuccessful | ProcedureStatus::Cancelled
        )
    }

    /// Qualification is under way: awards and contracts may be worked on.
    pub fn in_qualification(self) -> bool {
        matches!(
            self,
            ProcedureStatus::ActiveQualification | ProcedureStatus::ActiveAwarded
        )
    }
}
