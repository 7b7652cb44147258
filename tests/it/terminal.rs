//! What a person at a terminal sees on stderr: spinners name their work,
//! and nothing of them shows when stderr is not a terminal.

use std::path::Path;
use std::process::Command;

use crate::harness::{Run, attrib_command};

/// `script` (util-linux) runs a command on a pseudo-terminal; its output
/// is what the terminal showed.
fn script() -> Option<&'static Path> {
    ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.is_file())
}

#[test]
fn spinners_show_their_message_on_a_terminal_and_nothing_elsewhere() {
    let Some(script) = script() else {
        eprintln!("skipped: no `script` (util-linux) to run attrib on a pseudo-terminal");
        return;
    };
    let home = tempfile::Builder::new()
        .prefix("attrib-tty-")
        .tempdir_in("/tmp")
        .unwrap();
    // The first command of a new home starts (and creates) its server:
    // seconds, so the spinner is drawn.
    let line = format!(
        "{} --home {} events list",
        env!("CARGO_BIN_EXE_attrib"),
        home.path().display()
    );
    let mut cmd = Command::new(script);
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("DATABASE_URL")
        .env_remove("ATTRIB_HOME")
        .env("NO_COLOR", "1");
    let on_tty = Run::of(&mut cmd);
    on_tty.ok();
    assert!(
        on_tty.stdout.contains("starting PostgreSQL"),
        "{}",
        on_tty.stdout
    );
    assert!(!on_tty.stdout.contains("0/0"), "{}", on_tty.stdout);
    assert!(!on_tty.stdout.contains('░'), "{}", on_tty.stdout);

    // The same on pipes: no spinner at all.
    let piped = Run::of(
        attrib_command()
            .arg("--home")
            .arg(home.path())
            .args(["events", "list"]),
    );
    piped.ok();
    assert!(
        !piped.stderr.contains("starting PostgreSQL"),
        "{}",
        piped.stderr
    );
    assert!(!piped.stderr.contains('\r'), "{}", piped.stderr);
}

#[test]
fn help_names_the_environment_variables_without_an_empty_value() {
    for set in [false, true] {
        let mut cmd = attrib_command();
        cmd.env_remove("ATTRIB_TIMEZONE").arg("--help");
        if set {
            cmd.env("ATTRIB_TIMEZONE", "UTC");
        }
        let help = Run::of(&mut cmd);
        help.ok();
        for name in ["ATTRIB_TIMEZONE", "ATTRIB_HOME", "DATABASE_URL"] {
            assert!(
                help.stdout.contains(&format!("[env: {name}]")),
                "{name}: {}",
                help.stdout
            );
        }
        assert!(!help.stdout.contains("=]"), "{}", help.stdout);
        assert!(help.stdout.contains("[default: Africa/Johannesburg]"));
    }
}

#[tokio::test]
async fn verbose_report_and_summary_log_each_query_with_its_time() {
    let db = crate::harness::TestDb::migrated().await;
    db.exec(crate::outreach::FIXTURE).await;
    let report = db.run(&["-v", "report", "--event", "data-ai-day-2026"]);
    report.ok();
    for query in [
        "report_campaigns",
        "report_unattributed",
        "report_reach",
        "report_funnel",
    ] {
        let line = report
            .stderr
            .lines()
            .find(|l| l.contains(&format!("query {query}:")))
            .unwrap_or_else(|| panic!("no {query} in:\n{}", report.stderr));
        assert!(
            line.contains(" rows in ") || line.contains(" row in "),
            "{line}"
        );
        assert!(line.ends_with(" ms"), "{line}");
    }
    let summary = db.run(&["-v", "summary", "--event", "data-ai-day-2026"]);
    summary.ok();
    for query in [
        "summary_window",
        "summary_registrations",
        "summary_sources",
        "summary_emails",
        "summary_last_import",
    ] {
        assert!(
            summary.stderr.contains(&format!("query {query}:")),
            "no {query} in:\n{}",
            summary.stderr
        );
    }
    // Without -v: none of it.
    let quiet = db.run(&["report", "--event", "data-ai-day-2026"]);
    assert!(!quiet.ok().stderr.contains("query "), "{}", quiet.stderr);
}
