//! Read models built only from the global event log: tender documents, the
//! change feed, search and statistics. (The read side is the next milestone;
//! see `docs/architecture.md`.)
