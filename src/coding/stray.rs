//! Codings whose code no codebook has: a code renamed or deleted in the codebook leaves its
//! codings behind, and counting without them would shrink the evidence without a word. Every
//! command that counts evidence refuses them, naming each by coder file and line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::model::Coding;
use crate::codebook::{CodebookSet, Codes, read_text};
use crate::error::Error;
use crate::fsutil::AtomicFile;
use crate::study::CODINGS_DIR;

/// A coding whose code is in none of the codebooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stray {
    /// The coder's file, relative to the study.
    pub file: PathBuf,
    /// Its line there.
    pub line: usize,
    /// The code it names.
    pub code: String,
    /// A known code id close to it, if there is one.
    pub meant: Option<String>,
}

/// Every coding of `coders` whose code `codes` lacks, in coder and line order.
pub(crate) fn stray_codings(coders: &BTreeMap<String, Vec<Coding>>, codes: &Codes) -> Vec<Stray> {
    let mut out = Vec::new();
    for (coder, codings) in coders {
        for c in codings.iter().filter(|c| codes.get(&c.code).is_none()) {
            out.push(Stray {
                file: PathBuf::from(CODINGS_DIR).join(format!("{coder}.csv")),
                line: c.line,
                code: c.code.clone(),
                meant: codes.closest(&c.code).map(str::to_string),
            });
        }
    }
    out.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out
}

/// An error listing the codings of `coders` whose code `codes` lacks, if there are any.
pub fn ensure_known_codes(
    coders: &BTreeMap<String, Vec<Coding>>,
    codes: &Codes,
) -> Result<(), Error> {
    let strays = stray_codings(coders, codes);
    if strays.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "{} coding{} name{} a code that no codebook has, so {} count nowhere:",
        strays.len(),
        if strays.len() == 1 { "" } else { "s" },
        if strays.len() == 1 { "s" } else { "" },
        if strays.len() == 1 {
            "it would"
        } else {
            "they would"
        },
    );
    for s in &strays {
        let _ = write!(
            message,
            "\n{}:{}: code \"{}\" is in no codebook",
            s.file.display(),
            s.line,
            s.code
        );
        if let Some(m) = &s.meant {
            let _ = write!(message, "; did you mean \"{m}\"?");
        }
    }
    message.push_str(
        "\nA code renamed in the codebook: `icamo codebook rename OLD NEW` renames it in the \
         codebooks, findings.toml and the coders' files. A code deleted: delete its codings, or put it back.",
    );
    Err(Error::Other(message))
}

/// What [`rename_code`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renamed {
    /// The codebook files rewritten.
    pub codebooks: Vec<PathBuf>,
    /// The coders' files rewritten.
    pub coder_files: Vec<PathBuf>,
    /// The findings file, where it names the code and was rewritten.
    pub findings: Option<PathBuf>,
    /// Codings renamed in them.
    pub codings: usize,
    /// Inline tags that still name the old id, as (transcript, count): tags are the
    /// transcripts' text, which this does not rewrite.
    pub tags: Vec<(String, usize)>,
}

/// Renames the code `old` to `new` everywhere icamo keeps its id: in the codebooks at
/// `paths` (its own `id`, the `parent` of the codes under it, the configurations that name
/// it: every TOML string that is exactly `old`), in the findings file (the codes its findings
/// rest on) and in every coder's file. All files are
/// written to temporary files first and put in place only when every one was written, under
/// the study's lock. `old` must be a code of the codebooks (found ignoring capitals) and
/// `new` must not be one.
pub fn rename_code(
    study: &crate::study::Study,
    paths: &[PathBuf],
    old: &str,
    new: &str,
) -> Result<Renamed, Error> {
    if new.is_empty()
        || new
            .chars()
            .any(|c| c.is_whitespace() || "\"',;{}".contains(c))
    {
        return Err(Error::Usage(format!(
            "\"{new}\" is not a code id: write it without spaces, quotes, commas or braces, \
             like m.overzicht"
        )));
    }
    let _lock = study.lock()?;
    let set = CodebookSet::load(paths)?;
    let codes = set.codes();
    let old = codes.resolve(old)?;
    let old = old.as_str();
    if codes.get(new).is_some() {
        return Err(Error::Usage(format!(
            "a code \"{new}\" exists already: renaming \"{old}\" to it would make two codes one; \
             choose another id"
        )));
    }
    let mut renamed = Renamed::default();
    let mut pending: Vec<AtomicFile> = Vec::new();
    for path in paths {
        let text = read_text(path)?;
        let rewritten = replace_toml_string(&text, old, new);
        if rewritten == text {
            continue;
        }
        CodebookSet::parse(path, &rewritten)?;
        let mut file = AtomicFile::create(path)?;
        file.write(rewritten.as_bytes())?;
        pending.push(file);
        renamed.codebooks.push(path.clone());
    }
    let findings = study.findings_path();
    match std::fs::read_to_string(&findings) {
        Ok(text) => {
            let rewritten = replace_toml_string(&text, old, new);
            if rewritten != text {
                let mut file = AtomicFile::create(&findings)?;
                file.write(rewritten.as_bytes())?;
                pending.push(file);
                renamed.findings = Some(findings);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&findings, e)),
    }
    for (coder, mut codings) in super::manual::load_all_coders(study)? {
        let n = codings.iter().filter(|c| c.code == old).count();
        if n == 0 {
            continue;
        }
        for c in codings.iter_mut().filter(|c| c.code == old) {
            c.code = new.to_string();
        }
        let path = super::manual::coder_file(study, &coder);
        super::model::sort_codings(&mut codings);
        let mut file = AtomicFile::create(&path)?;
        file.write(&super::manual::codings_csv(&codings, false)?)?;
        pending.push(file);
        renamed.coder_files.push(path);
        renamed.codings += n;
    }
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    for t in super::manual::load_tag_codings(study)? {
        if t.code == old {
            let doc = crate::transcript::SegmentId::parse(&t.segment)
                .map_or(t.segment.clone(), |id| id.doc.to_string());
            *tags.entry(doc).or_default() += 1;
        }
    }
    renamed.tags = tags.into_iter().collect();
    for file in pending {
        file.commit()?;
    }
    Ok(renamed)
}

/// `text` with every TOML string that is exactly `old` (in double or single quotes) made `new`.
fn replace_toml_string(text: &str, old: &str, new: &str) -> String {
    text.replace(&format!("\"{old}\""), &format!("\"{new}\""))
        .replace(&format!("'{old}'"), &format!("'{new}'"))
}
