//! Inline coding tags: `{{icamo1.m3 +}}` written in a transcript after a sentence or a turn.
//!
//! [`strip_tags`] takes a turn's text and returns it without its tags, with each [`Tag`]: the
//! codes it gives (each with a [`Stance`]) and the part of the clean text it codes. It knows
//! no codebook: whether a code id exists is checked where codebooks are known
//! ([`super::tag_check`]), with `find_tags` to point at a tag where it stands in a source.
//!
//! - `{{CODE}}`, `{{CODE +}}`, `{{CODE -}}`, `{{CODE ~}}`: one code, with no stance or with
//!   supports, contradicts or nuance; several codes in one tag are separated by `;` or `,`:
//!   `{{icamo1.m3 +; ctx.inst.kinderopvang}}`.
//! - A tag after words codes the sentence it follows (from the previous `.`, `!`, `?`, `…`,
//!   paragraph break or tag up to the tag). A tag at the start of a turn or at the start of a
//!   line or paragraph of its own codes the whole turn. Tags standing next to each other code
//!   the same text.
//!
//! ```
//! use icamo::coding::{Stance, tags::strip_tags};
//! let t = strip_tags("Eerst de taal. Daarna werk. {{icamo1.m3 +; ctx.krapte}} Klaar.");
//! assert_eq!(t.text, "Eerst de taal. Daarna werk. Klaar.");
//! assert_eq!(t.tags[0].codes[0].code, "icamo1.m3");
//! assert_eq!(t.tags[0].codes[0].stance, Stance::Supports);
//! assert_eq!(&t.text[t.tags[0].span.clone().unwrap()], "Daarna werk.");
//! ```

use std::ops::Range;

use super::model::Stance;

/// One code of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCode {
    /// The code id as written.
    pub code: String,
    /// The stance mark after it (`+`, `-`, `~`), or none.
    pub stance: Stance,
}

/// One `{{…}}` tag, removed from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The codes it gives, in the order written.
    pub codes: Vec<TagCode>,
    /// Bytes of the clean text it codes; `None` for the whole turn.
    pub span: Option<Range<usize>>,
}

/// A turn's text with its tags taken out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    /// The text without tags (whitespace around them joined as the text around them had it).
    pub text: String,
    /// The tags, in text order.
    pub tags: Vec<Tag>,
    /// A message for each `{{…}}` that is not a valid tag; those are left in the text.
    pub malformed: Vec<String>,
}

/// Characters that end a sentence.
const SENTENCE_ENDS: &[char] = &['.', '!', '?', '…'];

/// Characters that may close a sentence after its end mark (quotes, brackets).
const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

/// Takes the coding tags out of a turn's text.
pub fn strip_tags(text: &str) -> Tagged {
    let mut out = Tagged::default();
    if !text.contains("{{") {
        out.text = text.to_string();
        return out;
    }
    let mut rest = text;
    // The separator owed between the text before a removed tag and the text after it.
    let mut owed: Option<&str> = None;
    // Where the last tag stood in the clean text, and what it coded.
    let mut last: Option<(usize, Option<Range<usize>>)> = None;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}").map(|i| open + 2 + i) else {
            out.malformed
                .push("a \"{{\" without a closing \"}}\"".to_string());
            break;
        };
        let inner = &rest[open + 2..close];
        let codes = match parse_inner(inner) {
            Ok(codes) => codes,
            Err(message) => {
                out.malformed.push(message);
                push_text(&mut out.text, &rest[..close + 2], &mut owed);
                rest = &rest[close + 2..];
                continue;
            }
        };
        push_text(&mut out.text, &rest[..open], &mut owed);
        let clean = out.text.trim_end();
        let ws_before = &out.text[clean.len()..];
        let after = &rest[close + 2..];
        let ws_after = &after[..after.len() - after.trim_start().len()];
        let p = clean.len();
        let sep = if ws_before.contains("\n\n") || ws_after.contains("\n\n") {
            "\n\n"
        } else if ws_before.contains('\n') || ws_after.contains('\n') {
            "\n"
        } else if !ws_before.is_empty() || !ws_after.is_empty() {
            " "
        } else {
            ""
        };
        owed = Some(max_sep(owed, sep));
        let span = match &last {
            Some((at, span)) if *at == p => span.clone(),
            _ if p == 0 || ws_before.contains('\n') => None,
            _ => Some(sentence_before(
                clean,
                last.as_ref().map_or(0, |(at, _)| *at),
            )),
        };
        out.text.truncate(p);
        out.tags.push(Tag {
            codes,
            span: span.clone(),
        });
        last = Some((p, span));
        rest = after.trim_start();
    }
    push_text(&mut out.text, rest, &mut owed);
    let trimmed = out.text.trim_end().len();
    out.text.truncate(trimmed);
    out
}

/// Every well-formed tag in `text` as written, with its byte range (braces included) and its
/// codes, in text order; malformed ones are passed over. For pointing at a tag in its source.
pub(crate) fn find_tags(text: &str) -> Vec<(Range<usize>, Vec<TagCode>)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        if let Ok(codes) = parse_inner(&text[open + 2..close]) {
            found.push((open..close + 2, codes));
        }
        from = close + 2;
    }
    found
}

/// Appends `piece`, first paying the separator a removed tag left owing.
fn push_text(text: &mut String, piece: &str, owed: &mut Option<&str>) {
    if piece.is_empty() {
        return;
    }
    if let Some(sep) = owed.take()
        && !text.is_empty()
        && !piece.starts_with(char::is_whitespace)
    {
        text.push_str(sep);
    }
    text.push_str(piece);
}

/// The wider of two separators: a paragraph break over a line break over a space.
fn max_sep<'a>(a: Option<&'a str>, b: &'a str) -> &'a str {
    match a {
        Some(a) if a.len() > b.len() => a,
        _ => b,
    }
}

/// The last sentence of `text[from..]`: from the last sentence end or paragraph break before
/// its end, to its end.
fn sentence_before(text: &str, from: usize) -> Range<usize> {
    let region = &text[from..];
    let body = region.trim_end_matches(CLOSERS);
    let body = body.trim_end_matches(SENTENCE_ENDS);
    let mut start = 0;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if SENTENCE_ENDS.contains(&c) || c == '\n' {
            let mut j = i + c.len_utf8();
            while let Some(&(k, d)) = chars.peek() {
                if CLOSERS.contains(&d) || SENTENCE_ENDS.contains(&d) {
                    j = k + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if body[j..].starts_with(char::is_whitespace) || c == '\n' {
                start = j;
            }
        }
    }
    let lead = region[start..].len() - region[start..].trim_start().len();
    from + start + lead..from + region.len()
}

/// The codes of a tag's inside: `CODE [STANCE]` items separated by `;` or `,`.
fn parse_inner(inner: &str) -> Result<Vec<TagCode>, String> {
    let show = format!("{{{{{inner}}}}}");
    if inner.contains('\n') || inner.contains("{{") {
        return Err(format!(
            "\"{show}\" is not a coding tag: a tag is written on one line"
        ));
    }
    let mut codes = Vec::new();
    for item in inner.split([';', ',']) {
        let words: Vec<&str> = item.split_whitespace().collect();
        let (code, stance) = match words.as_slice() {
            [] => continue,
            [code] => (*code, Stance::None),
            [code, mark] => match mark.parse::<Stance>() {
                Ok(s) => (*code, s),
                Err(e) => return Err(format!("\"{show}\": {e}")),
            },
            _ => {
                return Err(format!(
                    "\"{show}\" is not a coding tag: expected CODE or CODE followed by +, - or ~, with several codes separated by \";\""
                ));
            }
        };
        if !code.starts_with(char::is_alphanumeric) || code.contains(['{', '}']) {
            return Err(format!(
                "\"{show}\" is not a coding tag: \"{code}\" is not a code id"
            ));
        }
        codes.push(TagCode {
            code: code.to_string(),
            stance,
        });
    }
    if codes.is_empty() {
        return Err(format!("\"{show}\" is an empty coding tag"));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_text(t: &Tagged, i: usize) -> Option<&str> {
        t.tags[i].span.clone().map(|r| &t.text[r])
    }

    #[test]
    fn a_tag_codes_the_sentence_it_follows() {
        let t = strip_tags("Moeilijk. Ik had geen werk. {{m.x -}} Toen kwam de jobcoach.");
        assert_eq!(t.text, "Moeilijk. Ik had geen werk. Toen kwam de jobcoach.");
        assert_eq!(span_text(&t, 0), Some("Ik had geen werk."));
        assert_eq!(t.tags[0].codes[0].stance, Stance::Contradicts);
    }

    #[test]
    fn tags_at_the_end_code_the_last_sentence_and_neighbours_share_it() {
        let t = strip_tags("Eerst de taal! Dan \"werk.\" {{a +}} {{b ~}}");
        assert_eq!(t.text, "Eerst de taal! Dan \"werk.\"");
        assert_eq!(span_text(&t, 0), Some("Dan \"werk.\""));
        assert_eq!(span_text(&t, 1), Some("Dan \"werk.\""));
        assert_eq!(t.tags[1].codes[0].stance, Stance::Nuance);
    }

    #[test]
    fn a_tag_on_its_own_paragraph_or_first_codes_the_turn() {
        let t = strip_tags("{{a}} Ja.\n\nNee.\n\n{{b +, c}}\n\nMisschien.");
        assert_eq!(t.text, "Ja.\n\nNee.\n\nMisschien.");
        assert_eq!(t.tags[0].span, None);
        assert_eq!(t.tags[1].span, None);
        assert_eq!(t.tags[1].codes.len(), 2);
    }

    #[test]
    fn a_second_sentence_starts_after_the_previous_tag() {
        let t = strip_tags("Een zin {{a}} en nog wat. {{b}}");
        assert_eq!(t.text, "Een zin en nog wat.");
        assert_eq!(span_text(&t, 0), Some("Een zin"));
        assert_eq!(span_text(&t, 1), Some("en nog wat."));
    }

    #[test]
    fn malformed_tags_stay_in_the_text_with_a_message() {
        let t = strip_tags("Tekst {{a b c}} en {{}} en {{x ?}}.");
        assert_eq!(t.text, "Tekst {{a b c}} en {{}} en {{x ?}}.");
        assert!(t.tags.is_empty());
        assert_eq!(t.malformed.len(), 3, "{:?}", t.malformed);
        assert!(
            t.malformed[2].contains("unknown stance"),
            "{:?}",
            t.malformed
        );
    }

    #[test]
    fn tags_are_found_where_they_stand() {
        let text = "Ja. {{a +; b}} Nee {{x ?}} en {{c}}";
        let found = find_tags(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].0.clone()], "{{a +; b}}");
        assert_eq!(found[0].1[1].code, "b");
        assert_eq!(&text[found[1].0.clone()], "{{c}}");
    }

    #[test]
    fn text_without_tags_is_unchanged() {
        let t = strip_tags("Geen tags hier { of } hier.");
        assert_eq!(t.text, "Geen tags hier { of } hier.");
        assert!(t.tags.is_empty() && t.malformed.is_empty());
    }
}
