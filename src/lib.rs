//! icamo: realist evaluation from transcripts.

pub mod index;
pub mod lang;
pub mod transcript;
