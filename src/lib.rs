//! icamo: realist evaluation from transcripts.

pub mod lang;
pub mod transcript;
