//! Exchange with other tools: REFI-QDA codebooks (`.qdc`) and projects (`.qdpx`), and the
//! tables a researcher opens in a spreadsheet or in R.
//!
//! Offsets are bytes everywhere else in icamo; here, at the REFI-QDA boundary, they become
//! Unicode code points, as the standard counts them.

pub mod guid;
pub mod qdc;
pub mod qdpx;
pub mod table;
pub mod xml;
