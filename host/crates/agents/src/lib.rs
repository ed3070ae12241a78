//! Agent adapters (being written).
