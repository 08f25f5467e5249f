//! FITS header cards: 80-character records in 2880-byte blocks, ending with `END`.
//!
//! A card is `KEYWORD = value / comment`: the keyword fills columns 1-8, `= ` sits in columns 9-10, and
//! the value (from column 11) is a quoted string (`''` inside stands for one quote; trailing blanks are not significant),
//! `T`/`F`, an integer, or a real number (`E` or `D` exponent). `COMMENT`, `HISTORY`, blank keywords
//! and cards without a value indicator are commentary: their text is kept as is. `HIERARCH a b c = value`
//! cards take the words before `=` as their keyword. Tolerated deviations: `=` in column 9 without the
//! blank after it, and `KEY= value` with `=` inside the keyword field.
//!
//! Parsing a card never fails: a value that is none of the above is kept as [`Value::Unparsed`], and
//! only a keyword the reader actually needs turns that into an error ([`Header`]'s typed getters).

use crate::bail;
use crate::error::{code, CoreResult};

/// Bytes in a FITS block; headers and data areas are padded to whole blocks.
pub const BLOCK_BYTES: usize = 2880;
/// Bytes in a header card.
pub const CARD_BYTES: usize = 80;

/// The value of a card.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A quoted string, quotes removed, `''` unescaped, trailing blanks dropped.
    Str(String),
    Logical(bool),
    Int(i64),
    Float(f64),
    /// `KEY =` with nothing after it.
    Undefined,
    /// Commentary text (`COMMENT`, `HISTORY`, blank keyword, `CONTINUE`, no value indicator).
    Text(String),
    /// A value this parser does not understand (complex numbers, damaged text), as written.
    Unparsed(String),
}

/// One header card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub key: String,
    pub value: Value,
    pub comment: String,
}

impl Card {
    /// The value as written in a `plot info` listing (strings unquoted).
    pub fn value_text(&self) -> String {
        match &self.value {
            Value::Str(s) | Value::Text(s) | Value::Unparsed(s) => s.clone(),
            Value::Logical(b) => (if *b { "T" } else { "F" }).to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Undefined => String::new(),
        }
    }
}

/// Whether an 80-byte card is the `END` card.
pub fn is_end(card: &[u8]) -> bool {
    card.len() >= 8 && &card[..3] == b"END" && card[3..8].iter().all(|&b| b == b' ')
}

/// Parses one card (`raw` is 80 bytes; a shorter slice is read as if padded with blanks).
/// Bytes outside printable ASCII become `?`.
pub fn parse_card(raw: &[u8]) -> Card {
    let text: String = raw.iter().take(CARD_BYTES).map(|&b| if (0x20..=0x7e).contains(&b) { b as char } else { '?' }).collect();
    let text = format!("{text:<80}");
    let key = text[..8].trim_end().to_owned();
    let commentary = |key: String| Card { key, value: Value::Text(text[8..].trim_end().to_owned()), comment: String::new() };
    if key == "HIERARCH" {
        return match text[8..].find('=') {
            Some(eq) => {
                let (value, comment) = parse_value(&text[9 + eq..]);
                Card { key: text[8..8 + eq].trim().to_owned(), value, comment }
            }
            None => commentary(key),
        };
    }
    if key.is_empty() || key == "COMMENT" || key == "HISTORY" || key == "CONTINUE" {
        return commentary(key);
    }
    if text.as_bytes()[8] == b'=' {
        let (value, comment) = parse_value(&text[9..]);
        return Card { key, value, comment };
    }
    // Not standard, but written by some tools: `KEY= value` with `=` inside the keyword field.
    if let Some(eq) = key.find('=') {
        let short = key[..eq].trim_end();
        if !short.is_empty() && short.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
            let (value, comment) = parse_value(&text[eq + 1..]);
            return Card { key: short.to_owned(), value, comment };
        }
    }
    commentary(key)
}

/// Splits `value / comment` (after the value indicator) into the typed value and the comment.
fn parse_value(s: &str) -> (Value, String) {
    let t = s.trim_start();
    let comment_after = |rest: &str| rest.find('/').map_or(String::new(), |i| rest[i + 1..].trim().to_owned());
    if let Some(body) = t.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                    out.push('\'');
                    continue;
                }
                return (Value::Str(out.trim_end().to_owned()), comment_after(&body[i + 1..]));
            }
            out.push(c);
        }
        return (Value::Unparsed(t.trim_end().to_owned()), String::new());
    }
    let (v, comment) = match t.find('/') {
        Some(i) => (&t[..i], t[i + 1..].trim().to_owned()),
        None => (t, String::new()),
    };
    let v = v.trim();
    let value = match v {
        "" => Value::Undefined,
        "T" => Value::Logical(true),
        "F" => Value::Logical(false),
        _ => parse_number(v).unwrap_or_else(|| Value::Unparsed(v.to_owned())),
    };
    (value, comment)
}

/// A FITS integer or real (`1`, `-2`, `+3.5`, `1.E3`, `2.5D-3`); `None` otherwise.
fn parse_number(v: &str) -> Option<Value> {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = v.parse::<i64>() {
            return Some(Value::Int(i));
        }
    }
    if !v.bytes().any(|b| b.is_ascii_digit()) || !v.bytes().all(|b| b.is_ascii_digit() || b"+-.EeDd".contains(&b)) {
        return None;
    }
    v.replace(['D', 'd'], "E").parse::<f64>().ok().map(Value::Float)
}

/// Typed, validated access to the cards of one header; `what` names it in messages ("primary", "SUBINT").
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub cards: &'a [Card],
    pub what: &'a str,
}

impl<'a> Header<'a> {
    pub fn new(cards: &'a [Card], what: &'a str) -> Self {
        Self { cards, what }
    }

    /// The value of the first card with this keyword (keywords compare case-insensitively).
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.cards.iter().find(|c| c.key.eq_ignore_ascii_case(key) && !matches!(c.value, Value::Text(_))).map(|c| &c.value)
    }

    /// A string keyword; numbers are accepted and written out. `None` when absent or undefined.
    pub fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Undefined => None,
            Value::Str(s) => Some(s.clone()),
            other => Some(Card { key: key.to_owned(), value: other.clone(), comment: String::new() }.value_text()),
        }
    }

    /// An integer keyword. Reals with an integral value (`NSUBOFFS = 0.0`) and numbers written as
    /// strings are accepted. `Ok(None)` when absent, undefined, or a placeholder string that holds no
    /// number (`'*'`, as Medusa writes for unknown values).
    pub fn int(&self, key: &str) -> CoreResult<Option<i64>> {
        let value = match self.get(key) {
            None | Some(Value::Undefined) => return Ok(None),
            Some(v) => v,
        };
        let number = match value {
            Value::Int(i) => return Ok(Some(*i)),
            Value::Float(f) => Some(*f),
            Value::Str(s) => match parse_number(s.trim()) {
                Some(Value::Int(i)) => return Ok(Some(i)),
                Some(Value::Float(f)) => Some(f),
                _ if is_placeholder(s) => return Ok(None),
                _ => None,
            },
            _ => None,
        };
        match number {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
            _ => bail!(code::HEADER, "{} keyword {key} should be an integer, found {}", self.what, describe(value)),
        }
    }

    /// A real keyword (integers accepted). `Ok(None)` when absent, undefined or a placeholder string.
    pub fn float(&self, key: &str) -> CoreResult<Option<f64>> {
        let value = match self.get(key) {
            None | Some(Value::Undefined) => return Ok(None),
            Some(v) => v,
        };
        let number = match value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => match parse_number(s.trim()) {
                Some(Value::Int(i)) => Some(i as f64),
                Some(Value::Float(f)) => Some(f),
                _ if is_placeholder(s) => return Ok(None),
                _ => None,
            },
            _ => None,
        };
        match number {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => bail!(code::HEADER, "{} keyword {key} should be a number, found {}", self.what, describe(value)),
        }
    }

    /// A required integer keyword.
    pub fn require_int(&self, key: &str) -> CoreResult<i64> {
        match self.int(key)? {
            Some(i) => Ok(i),
            None => bail!(code::HEADER, "{} header has no {key}", self.what),
        }
    }

    /// A required integer keyword within `lo..=hi`.
    pub fn int_in(&self, key: &str, lo: i64, hi: i64) -> CoreResult<usize> {
        let i = self.require_int(key)?;
        if i < lo || i > hi {
            bail!(code::HEADER, "{} keyword {key} = {i} is outside {lo}..={hi}", self.what);
        }
        Ok(i as usize)
    }

    /// A logical keyword; `None` when absent.
    pub fn logical(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Logical(b) => Some(*b),
            _ => None,
        }
    }
}

/// Strings that writers use for "unknown": `*`, `N/A`, `UNSET`, blanks.
fn is_placeholder(s: &str) -> bool {
    matches!(s.trim().to_ascii_uppercase().as_str(), "" | "*" | "N/A" | "NA" | "UNSET" | "UNKNOWN" | "NONE")
}

fn describe(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("the string '{s}'"),
        Value::Logical(b) => format!("the logical {}", if *b { "T" } else { "F" }),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Undefined => "no value".to_owned(),
        Value::Text(t) | Value::Unparsed(t) => format!("'{t}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(s: &str) -> Card {
        parse_card(format!("{s:<80}").as_bytes())
    }

    #[test]
    fn values_of_every_kind() {
        assert_eq!(card("NBITS   =                    4 / Nr of bits").value, Value::Int(4));
        assert_eq!(card("NBITS   =                    4 / Nr of bits").comment, "Nr of bits");
        assert_eq!(card("TBIN    =             0.000512 / [s]").value, Value::Float(0.000512));
        assert_eq!(card("CHAN_BW =                  -8. / [MHz]").value, Value::Float(-8.0));
        assert_eq!(card("X       =              1.5D-03").value, Value::Float(1.5e-3));
        assert_eq!(card("X       =               +2.5e2").value, Value::Float(250.0));
        assert_eq!(card("SIMPLE  =                    T").value, Value::Logical(true));
        assert_eq!(card("EXTEND  =                    F").value, Value::Logical(false));
        assert_eq!(card("POL_TYPE= 'AA+BB   '           / Polarisation").value, Value::Str("AA+BB".into()));
        assert_eq!(card("OBSERVER= 'O''Brien' / who").value, Value::Str("O'Brien".into()));
        assert_eq!(card("OBSERVER= 'O''Brien' / who").comment, "who");
        assert_eq!(card("X       = '  lead' ").value, Value::Str("  lead".into()));
        assert_eq!(card("X       = 'a/b' / c").value, Value::Str("a/b".into()));
        assert_eq!(card("X       = ''").value, Value::Str(String::new()));
        assert_eq!(card("X       =").value, Value::Undefined);
        assert_eq!(card("X       = (1.0, 2.0)").value, Value::Unparsed("(1.0, 2.0)".into()));
        assert_eq!(card("X       = 'unterminated").value, Value::Unparsed("'unterminated".into()));
        assert_eq!(card("X       = inf").value, Value::Unparsed("inf".into()));
        assert_eq!(card("BIG     = 99999999999999999999").value, Value::Float(1e20));
    }

    #[test]
    fn commentary_hierarch_and_damaged_cards() {
        assert_eq!(card("COMMENT   FITS (Flexible Image").value, Value::Text("  FITS (Flexible Image".into()));
        assert_eq!(card("HISTORY = not a value").value, Value::Text("= not a value".into()));
        assert_eq!(card("        blank keyword").key, "");
        let h = card("HIERARCH ESO DET CHIP = 'CCD1' / chip");
        assert_eq!((h.key.as_str(), h.value, h.comment.as_str()), ("ESO DET CHIP", Value::Str("CCD1".into()), "chip"));
        assert_eq!(card("NOVALUE  no indicator").value, Value::Text(" no indicator".into()));
        let short = card("TFORM1= '1D' / form");
        assert_eq!((short.key.as_str(), short.value), ("TFORM1", Value::Str("1D".into())));
        assert_eq!(card("NAXIS   =2").value, Value::Int(2));
        assert_eq!(card("A B= 1").key, "A B= 1");
        let damaged = parse_card(&[0xffu8; 80]);
        assert_eq!(damaged.key, "????????");
        assert_eq!(parse_card(b"AB").key, "AB");
        assert!(is_end(format!("{:<80}", "END").as_bytes()));
        assert!(!is_end(format!("{:<80}", "ENDX").as_bytes()));
    }

    #[test]
    fn typed_getters() {
        let cards: Vec<Card> = [
            "NSUBOFFS=                  0.0",
            "NCHNOFFS= '*       '",
            "NSTOT   = '4096'",
            "HALF    =                  2.5",
            "NAME    = 'J0534+2200'",
            "FLAG    =                    T",
            "COMMENT NCHAN = 5",
        ]
        .iter()
        .map(|s| card(s))
        .collect();
        let h = Header::new(&cards, "SUBINT");
        assert_eq!(h.int("NSUBOFFS").unwrap(), Some(0));
        assert_eq!(h.int("NCHNOFFS").unwrap(), None);
        assert_eq!(h.int("NSTOT").unwrap(), Some(4096));
        assert_eq!(h.int("HALF").unwrap_err().code, code::HEADER);
        assert_eq!(h.float("HALF").unwrap(), Some(2.5));
        assert_eq!(h.int("NAME").unwrap_err().code, code::HEADER);
        assert_eq!(h.int("NCHAN").unwrap(), None);
        assert_eq!(h.string("NAME").as_deref(), Some("J0534+2200"));
        assert_eq!(h.string("HALF").as_deref(), Some("2.5"));
        assert_eq!(h.logical("FLAG"), Some(true));
        assert_eq!(h.require_int("MISSING").unwrap_err().code, code::HEADER);
        assert!(h.int_in("NSTOT", 0, 100).unwrap_err().message.contains("NSTOT = 4096"));
        assert_eq!(h.get("nsuboffs"), Some(&Value::Float(0.0)));
    }
}
