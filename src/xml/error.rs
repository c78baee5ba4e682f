// SPDX-License-Identifier: GPL-3.0-or-later
//! The one error type of the XML layer: parse errors carry a line and column of the input,
//! edit and typed-view errors name the node or field and the value that was refused, so the
//! UI can show the message beside the field it came from.

use std::fmt;

use super::units::UnitError;

/// What is wrong with a document that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// quick-xml's tokenizer or our own lexer refused the markup (unclosed tag, bad comment…).
    Syntax(String),
    /// `</found>` closes an element that was opened as `<expected>`.
    MismatchedEnd { expected: String, found: String },
    /// `</found>` without any open element.
    UnexpectedEnd(String),
    /// The input ended while these elements were still open (innermost last).
    Unclosed(String),
    /// A second top-level element.
    MultipleRoots,
    /// No element at all.
    NoRoot,
    /// Non-whitespace text before or after the root element.
    TextOutsideRoot,
    /// An entity or character reference that is not one of XML's five or a valid `&#…;`.
    BadReference(String),
    /// A character XML 1.0 does not allow (control characters, U+FFFE, U+FFFF).
    ForbiddenChar(char),
    /// An element or attribute name that is not an XML name.
    BadName(String),
    /// The same attribute twice on one element.
    DuplicateAttribute(String),
    /// `<` inside an attribute value, or `]]>` in text.
    BadCharacterData(&'static str),
    /// `<?xml …?>` somewhere else than at the very start, or a second DOCTYPE.
    MisplacedDeclaration,
    /// Nesting deeper than [`Limits::max_depth`](super::Limits::max_depth).
    TooDeep(usize),
    /// More nodes than [`Limits::max_nodes`](super::Limits::max_nodes).
    TooManyNodes(usize),
}

/// An error of the XML layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The input is not well-formed XML (or breaks one of our limits) at `line`:`column`
    /// (1-based; the column counts characters).
    #[error("line {line}, column {column}: {kind}")]
    Parse {
        line: usize,
        column: usize,
        kind: ParseErrorKind,
    },
    /// The input is larger than [`Limits::max_bytes`](super::Limits::max_bytes).
    #[error("document is {len} bytes, more than the limit of {max}")]
    TooLarge { len: usize, max: usize },
    /// A name given to an edit is not a valid XML name.
    #[error("“{0}” is not a valid XML name")]
    InvalidName(String),
    /// A value given to an edit contains a character XML cannot carry.
    #[error("the value contains the character U+{:04X}, which XML cannot carry", *.0 as u32)]
    InvalidChar(char),
    /// The node id does not name a node of this document that can take this operation.
    #[error("{0}")]
    InvalidNode(&'static str),
    /// The document's root element is not the one this view expects.
    #[error("expected a <{expected}> document, found <{found}>")]
    WrongRoot { expected: String, found: String },
    /// A field holds (or was given) a value of the wrong type or out of range.
    #[error("{field}: “{value}” {reason}")]
    InvalidValue {
        field: String,
        value: String,
        reason: String,
    },
    /// A size with a bad number or unit.
    #[error(transparent)]
    Unit(#[from] UnitError),
}

impl XmlError {
    /// Builds [`XmlError::InvalidValue`].
    pub fn invalid(field: &str, value: &str, reason: impl Into<String>) -> Self {
        XmlError::InvalidValue {
            field: field.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Syntax(m) => write!(f, "{m}"),
            ParseErrorKind::MismatchedEnd { expected, found } => {
                write!(f, "</{found}> closes <{expected}>")
            }
            ParseErrorKind::UnexpectedEnd(n) => write!(f, "</{n}> without an open element"),
            ParseErrorKind::Unclosed(n) => write!(f, "<{n}> is never closed"),
            ParseErrorKind::MultipleRoots => write!(f, "a second root element"),
            ParseErrorKind::NoRoot => write!(f, "no root element"),
            ParseErrorKind::TextOutsideRoot => write!(f, "text outside the root element"),
            ParseErrorKind::BadReference(r) => write!(f, "unknown or invalid reference “{r}”"),
            ParseErrorKind::ForbiddenChar(c) => {
                write!(f, "character U+{:04X} is not allowed in XML", *c as u32)
            }
            ParseErrorKind::BadName(n) => write!(f, "“{n}” is not a valid XML name"),
            ParseErrorKind::DuplicateAttribute(n) => write!(f, "attribute “{n}” appears twice"),
            ParseErrorKind::BadCharacterData(m) => write!(f, "{m}"),
            ParseErrorKind::MisplacedDeclaration => {
                write!(f, "XML declaration or DOCTYPE in the wrong place")
            }
            ParseErrorKind::TooDeep(max) => write!(f, "elements nested deeper than {max}"),
            ParseErrorKind::TooManyNodes(max) => write!(f, "more than {max} nodes"),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `input`.
pub(crate) fn line_column(input: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(input.len());
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    let before = &input[..end];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 3), (2, 1));
        // byte 7 is after 'é' (2 bytes): column 4 in characters
        assert_eq!(line_column(s, 7), (2, 4));
        assert_eq!(line_column(s, 100), (3, 2));
    }
}
