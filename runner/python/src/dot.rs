//! `--dot`: the object graph as Graphviz DOT. Names are boxes grouped by
//! frame, objects are rounded nodes (red when no name reaches them),
//! references are labelled edges.

use std::fmt::Write;

use crate::graph::{Graph, Ref};

pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str("digraph memlings {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let mut values = 0usize;
    let mut value_node = |out: &mut String, text: &str| -> String {
        values += 1;
        let id = format!("v{values}");
        let _ = writeln!(out, "  {id} [shape=plaintext, label=\"{}\"];", escape(text));
        id
    };
    for (i, (frame, names)) in graph.frames.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{i} {{");
        let _ = writeln!(
            out,
            "    label=\"{}\"; style=rounded; color=gray;",
            escape(frame)
        );
        for (name, _) in names {
            let _ = writeln!(
                out,
                "    \"f{i}_{}\" [shape=box, label=\"{}\"];",
                escape(name),
                escape(name)
            );
        }
        out.push_str("  }\n");
    }
    for node in &graph.nodes {
        let mut label = format!("#{} {}", node.label, node.type_name);
        if !node.summary.is_empty() {
            label.push_str(&format!("\\n{}", escape(&node.summary)));
        }
        label.push_str(&format!("\\nrefcount {}", node.refcount));
        let fill = if node.unreachable {
            "#ffd9d9"
        } else {
            "#e8f0ff"
        };
        let _ = writeln!(
            out,
            "  o{} [shape=box, style=\"rounded,filled\", fillcolor=\"{fill}\", label=\"{}\"];",
            node.label,
            escape_keep_newlines(&label)
        );
    }
    for (i, (_, names)) in graph.frames.iter().enumerate() {
        for (name, target) in names {
            let to = match target {
                Ref::Node(l) => format!("o{l}"),
                Ref::Value(v) => value_node(&mut out, v),
            };
            let _ = writeln!(out, "  \"f{i}_{}\" -> {to};", escape(name));
        }
    }
    for node in &graph.nodes {
        for (slot, target) in &node.edges {
            let to = match target {
                Ref::Node(l) if graph.nodes.iter().any(|n| n.label == *l) => format!("o{l}"),
                Ref::Node(l) => value_node(&mut out, &format!("#{l}")),
                Ref::Value(v) => value_node(&mut out, v),
            };
            let style = if slot == "(weak)" {
                ", style=dashed"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  o{} -> {to} [label=\"{}\"{style}];",
                node.label,
                escape(slot)
            );
        }
    }
    out.push_str("}\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Escapes a label whose `\n` line breaks were put there on purpose.
fn escape_keep_newlines(s: &str) -> String {
    s.replace('"', "\\\"")
}
