//! CSV: a header, then one row per student: a column per exercise (its
//! score) and the total. Fields are quoted as RFC 4180 says.

use crate::grade::Class;

pub fn render(class: &Class) -> String {
    let mut out = String::new();
    let mut header = vec!["student".to_string()];
    header.extend(class.exercises.iter().map(|e| e.name.clone()));
    header.push("total".to_string());
    header.push("max".to_string());
    push_row(&mut out, &header);
    for student in &class.students {
        let mut row = vec![student.name.clone()];
        row.extend(student.results.iter().map(|r| r.score.to_string()));
        row.push(student.score().to_string());
        row.push(student.max_score().to_string());
        push_row(&mut out, &row);
    }
    out
}

fn push_row(out: &mut String, fields: &[String]) {
    let fields: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&fields.join(","));
    out.push('\n');
}

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("Doe, Jane"), "\"Doe, Jane\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
