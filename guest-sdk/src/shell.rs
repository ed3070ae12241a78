//! Shell command analysis (being written).
