//! `icamo site`: the quote site for advisory panels, and `--check` of a generated one.

use std::path::PathBuf;

use icamo::error::Error;
use icamo::privacy::Identities;
use icamo::render::site;

use super::emit::note;

/// Write the quote site for advisory panels, or check outputs for names
///
/// Writes one self-contained index.html (default: out/site/ in the study) that opens from
/// disk or any web server, loads nothing from outside and reads well on a phone: the ICAMO
/// figures (click a mechanism or context factor to see its quotes), the quotes with filters
/// for configuration, mechanism, context factor, role, each speaker attribute a [[perspectives]]
/// entry splits by (split_by = "route"), case, stance and free text, and a glossary in plain
/// Dutch. Codes are shown by their plain label from the codebook (plain = "..."), the
/// codebook's label small below it; a filter offers only values that change what is shown;
/// a mechanism whose interventions are marked in_use = false says "nog niet in gebruik".
/// Deep links: index.html#m=icamo1.m3&role=statushouder (keys cfg, m, c, role, a.ATTRIBUTE,
/// case, stance, q).
///
/// Privacy: only confirmed codings; role labels only (a turn an interpreter spoke under the
/// role of whom they interpret for, "gezinsmigrant (via tolk)"); names, pseudonyms, labels of
/// speakers the manifest does not list and respondent ids in the text replaced by [naam] /
/// [nummer]; a quote whose role has only one person in its case is shown without the case and
/// with ⚠, as in the report; so is a quote whose role, case and split-by attribute together
/// point at one person. `icamo quotes --panel` gives the same selection on the command
/// line. Writing the page checks it, and fails naming file:line:column on a name.
///
/// --check DIR scans every file under DIR (a site, or all of out/: report, summary, figures,
/// site) for the manifest's real names, pseudonyms, speaker labels and respondent ids, and the
/// labels of speakers the transcripts have but the manifest does not list (whole words), and
/// fails naming each with file:line:column and the name itself.
///
/// Examples:
///   icamo site
///   icamo site --out /tmp/panel && icamo site --check /tmp/panel
///   icamo quotes --panel --mechanism icamo1.m3 --role statushouder --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub(super) struct Args {
    /// The output folder; default: out/site in the study.
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    out: Option<PathBuf>,
    /// Check the files under DIR (a site, or out/) for names and respondent ids instead of
    /// writing a site.
    #[arg(long, value_name = "DIR")]
    check: Option<PathBuf>,
}

pub(super) fn execute(args: Args, global: &super::Global) -> Result<(), Error> {
    if let Some(dir) = args.check {
        let study = global.study()?;
        if !study.is_ingested() && !global.quiet {
            note!(
                "the study has not been ingested, so this check knows only the names in icamo.toml, not the speakers the transcripts have that it does not list (run icamo ingest first)"
            );
        }
        let found = Identities::of_study(&study)?.check(&dir)?;
        if found.is_empty() {
            if !global.quiet {
                note!(
                    "{}: no real names, pseudonyms, speaker labels, unlisted speakers or respondent ids found",
                    dir.display()
                );
            }
            return Ok(());
        }
        let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
        return Err(Error::Other(format!(
            "{} identifying string(s) in the files under {}:\n{}",
            found.len(),
            dir.display(),
            lines.join("\n")
        )));
    }
    let study = global.evidence_study()?;
    let model = icamo::pipeline::load_model(&study, &[])?;
    super::codings::warn(&study, global, Some(&model.codes()))?;
    let out = args
        .out
        .unwrap_or_else(|| study.root.join("out").join("site"));
    let path = site::write(&study, &model, &out)?;
    if !global.quiet {
        note!("wrote {}", path.display());
    }
    Ok(())
}
