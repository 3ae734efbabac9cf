//! `--trace`: after each statement, a small text picture of the names, the
//! objects they reach (type, value, refcount) and the arrows between them,
//! interleaved with what the program prints. Picture lines start with `│`
//! so they read apart from the program's own output, with or without color.
//!
//! Each statement reads top to bottom: its heading, then what it printed,
//! then the picture. The picture is drawn after the statement has run, so
//! its output waits in `pending` until the heading is known.

use crate::graph::{Graph, Labels, Ref};

#[derive(Debug, Default)]
pub struct Tracer {
    /// The program's output with the pictures in between.
    transcript: String,
    /// Printed since the last heading: it goes under the next one.
    pending: String,
    pub labels: Labels,
    lines: Vec<String>,
}

impl Tracer {
    pub fn new(source: &str) -> Tracer {
        Tracer {
            transcript: String::new(),
            pending: String::new(),
            labels: Labels::default(),
            lines: source.lines().map(|l| l.trim().to_string()).collect(),
        }
    }

    pub fn printed(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// The whole transcript, with anything printed after the last picture
    /// (by finalizers at exit, say) at its end.
    pub fn finish(mut self) -> String {
        self.flush();
        self.transcript
    }

    /// Moves what was printed into the transcript, ending on a fresh line so
    /// the next picture line starts at the margin.
    fn flush(&mut self) {
        self.transcript.push_str(&std::mem::take(&mut self.pending));
        if !self.transcript.is_empty() && !self.transcript.ends_with('\n') {
            self.transcript.push('\n');
        }
    }

    /// The source text of a line, for headings.
    pub fn source_line(&self, line: u32) -> &str {
        self.lines
            .get((line as usize).wrapping_sub(1))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The heading of a statement that has just run, what it printed, and
    /// the picture after it.
    pub fn picture(&mut self, heading: &str, graph: &Graph) {
        self.transcript.push_str(&format!("┌ {heading}\n"));
        self.flush();
        self.transcript.push_str(&render(graph));
    }

    pub fn note(&mut self, text: &str) {
        self.flush();
        self.transcript.push_str(&format!("│ {text}\n"));
    }
}

fn arrow(r: &Ref) -> String {
    match r {
        Ref::Node(l) => format!("#{l}"),
        Ref::Value(v) => v.clone(),
    }
}

/// The picture as text lines, each starting with `│ `.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    for (frame, names) in &graph.frames {
        if names.is_empty() {
            out.push_str(&format!("│ {frame}: (no names)\n"));
            continue;
        }
        let list: Vec<String> = names
            .iter()
            .map(|(n, r)| format!("{n} → {}", arrow(r)))
            .collect();
        out.push_str(&format!("│ {frame}: {}\n", list.join(", ")));
    }
    if !graph.temporaries.is_empty() {
        let list: Vec<String> = graph.temporaries.iter().map(arrow).collect();
        out.push_str(&format!(
            "│ held by calls in progress: {}\n",
            list.join(", ")
        ));
    }
    let mut said_unreachable = false;
    for node in &graph.nodes {
        if node.unreachable && !said_unreachable {
            out.push_str(
                "│ no name reaches these (only references among themselves keep them alive):\n",
            );
            said_unreachable = true;
        }
        let mut line = format!("│ #{} {}", node.label, node.type_name);
        if !node.summary.is_empty() {
            line.push(' ');
            line.push_str(&node.summary);
        }
        line.push_str(&format!(", refcount {}", node.refcount));
        if !node.edges.is_empty() {
            let edges: Vec<String> = node
                .edges
                .iter()
                .map(|(slot, r)| format!("{slot} → {}", arrow(r)))
                .collect();
            line.push_str(": ");
            line.push_str(&edges.join(", "));
            if node.more_edges > 0 {
                line.push_str(&format!(", … {} more", node.more_edges));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    if graph.more_nodes > 0 {
        out.push_str(&format!("│ … and {} more objects\n", graph.more_nodes));
    }
    out
}
