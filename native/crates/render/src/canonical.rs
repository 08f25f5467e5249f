//! Byte-stable PDFs: svg2pdf keeps a page's resources in a `HashMap`, so the
//! entries of a resource dictionary (`/XObject << /xo0 .. /xo1 .. >>`) come
//! out in a different order from one process to the next. Sorting the
//! entries of each such dictionary (each entry is one line, so every byte
//! offset, and the cross-reference table, stays valid) makes the same figure
//! give the same bytes.

const RESOURCE_KINDS: [&[u8]; 6] = [b"/XObject <<", b"/Font <<", b"/ExtGState <<", b"/Pattern <<", b"/Shading <<", b"/ColorSpace <<"];

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= haystack.len() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The value of `/Length N` in a dictionary's text.
fn stream_length(dict: &[u8]) -> Option<usize> {
    let at = find(dict, b"/Length ", 0)? + b"/Length ".len();
    let digits: Vec<u8> = dict[at..].iter().copied().take_while(u8::is_ascii_digit).collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Sorts the one-line entries of every resource dictionary inside `dict` (in place).
fn sort_resource_entries(dict: &mut [u8]) {
    for kind in RESOURCE_KINDS {
        let mut from = 0;
        while let Some(at) = find(dict, kind, from) {
            let first = match find(dict, b"\n", at) {
                Some(newline) => newline + 1,
                None => break,
            };
            let mut lines: Vec<Vec<u8>> = Vec::new();
            let mut cursor = first;
            while let Some(end) = find(dict, b"\n", cursor) {
                let line = &dict[cursor..end];
                if line.iter().all(|b| b.is_ascii_whitespace() || *b == b'>') && line.contains(&b'>') {
                    break; // the closing ">>"
                }
                if line.contains(&b'<') {
                    lines.clear(); // a nested dictionary: not one-line entries, leave it alone
                    break;
                }
                lines.push(line.to_vec());
                cursor = end + 1;
            }
            if lines.len() > 1 {
                lines.sort();
                let joined = lines.join(&b'\n');
                dict[first..first + joined.len()].copy_from_slice(&joined);
            }
            from = first;
        }
    }
}

/// The same PDF with the entries of its resource dictionaries in sorted order.
pub fn canonical_resource_order(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let mut from = 0;
    while let Some(header) = find(&out, b" 0 obj\n", from) {
        let body = header + b" 0 obj\n".len();
        let stream = find(&out, b"\nstream\n", body);
        let end = find(&out, b"\nendobj", body);
        let Some(end) = end else { break };
        match stream {
            Some(s) if s < end => {
                sort_resource_entries(&mut out[body..s]);
                let data = s + b"\nstream\n".len();
                from = stream_length(&out[body..s]).map_or(data, |n| data + n);
            }
            _ => {
                sort_resource_entries(&mut out[body..end]);
                from = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "4 0 obj\n<<\n  /Type /Page\n  /Resources <<\n    /XObject <<\n      /xo1 10 0 R\n      /xo0 8 0 R\n      /xo2 12 0 R\n    >>\n    /ColorSpace <<\n      /cs0 [/ICCBased 6 0 R]\n    >>\n  >>\n>>\nendobj\n";

    #[test]
    fn sorts_resource_entries_keeping_every_offset() {
        let out = canonical_resource_order(PAGE.as_bytes());
        assert_eq!(out.len(), PAGE.len());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("      /xo0 8 0 R\n      /xo1 10 0 R\n      /xo2 12 0 R\n    >>"), "{text}");
        assert!(text.contains("/cs0 [/ICCBased 6 0 R]"));
    }

    #[test]
    fn leaves_stream_data_alone() {
        let data = "/XObject <<\nzz\naa\n>>\n";
        let pdf = format!("5 0 obj\n<<\n  /Length {}\n>>\nstream\n{data}\nendstream\nendobj\n{PAGE}", data.len());
        let out = String::from_utf8(canonical_resource_order(pdf.as_bytes())).unwrap();
        assert!(out.contains(&format!("stream\n{data}\nendstream")));
        assert!(out.contains("/xo0 8 0 R\n      /xo1 10 0 R"));
    }

    #[test]
    fn orders_are_equal_whatever_the_input_order() {
        let swapped = PAGE.replace("      /xo1 10 0 R\n      /xo0 8 0 R\n", "      /xo0 8 0 R\n      /xo1 10 0 R\n");
        assert_eq!(canonical_resource_order(PAGE.as_bytes()), canonical_resource_order(swapped.as_bytes()));
    }
}
