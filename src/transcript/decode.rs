//! Turning a text file's bytes into a `String`: BOMs, UTF-16, line ends, and clear encoding errors.

use super::ParseError;

/// A text file decoded to UTF-8 with LF line ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text: UTF-8, byte order mark removed, every CRLF and lone CR turned into LF.
    /// All byte offsets of a parsed transcript point into this string.
    pub text: String,
    /// The encoding the file was in.
    pub encoding: Encoding,
    /// Whether the file had CRLF or lone CR line ends (now converted to LF).
    pub had_crlf: bool,
}

/// The encodings [`decode`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (`EF BB BF`), as Windows Notepad used to write it.
    Utf8Bom,
    /// UTF-16 little-endian with byte order mark (`FF FE`).
    Utf16Le,
    /// UTF-16 big-endian with byte order mark (`FE FF`).
    Utf16Be,
    /// Another encoding, by its WHATWG name (`windows-1252`): declared in the manifest, or
    /// recognised in a spreadsheet's CSV (see [`decode_or_windows_1252`]).
    Other(&'static str),
}

impl Encoding {
    /// A human-readable name (`UTF-8`, `UTF-8 with BOM`, `UTF-16LE`, `UTF-16BE`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Other(name) => name,
        }
    }
}

/// Windows-1252 characters for bytes 0x80–0x9F (where it differs from Latin-1); `None` where
/// the code page leaves the byte undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The character a byte stands for in Windows-1252 (Latin-1 above 0x9F).
fn cp1252(byte: u8) -> Option<char> {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => Some(char::from(byte)),
    }
}

/// Decodes a text file. Accepts UTF-8 with or without BOM and UTF-16 (LE or BE) with BOM;
/// removes the BOM (also one written twice) and converts CRLF and lone CR to LF.
///
/// Fails, with the position of the first bad byte and what to do about it, on invalid UTF-8
/// (typically a Windows-1252 / Latin-1 file), UTF-16 without a byte order mark, NUL bytes, and
/// binary files (ZIP/DOCX, PDF, old Word `.doc`).
pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    let (text, encoding) = if let Some(mut rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // A second mark (an editor that added one to a file that had one) is no content
        // either: left in, it would hide Markdown front matter or a WebVTT header.
        while let Some(r) = rest.strip_prefix(b"\xEF\xBB\xBF") {
            rest = r;
        }
        (utf8(rest)?, Encoding::Utf8Bom)
    } else if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Err(ParseError::at(
            0,
            "the file is UTF-32, which icamo does not read: save it as UTF-8",
        ));
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (
            leading_marks_removed(utf16(rest, u16::from_le_bytes)?),
            Encoding::Utf16Le,
        )
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (
            leading_marks_removed(utf16(rest, u16::from_be_bytes)?),
            Encoding::Utf16Be,
        )
    } else {
        check_binary(bytes)?;
        (utf8(bytes)?, Encoding::Utf8)
    };
    finish(text, encoding)
}

/// Decodes a text file in the encoding the manifest declares for it (`encoding =
/// "windows-1252"`). A byte order mark still wins, as in browsers: a file that starts with one
/// is UTF-8 or UTF-16 whatever was declared. A byte the encoding has no character for is an
/// error at its line and column.
pub fn decode_as(
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<Decoded, ParseError> {
    let has_bom = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|bom| bytes.starts_with(bom));
    if has_bom || encoding == encoding_rs::UTF_8 {
        return decode(bytes);
    }
    if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
        check_binary(bytes)?;
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        let at = text.find('\u{fffd}').unwrap_or(0);
        let (line, column) = position(&text, at);
        return Err(ParseError {
            line,
            column,
            message: format!(
                "the file is not {} as the manifest says (a byte here has no character in it): check its `encoding`",
                encoding.name()
            ),
        });
    }
    finish(text.into_owned(), Encoding::Other(encoding.name()))
}

/// Decodes a file a spreadsheet wrote: like [`decode`], but a file that is not UTF-8 and holds
/// no UTF-8 character at all is read as Windows-1252, which Excel on Windows in Western Europe
/// saves CSV in ("CSV (Comma delimited)"). The encoding says which it was. A file with UTF-8
/// characters and broken bytes too is damaged UTF-8, and stays an error.
pub fn decode_or_windows_1252(bytes: &[u8]) -> Result<Decoded, ParseError> {
    match decode(bytes) {
        Err(e) if std::str::from_utf8(bytes).is_err() && !holds_utf8_characters(bytes) => {
            decode_as(bytes, encoding_rs::WINDOWS_1252).map_err(|_| e)
        }
        other => other,
    }
}

/// Whether the bytes hold a valid UTF-8 character beyond ASCII.
fn holds_utf8_characters(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// The decoded text checked for NUL characters, with its line ends made LF.
fn finish(text: String, encoding: Encoding) -> Result<Decoded, ParseError> {
    if let Some(at) = text.find('\0') {
        let (line, column) = position(&text, at);
        return Err(ParseError {
            line,
            column,
            message: "NUL character in the text: the file is binary or damaged, or in an encoding \
                      icamo does not read; save it as UTF-8 text"
                .into(),
        });
    }
    let had_crlf = text.contains('\r');
    let text = if had_crlf {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    Ok(Decoded {
        text,
        encoding,
        had_crlf,
    })
}

/// `text` without the byte order marks (U+FEFF) it starts with.
fn leading_marks_removed(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(_) => text.trim_start_matches('\u{feff}').to_string(),
        None => text,
    }
}

/// Recognises binary files and BOM-less UTF-16 before trying UTF-8.
fn check_binary(bytes: &[u8]) -> Result<(), ParseError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ParseError::at(
            0,
            "the file is a ZIP archive (perhaps a Word .docx), not a text file: give it the \
             .docx extension or export it as text",
        ));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ParseError::at(
            0,
            "the file is a PDF, which icamo does not read: export the transcript as .txt or .docx",
        ));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(ParseError::at(
            0,
            "the file is an old binary Word document (.doc): open it in Word and save it as .docx",
        ));
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let pairs = sample.len() / 2;
    if pairs >= 2 && (nul_even.max(nul_odd)) * 10 >= pairs * 3 {
        let order = if nul_odd > nul_even {
            "little-endian"
        } else {
            "big-endian"
        };
        return Err(ParseError::at(
            0,
            format!(
                "the file looks like UTF-16 ({order}) without a byte order mark: save it as \
                 UTF-8 (or as UTF-16 with a BOM)"
            ),
        ));
    }
    Ok(())
}

/// UTF-8 validation with a positioned, helpful error.
fn utf8(bytes: &[u8]) -> Result<String, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let valid = e.valid_up_to();
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            let (line, column) = position(prefix, prefix.len());
            let bad = bytes[valid];
            let message = match (e.error_len(), cp1252(bad)) {
                (None, _) => format!(
                    "the file ends in the middle of a UTF-8 character (byte 0x{bad:02X}): it is \
                     probably truncated or not UTF-8; save it again as UTF-8"
                ),
                (Some(_), Some(c)) => format!(
                    "the file is not UTF-8 (byte 0x{bad:02X} is not valid UTF-8; in \
                     Windows-1252 / Latin-1 it is '{c}', so the file is probably in that \
                     encoding): save it as UTF-8"
                ),
                (Some(_), None) => format!(
                    "the file is not UTF-8 (byte 0x{bad:02X} is not valid UTF-8): save it as UTF-8"
                ),
            };
            Err(ParseError {
                line,
                column,
                message,
            })
        }
    }
}

/// UTF-16 decoding (BOM already removed) with a positioned error for broken surrogates.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ParseError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ParseError::at(
            0,
            "the file is UTF-16 but has an odd number of bytes: it is truncated or damaged",
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(e) => {
                let (line, column) = position(&out, out.len());
                return Err(ParseError {
                    line,
                    column,
                    message: format!(
                        "invalid UTF-16: unpaired surrogate 0x{:04X}; the file is damaged, save \
                         it again as UTF-8",
                        e.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// 1-based line and column (in characters) of byte offset `at` in not yet normalised text,
/// where CRLF, lone CR and LF all end a line.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let mut line = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_all_line_ends() {
        assert_eq!(position("ab", 2), (1, 3));
        assert_eq!(position("a\r\nb\rc\nd", 8), (4, 2));
        assert_eq!(position("é\ré", 5), (2, 2));
    }

    #[test]
    fn windows_1252_bytes() {
        assert_eq!(cp1252(0xE9), Some('é'));
        assert_eq!(cp1252(0x93), Some('“'));
        assert_eq!(cp1252(0x81), None);
    }

    #[test]
    fn plain_and_bom() {
        let d = decode(b"a\r\nb\rc\n").unwrap();
        assert_eq!(d.text, "a\nb\nc\n");
        assert!(d.had_crlf);
        assert_eq!(d.encoding, Encoding::Utf8);
        let d = decode(b"\xEF\xBB\xBFx").unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_crlf),
            ("x", Encoding::Utf8Bom, false)
        );
        let d = decode(b"\xEF\xBB\xBF\xEF\xBB\xBF---\n").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("---\n", Encoding::Utf8Bom));
    }

    #[test]
    fn utf16_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("é\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("é\r\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap().text, "é\n");
        assert_eq!(decode(&be).unwrap().encoding, Encoding::Utf16Be);
        assert!(decode(&le[..3]).is_err());
    }

    #[test]
    fn a_declared_encoding_decodes_and_a_byte_order_mark_still_wins() {
        // Word's "Plain Text" and Notepad's "ANSI" on a Western European Windows: cp1252, CRLF.
        let d = decode_as(
            b"Zo\xeb: \x93caf\xe9\x94 \x96 \x80 5\r\n",
            encoding_rs::WINDOWS_1252,
        )
        .unwrap();
        assert_eq!(d.text, "Zoë: “café” – € 5\n");
        assert_eq!((d.encoding.name(), d.had_crlf), ("windows-1252", true));
        let d = decode_as(b"\xEF\xBB\xBFZo\xc3\xab", encoding_rs::WINDOWS_1252).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Zoë", Encoding::Utf8Bom));
        // A Shift_JIS byte pair that is none: the error says where.
        let e = decode_as(b"ok\n\x81\x20", encoding_rs::SHIFT_JIS).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("not Shift_JIS"), "{}", e.message);
    }

    #[test]
    fn a_spreadsheet_file_that_is_not_utf8_is_read_as_windows_1252() {
        let d = decode_or_windows_1252(b"segment;note\r\nd:1;caf\xe9\r\n").unwrap();
        assert_eq!(d.text, "segment;note\nd:1;café\n");
        assert_eq!(d.encoding, Encoding::Other("windows-1252"));
        // UTF-8 as before.
        let d = decode_or_windows_1252("café".as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        // UTF-8 characters and a broken byte: damaged UTF-8, not Windows-1252.
        let e = decode_or_windows_1252(b"caf\xc3\xa9 en caf\xe9").unwrap_err();
        assert!(e.message.contains("not UTF-8"), "{}", e.message);
    }

    #[test]
    fn errors() {
        let e = decode(b"ok\ncaf\xE9 au lait").unwrap_err();
        assert_eq!((e.line, e.column), (2, 4));
        assert!(e.message.contains("'é'"), "{}", e.message);
        let e = decode(b"abc\xC3").unwrap_err();
        assert!(e.message.contains("middle"));
        let e = decode(b"a\x00b\x00c\x00d\x00").unwrap_err();
        assert!(
            e.message.contains("UTF-16 (little-endian)"),
            "{}",
            e.message
        );
        let e = decode(b"line one\nline two has a \x00 in it, just one").unwrap_err();
        assert_eq!((e.line, e.column), (2, 16));
        assert!(
            decode(b"PK\x03\x04rest")
                .unwrap_err()
                .message
                .contains("ZIP")
        );
    }
}
