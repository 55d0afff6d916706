//! icamo: realist evaluation from transcripts.
//!
//! The pipeline runs one way: transcripts are parsed into [`transcript::Segment`]s
//! ([`transcript`]), which the [`manifest`] gives speakers, roles and cases ([`corpus`]);
//! [`ingest`] stores them and builds the search [`index`]; [`stats`] summarises a study.
//! A [`study::Study`] is the folder all of this happens in. [`pipeline::build`] runs every
//! stage on a study, as `icamo build` does; [`quotes`] and [`export`] give what a study holds
//! as quotes and as tables. The `icamo` command is a thin layer over these.
//!
//! ```no_run
//! use icamo::{ingest, stats::Stats, study::Study};
//! let study = Study::locate(None)?; // --study, $ICAMO_STUDY, or the nearest icamo.toml
//! ingest::ingest(&study, &ingest::IngestOptions::default())?;
//! let stats = Stats::of(&study.all_segments()?);
//! print!("{}", stats.to_text(&study.manifest.study.name));
//! # Ok::<(), icamo::Error>(())
//! ```

#![deny(missing_docs)]

pub mod agree;
pub mod chain;
pub mod codebook;
pub mod coding;
pub mod corpus;
pub mod error;
pub mod export;
pub mod filter;
pub mod findings;
pub mod fsutil;
pub mod index;
pub mod ingest;
pub mod interop;
pub mod lang;
pub mod manifest;
pub mod pipeline;
pub mod privacy;
pub mod quotes;
pub mod render;
pub mod semantic;
pub mod stats;
pub(crate) mod store;
pub mod study;
pub mod transcript;

pub use error::Error;
