//! `--compare`: two outputs lined up line by line, for the runner to draw
//! side by side.

/// One line of each side (`None` past the end of that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub left: Option<String>,
    pub right: Option<String>,
}

impl Row {
    pub fn same(&self) -> bool {
        self.left == self.right
    }
}

/// Pairs the lines of `left` and `right` by position. A missing final
/// newline counts as a difference on that line.
pub fn rows(left: &str, right: &str) -> Vec<Row> {
    let split = |s: &str| -> Vec<String> {
        s.split_inclusive('\n')
            .map(|l| match l.strip_suffix('\n') {
                Some(line) => line.strip_suffix('\r').unwrap_or(line).to_string(),
                None => format!("{l} [no newline at end]"),
            })
            .collect()
    };
    let (l, r) = (split(left), split(right));
    (0..l.len().max(r.len()))
        .map(|i| Row {
            left: l.get(i).cloned(),
            right: r.get(i).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_lines_and_marks_differences() {
        let rows = rows("a\nb\nc\n", "a\nx\n");
        assert_eq!(rows.len(), 3);
        assert!(rows[0].same());
        assert!(!rows[1].same());
        assert_eq!(rows[2].right, None);
        let rows = super::rows("a", "a\n");
        assert!(!rows[0].same());
    }
}
