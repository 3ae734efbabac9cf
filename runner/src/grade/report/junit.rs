//! JUnit XML, as CI systems read it: one `<testsuite>` per student, one
//! `<testcase>` per exercise, a failed exercise's reason as its
//! `<failure>` (message: the one-line summary; body: the detail).

use crate::grade::Class;

pub fn render(class: &Class) -> String {
    let tests = class.students.len() * class.exercises.len();
    let failures: usize = class
        .students
        .iter()
        .map(|s| s.results.iter().filter(|r| !r.passed).count())
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"memlings\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for student in &class.students {
        let name = escape(&student.name);
        let failed = student.results.iter().filter(|r| !r.passed).count();
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
            student.results.len()
        ));
        if !student.problems.is_empty() {
            out.push_str(&format!(
                "    <system-err>{}</system-err>\n",
                escape(&student.problems.join("\n"))
            ));
        }
        for result in &student.results {
            let case = escape(&result.exercise);
            match &result.reason {
                None => out.push_str(&format!(
                    "    <testcase classname=\"{name}\" name=\"{case}\"/>\n"
                )),
                Some(reason) => out.push_str(&format!(
                    "    <testcase classname=\"{name}\" name=\"{case}\">\n      \
                     <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    reason.kind.code(),
                    escape(&reason.summary),
                    escape(&reason.detail)
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text safe in an XML attribute or element: the five special characters
/// escaped, and characters XML 1.0 forbids (most control characters)
/// replaced, so that what a submission prints cannot break the file.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_cannot_break_the_file() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1b}[31m"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{fffd}[31m"
        );
    }
}
