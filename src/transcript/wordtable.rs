//! Transcripts laid out as a Word table, one row per turn, as transcription services and
//! Teams-to-Word conversions write them: columns `time | speaker | text`, `speaker | text` or
//! `speaker | time | text`, with or without a header row (`Tijd | Spreker | Tekst`,
//! `Timestamp | Speaker | Transcript`).
//!
//! With a header row the columns are taken from it. Without one, each row is read by what its
//! cells hold: a cell that is only a time (`00:04:12`, `4:12`, `0:0:5.100 --> 0:0:8.250`) is
//! the time, the last other cell with text is the text, and a cell before it that is a speaker
//! label (as [`super::text`] reads labels) is the speaker. A row without a speaker continues the
//! turn before it (a service splits a long turn over rows; Word repeats no name).

use super::text::{parse_label_only, parse_timestamp};

/// Which column holds what, from a header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Columns {
    /// The time column.
    pub time: Option<usize>,
    /// The speaker column.
    pub speaker: Option<usize>,
    /// The text column.
    pub text: Option<usize>,
}

/// What one row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// The speaker, `None` for a row that continues the turn before it.
    pub speaker: Option<String>,
    /// Start time in milliseconds.
    pub start_ms: Option<u64>,
    /// End time, where the time cell gives a range.
    pub end_ms: Option<u64>,
    /// The column of the spoken text, if the row has any.
    pub text: Option<usize>,
}

/// Header words for each column, lowercase, in Dutch and English.
const TIME_WORDS: &[&str] = &[
    "tijd",
    "tijdstip",
    "tijdcode",
    "starttijd",
    "begin",
    "time",
    "timestamp",
    "time stamp",
    "timecode",
    "start",
    "start time",
    "tc",
];
const SPEAKER_WORDS: &[&str] = &[
    "spreker",
    "naam",
    "deelnemer",
    "persoon",
    "wie",
    "speaker",
    "speaker name",
    "name",
    "participant",
];
const TEXT_WORDS: &[&str] = &[
    "tekst",
    "transcript",
    "transcriptie",
    "uitspraak",
    "inhoud",
    "text",
    "statement",
    "content",
    "utterance",
    "dialogue",
    "dialoog",
];

/// The columns of a header row, if `cells` is one: two or more cells named as a time,
/// speaker or text column, one of them the speaker or the text.
pub(crate) fn header(cells: &[String]) -> Option<Columns> {
    let mut columns = Columns::default();
    let mut named = 0;
    for (i, cell) in cells.iter().enumerate() {
        let word = cell.trim().trim_end_matches(':').trim().to_lowercase();
        let slot = if TIME_WORDS.contains(&word.as_str()) {
            &mut columns.time
        } else if SPEAKER_WORDS.contains(&word.as_str()) {
            &mut columns.speaker
        } else if TEXT_WORDS.contains(&word.as_str()) {
            &mut columns.text
        } else {
            continue;
        };
        if slot.is_none() {
            *slot = Some(i);
            named += 1;
        }
    }
    (named >= 2 && (columns.speaker.is_some() || columns.text.is_some())).then_some(columns)
}

/// A time as transcription tools write it: `hh:mm:ss`, `mm:ss`, with `.mmm` or `,mmm`, and
/// Teams' older unpadded `0:0:5.100`.
pub(crate) fn loose_time(s: &str) -> Option<u64> {
    let s = s
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    if let Some(ms) = parse_timestamp(s) {
        return Some(ms);
    }
    let (clock, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let parts: Vec<u64> = clock
        .split(':')
        .map(|p| {
            (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] if *m < 60 && *s < 60 => (*h, *m, *s),
        [m, s] if *s < 60 => (0, *m, *s),
        _ => return None,
    };
    if !frac.is_empty() && (frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let ms: u64 = format!("{frac:0<3}").parse().unwrap_or(0);
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// A cell holding only a time or a range `start --> end`.
pub(crate) fn time_range(s: &str) -> Option<(u64, Option<u64>)> {
    match s.split_once("-->") {
        Some((a, b)) => Some((loose_time(a)?, Some(loose_time(b)?))),
        None => loose_time(s).map(|t| (t, None)),
    }
}

/// Reads one row's cells (each cell's paragraphs joined by spaces).
pub(crate) fn read_row(cells: &[String], columns: Option<&Columns>) -> Row {
    let filled = |i: usize| cells.get(i).is_some_and(|c| !c.trim().is_empty());
    let (time, speaker, text) = match columns {
        Some(c) => (c.time, c.speaker, c.text.filter(|&i| filled(i))),
        None => {
            let time = (0..cells.len()).find(|&i| time_range(&cells[i]).is_some());
            let text = (0..cells.len())
                .rev()
                .find(|&i| Some(i) != time && filled(i));
            let speaker = (0..cells.len()).find(|&i| {
                Some(i) != time && Some(i) != text && filled(i) && label(&cells[i]).is_some()
            });
            (time, speaker, text)
        }
    };
    let (mut start_ms, end_ms) = time
        .and_then(|i| time_range(&cells[i]))
        .map_or((None, None), |(s, e)| (Some(s), e));
    let speaker = speaker.filter(|&i| filled(i)).and_then(|i| {
        let (name, ms) = label(&cells[i])?;
        start_ms = start_ms.or(ms);
        Some(name)
    });
    Row {
        speaker,
        start_ms,
        end_ms,
        text,
    }
}

/// A speaker cell: a label, perhaps with a time (`Petra van Dijk 00:04:12`) or a colon.
fn label(cell: &str) -> Option<(String, Option<u64>)> {
    parse_label_only(cell.trim().trim_end_matches(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_rows_in_dutch_and_english() {
        assert_eq!(
            header(&cells(&["Tijd", "Spreker", "Tekst"])),
            Some(Columns {
                time: Some(0),
                speaker: Some(1),
                text: Some(2)
            })
        );
        assert_eq!(
            header(&cells(&["Speaker", "Timestamp", "Transcript"])),
            Some(Columns {
                time: Some(1),
                speaker: Some(0),
                text: Some(2)
            })
        );
        assert_eq!(header(&cells(&["00:00:01", "Amal", "Tijd is geld."])), None);
    }

    #[test]
    fn rows_without_a_header_are_read_by_their_cells() {
        let row = read_row(
            &cells(&["00:04:12", "Petra van Dijk", "Goed, dank u."]),
            None,
        );
        assert_eq!(row.speaker.as_deref(), Some("Petra van Dijk"));
        assert_eq!((row.start_ms, row.text), (Some(252_000), Some(2)));
        let row = read_row(&cells(&["Amal:", "Ik werk drie dagen."]), None);
        assert_eq!((row.speaker.as_deref(), row.text), (Some("Amal"), Some(1)));
        let row = read_row(&cells(&["0:0:5.100 --> 0:0:8.250", "Amal", "Ja."]), None);
        assert_eq!((row.start_ms, row.end_ms), (Some(5_100), Some(8_250)));
        let row = read_row(&cells(&["", "en dan nog dit."]), None);
        assert_eq!((row.speaker, row.text), (None, Some(1)));
    }
}
