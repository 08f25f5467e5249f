//! Document metadata in figure files: the PDF's document information
//! dictionary and PNG text chunks, written deterministically (no dates, no
//! identifiers), so the same metadata still gives the same bytes.
//!
//! Keys are ASCII letters and digits (valid as PDF names and PNG keywords).
//! `Title` and `Creator` keep their standard meaning; a PNG writes `Creator`
//! under its standard keyword `Software`.

use wfall_core::bail;
use wfall_core::error::{code, CoreResult};

/// One metadata entry: a key (ASCII letters and digits) and its text.
pub type Entry = (String, String);

/// Checks every key: 1 to 79 ASCII letters or digits, each key once.
pub fn check_keys(entries: &[Entry]) -> CoreResult<()> {
    for (i, (key, _)) in entries.iter().enumerate() {
        if key.is_empty() || key.len() > 79 || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            bail!(code::ARGUMENT, "metadata key '{key}' must be 1 to 79 ASCII letters or digits");
        }
        if entries[..i].iter().any(|(k, _)| k == key) {
            bail!(code::ARGUMENT, "metadata key '{key}' is given twice");
        }
        if key == "Producer" {
            bail!(code::ARGUMENT, "metadata key 'Producer' is the renderer's own");
        }
    }
    Ok(())
}

/// A PDF text string: a literal `(...)` for printable ASCII, else UTF-16BE hex with a byte-order mark.
fn pdf_text(value: &str) -> String {
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('(');
        for c in value.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let hex: String = value.encode_utf16().map(|u| format!("{u:04X}")).collect();
        format!("<FEFF{hex}>")
    }
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn parse_number(bytes: &[u8]) -> Option<usize> {
    let digits: Vec<u8> = bytes.iter().copied().take_while(u8::is_ascii_digit).collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// The PDF with `entries` added to its document information dictionary.
///
/// svg2pdf writes that dictionary (`/Producer (svg2pdf)`) as the last object,
/// right before the cross-reference table. It is rewritten in place: every
/// other object keeps its offset, so the table is copied unchanged and only
/// `startxref` moves. A PDF laid out otherwise is refused (a bug, not input).
pub fn pdf_with_info(pdf: &[u8], entries: &[Entry]) -> CoreResult<Vec<u8>> {
    check_keys(entries)?;
    if entries.is_empty() {
        return Ok(pdf.to_vec());
    }
    let layout = || -> Option<(usize, usize, usize, usize)> {
        let xref = find_last(pdf, b"\nxref\n")? + 1;
        let trailer = find(pdf, b"trailer\n", xref)?;
        let info_at = find(pdf, b"/Info ", trailer)? + b"/Info ".len();
        let id = parse_number(&pdf[info_at..])?;
        let header = format!("{id} 0 obj\n");
        let object = find_last(&pdf[..xref], header.as_bytes())?;
        let startxref = find(pdf, b"startxref\n", trailer)? + b"startxref\n".len();
        // The information dictionary must be the last object: nothing but whitespace between its end and the table.
        let end = find(pdf, b"endobj\n", object)? + b"endobj\n".len();
        pdf[end..xref].iter().all(u8::is_ascii_whitespace).then_some((object, end, xref, startxref))
    };
    let Some((object, end, xref, startxref)) = layout() else {
        bail!(code::INTERNAL, "the PDF's document information is not where svg2pdf writes it");
    };
    let body = String::from_utf8_lossy(&pdf[object..end]);
    let Some(producer) = body.lines().find(|l| l.trim_start().starts_with("/Producer")) else {
        bail!(code::INTERNAL, "the PDF's document information has no /Producer");
    };
    let header = body.lines().next().unwrap_or_default();
    let mut info = format!("{header}\n<<\n{producer}\n");
    for (key, value) in entries {
        info.push_str(&format!("  /{key} {}\n", pdf_text(value)));
    }
    info.push_str(">>\nendobj\n");

    let mut out = Vec::with_capacity(pdf.len() + info.len());
    out.extend_from_slice(&pdf[..object]);
    out.extend_from_slice(info.as_bytes());
    out.extend_from_slice(&pdf[end..xref]);
    let moved = out.len();
    out.extend_from_slice(&pdf[xref..startxref]);
    out.extend_from_slice(format!("{moved}\n%%EOF").as_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF laid out as svg2pdf writes one: objects, the information dictionary last, the table, the trailer.
    fn sample() -> Vec<u8> {
        let first = "1 0 obj\n<<\n  /Type /Catalog\n>>\nendobj\n\n";
        let info = "2 0 obj\n<<\n  /Producer (svg2pdf)\n>>\nendobj\n\n";
        let head = "%PDF-1.7\n";
        let xref_at = head.len() + first.len() + info.len();
        format!(
            "{head}{first}{info}xref\n0 3\n0000000000 65535 f\r\n{:010} 00000 n\r\n{:010} 00000 n\r\ntrailer\n<<\n  /Size 3\n  /Root 1 0 R\n  /Info 2 0 R\n>>\nstartxref\n{xref_at}\n%%EOF",
            head.len(),
            head.len() + first.len()
        )
        .into_bytes()
    }

    #[test]
    fn adds_entries_and_keeps_the_table_valid() {
        let entries = vec![("Title".to_owned(), "fig (a)".to_owned()), ("WfallProvenance".to_owned(), "{\"x\":\"\\\\\"}".to_owned())];
        let out = String::from_utf8(pdf_with_info(&sample(), &entries).unwrap()).unwrap();
        assert!(
            out.contains(
                "2 0 obj\n<<\n  /Producer (svg2pdf)\n  /Title (fig \\(a\\))\n  /WfallProvenance ({\"x\":\"\\\\\\\\\"})\n>>\nendobj\n"
            ),
            "{out}"
        );
        let xref = out.rfind("\nxref\n").unwrap() + 1;
        let startxref: usize = out[out.rfind("startxref\n").unwrap() + 10..].trim_end_matches("%%EOF").trim().parse().unwrap();
        assert_eq!(startxref, xref);
        // The object offsets in the table still point at their objects.
        for (line, id) in out[xref..].lines().skip(3).take(2).zip([1, 2]) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(out[offset..].starts_with(&format!("{id} 0 obj\n")), "{line}");
        }
    }

    #[test]
    fn non_ascii_text_is_utf16() {
        assert_eq!(pdf_text("ν"), "<FEFF03BD>");
        assert_eq!(pdf_text("a)b"), "(a\\)b)");
    }

    #[test]
    fn refuses_bad_keys_and_other_layouts() {
        assert_eq!(pdf_with_info(&sample(), &[("Bad Key".into(), "x".into())]).unwrap_err().code, code::ARGUMENT);
        assert_eq!(pdf_with_info(&sample(), &[("A".into(), "x".into()), ("A".into(), "y".into())]).unwrap_err().code, code::ARGUMENT);
        assert_eq!(pdf_with_info(b"%PDF-1.7\nnothing", &[("A".into(), "x".into())]).unwrap_err().code, code::INTERNAL);
        assert_eq!(pdf_with_info(&sample(), &[]).unwrap(), sample());
    }
}
