//! What every translation must share with English, read from the Fluent syntax tree: the same
//! messages (none missing, none extra), each using the same variables; and the terms each file
//! declares about itself (`-review-status`, `-script`, `-reviewed-by`).

use std::collections::{BTreeMap, BTreeSet};

use fluent_bundle::FluentResource;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

/// Each message (and attribute, as `message.attribute`) with the variables it uses.
pub(super) fn messages(resource: &FluentResource) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for entry in resource.entries() {
        if let Entry::Message(m) = entry {
            let mut variables = BTreeSet::new();
            if let Some(value) = &m.value {
                pattern_variables(value, &mut variables);
            }
            out.insert(m.id.name.to_owned(), variables);
            for a in &m.attributes {
                let mut variables = BTreeSet::new();
                pattern_variables(&a.value, &mut variables);
                out.insert(format!("{}.{}", m.id.name, a.id.name), variables);
            }
        }
    }
    out
}

/// Each term's name (without its dash) and its value as plain text.
pub(super) fn terms(resource: &FluentResource) -> BTreeMap<String, String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Term(t) => {
                let text: String = t
                    .value
                    .elements
                    .iter()
                    .filter_map(|e| match e {
                        PatternElement::TextElement { value } => Some(*value),
                        PatternElement::Placeable { .. } => None,
                    })
                    .collect();
                Some((t.id.name.to_owned(), text.trim().to_owned()))
            }
            _ => None,
        })
        .collect()
}

/// How `other` differs from English, one sentence per difference; empty when it has exactly
/// English's messages with English's variables.
pub(super) fn differences(english: &FluentResource, other: &FluentResource) -> Vec<String> {
    let english = messages(english);
    let other = messages(other);
    let mut out = Vec::new();
    for (id, variables) in &english {
        match other.get(id) {
            None => out.push(format!("message {id} is missing")),
            Some(found) if found != variables => out.push(format!(
                "message {id} uses {found:?}, English uses {variables:?}"
            )),
            Some(_) => {}
        }
    }
    for id in other.keys().filter(|id| !english.contains_key(*id)) {
        out.push(format!("message {id} is not in English"));
    }
    out
}

fn pattern_variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, out),
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                pattern_variables(&v.value, out);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, out);
            }
        }
        InlineExpression::StringLiteral { .. }
        | InlineExpression::NumberLiteral { .. }
        | InlineExpression::MessageReference { .. }
        | InlineExpression::TermReference { .. } => {}
    }
}
