//! The parts' actions, each written already printed with its place in the population's order,
//! and merged back into that order.

use std::collections::BinaryHeap;
use std::io::{self, BufReader, ErrorKind, Read, Write};

use anyhow::{Context, Result};
use haven_core::Date;
use haven_core::rules::{Action, Urgency};

use super::{Evaluated, field, open};
use crate::actions_output;

/// An action's place in the population's order (`rules::sort_population`): urgency, due date
/// (undated last), patient, rule id.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    urgency: u8,
    undated: bool,
    due: i32,
    patient: Vec<u8>,
    rule: Vec<u8>,
}

pub(super) fn write_action(
    out: &mut impl Write,
    patient: &str,
    a: &Action,
    printed: &str,
) -> Result<()> {
    let urgency = Urgency::ALL
        .iter()
        .position(|u| *u == a.urgency)
        .unwrap_or(0) as u8;
    let due = a.due.map_or(0, |d| d.to_julian_day());
    let rule = a.rule.id();
    let write = |out: &mut dyn Write| -> io::Result<()> {
        out.write_all(&[urgency, u8::from(a.due.is_none())])?;
        out.write_all(&due.to_le_bytes())?;
        for text in [patient, rule, printed] {
            out.write_all(&(text.len() as u32).to_le_bytes())?;
            out.write_all(text.as_bytes())?;
        }
        Ok(())
    };
    write(out).context("cannot write a temporary file")
}

/// The next action of a part's sorted file, `None` at its end.
fn read_action(input: &mut impl Read) -> Result<Option<(Order, Vec<u8>)>> {
    let mut head = [0u8; 6];
    match input.read_exact(&mut head) {
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(None),
        other => other.context("cannot read a temporary file")?,
    }
    let mut text = || -> Result<Vec<u8>> {
        let mut len = [0u8; 4];
        input
            .read_exact(&mut len)
            .context("cannot read a temporary file")?;
        let mut out = vec![0; u32::from_le_bytes(len) as usize];
        input
            .read_exact(&mut out)
            .context("cannot read a temporary file")?;
        Ok(out)
    };
    let (patient, rule, printed) = (text()?, text()?, text()?);
    let order = Order {
        urgency: head[0],
        undated: head[1] == 1,
        due: i32::from_le_bytes(field(&head[2..6])),
        patient,
        rule,
    };
    Ok(Some((order, printed)))
}

impl Evaluated {
    /// Writes the actions of every part to `out` in the population's order, `json` or as the
    /// table, exactly as `actions_output` prints the whole list.
    pub fn write(&self, as_of: Date, json: bool, out: &mut impl Write) -> Result<()> {
        let mut readers = self
            .actions
            .iter()
            .map(|p| Ok(BufReader::with_capacity(64 << 10, open(p)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut heap = BinaryHeap::new();
        for (part, reader) in readers.iter_mut().enumerate() {
            if let Some((order, printed)) = read_action(reader)? {
                heap.push(std::cmp::Reverse((order, part, printed)));
            }
        }
        let head = if json {
            actions_output::json_head(as_of)
        } else {
            actions_output::table_head(as_of, self.count)
        };
        out.write_all(head.as_bytes())?;
        let mut first = true;
        while let Some(std::cmp::Reverse((_, part, printed))) = heap.pop() {
            if json && !first {
                out.write_all(&[actions_output::JSON_BETWEEN as u8])?;
            }
            first = false;
            out.write_all(&printed)?;
            if let Some((order, printed)) = read_action(&mut readers[part])? {
                heap.push(std::cmp::Reverse((order, part, printed)));
            }
        }
        if json {
            out.write_all(actions_output::JSON_TAIL.as_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::create;
    use super::*;
    use haven_core::rules::{self, RuleId};
    use time::macros::date;

    #[test]
    fn parts_merged_give_the_populations_order() {
        let action = |urgency: Urgency, due: Option<Date>, rule: RuleId| Action {
            rule,
            section: "§1",
            urgency,
            due,
            reason: format!("because {rule:?}"),
            resolve: "do it",
        };
        let mut all = Vec::new();
        for (i, patient) in ["p-1", "p-10", "p-2", "p-3", "q"].iter().enumerate() {
            for (j, urgency) in Urgency::ALL.iter().enumerate() {
                let due = (i + j) % 3 != 0;
                let due = due
                    .then(|| date!(2026 - 11 - 28) + time::Duration::days((i * 7 % 5) as i64 - 2));
                let rule = RuleId::ALL[(i + j * 3) % RuleId::ALL.len()];
                all.push(((*patient).to_owned(), action(*urgency, due, rule)));
            }
        }
        let dir = tempfile::tempdir().expect("dir");
        for json in [true, false] {
            let mut paths = Vec::new();
            for part in 0..3 {
                let mut mine: Vec<(String, Action)> = all
                    .iter()
                    .filter(|(p, _)| haven_fhir::part_of(p, 3) == part)
                    .cloned()
                    .collect();
                rules::sort_population(&mut mine);
                let path = dir.path().join(format!("{part}-{json}"));
                let mut out = create(&path).expect("create");
                for (p, a) in &mine {
                    let printed = if json {
                        actions_output::json_action(p, a)
                    } else {
                        actions_output::table_row(p, a)
                    };
                    write_action(&mut out, p, a, &printed).expect("write");
                }
                paths.push(path);
            }
            let evaluated = Evaluated {
                notes: super::super::Notes::default(),
                actions: paths,
                count: all.len(),
            };
            let mut merged = Vec::new();
            evaluated
                .write(date!(2026 - 11 - 28), json, &mut merged)
                .expect("merge");
            let mut sorted = all.clone();
            rules::sort_population(&mut sorted);
            let whole = if json {
                actions_output::to_json(date!(2026 - 11 - 28), &sorted)
            } else {
                actions_output::to_table(date!(2026 - 11 - 28), &sorted)
            };
            assert_eq!(String::from_utf8(merged).expect("utf-8"), whole);
        }
    }
}
