//! The README's command reference is kept in step with `--help`: every
//! command attrib has is listed there, and every command and option the
//! README names exists, on that command.

use std::path::Path;

use clap::CommandFactory;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The rows of the README's command table: the cell naming the command(s).
fn command_cells(readme: &str) -> Vec<String> {
    let section = readme
        .split("\n## Commands\n")
        .nth(1)
        .expect("a Commands section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `attrib "))
        .map(|l| {
            // Cells are split on '|' not escaped as '\|'.
            let unescaped = l.replace("\\|", "\u{1}");
            unescaped.split('|').nth(1).unwrap().replace('\u{1}', "|")
        })
        .collect()
}

/// Every `attrib ...` span of a cell.
fn invocations(cell: &str) -> Vec<Vec<String>> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| span.strip_prefix("attrib "))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn leaf_commands(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    if subs.is_empty() {
        out.push(path);
        return;
    }
    for sub in subs {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        leaf_commands(sub, p, out);
    }
}

#[test]
fn every_command_is_in_the_readme_and_every_option_there_exists() {
    let readme = readme();
    let cells = command_cells(&readme);
    assert!(cells.len() > 20, "the command table: {cells:?}");
    let cli = attrib::cli::Cli::command();

    let mut documented: Vec<Vec<String>> = Vec::new();
    for cell in &cells {
        for words in invocations(cell) {
            let mut cmd = &cli;
            let mut path = Vec::new();
            let mut words = words.into_iter().peekable();
            while let Some(sub) = words.peek().and_then(|w| cmd.find_subcommand(w)) {
                path.push(words.next().unwrap());
                cmd = sub;
            }
            assert!(
                cmd.get_subcommands().next().is_none(),
                "README names `attrib {}`, which needs a subcommand",
                path.join(" ")
            );
            for word in words {
                let Some(flag) = word.trim_start_matches('[').strip_prefix("--") else {
                    continue;
                };
                let long: String = flag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let known = cmd.get_arguments().any(|a| a.get_long() == Some(&long))
                    || cli.get_arguments().any(|a| a.get_long() == Some(&long));
                assert!(
                    known,
                    "README gives `attrib {}` the option --{long}, which it does not have",
                    path.join(" ")
                );
            }
            documented.push(path);
        }
    }
    let mut all = Vec::new();
    leaf_commands(&cli, Vec::new(), &mut all);
    for path in all {
        assert!(
            documented.contains(&path),
            "`attrib {}` is missing from the README's command table",
            path.join(" ")
        );
    }
}

/// The funnel formulas are stated in the README as `--help` states them.
#[test]
fn the_readme_states_the_funnel_formulas() {
    let readme = readme();
    for (rate, formula) in [
        ("delivery rate", "delivered / sent"),
        ("open rate", "opened / delivered"),
        ("click rate", "clicked / delivered"),
        ("click-to-open", "clicked / opened"),
        ("bounce rate", "bounced / sent"),
    ] {
        assert!(
            readme.contains(&format!("| {rate} | {formula} |")),
            "{rate} = {formula}"
        );
    }
    for code in ["| 0 |", "| 1 |", "| 2 |", "| 3 |"] {
        assert!(readme.contains(code), "exit code {code}");
    }
}
