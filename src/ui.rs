//! How attrib talks to a person: colours and progress bars only on a
//! terminal, nothing but results (stdout) and problems (stderr) under cron.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What the output may contain, decided once at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// `--quiet`: print results only; no notes, summaries or progress.
    pub quiet: bool,
    /// Colours and bold titles on stdout.
    pub color: bool,
    /// Progress bars and spinners on stderr.
    pub progress: bool,
    /// The width tables are fitted to: `COLUMNS` when set, else the
    /// terminal's (80 when it cannot be read); None (full tables) when
    /// stdout is no terminal.
    pub width: Option<u16>,
}

impl Ui {
    pub fn detect(quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = no_color();
        let color = stdout_tty && !no_color && !quiet;
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(stderr_tty && !no_color);
        let width = columns_env(std::env::var("COLUMNS").ok().as_deref()).or_else(|| {
            stdout_tty.then(|| {
                console::Term::stdout()
                    .size_checked()
                    .map_or(DEFAULT_WIDTH, |(_, w)| w)
            })
        });
        Ui {
            quiet,
            color,
            progress: stderr_tty && !quiet,
            width,
        }
    }

    /// For tests and library callers: plain output, no terminal.
    pub fn plain() -> Ui {
        Ui {
            quiet: false,
            color: false,
            progress: false,
            width: None,
        }
    }

    /// Text to be read past (what a table left out): dim when this `Ui` has
    /// colours.
    pub fn dim(&self, text: &str) -> String {
        if self.color {
            console::style(text).dim().force_styling(true).to_string()
        } else {
            text.to_string()
        }
    }

    /// A progress bar over `total` bytes, drawn on stderr only when it is a
    /// terminal: "reading FILE [=====>    ] 12 MiB/40 MiB (3s)". With no
    /// size to measure against (a pipe), a spinner with the message.
    pub fn progress_bar(&self, total: u64, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        if total == 0 {
            return self.spinner(what);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(BAR_TEMPLATE)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar
    }

    /// A spinner for work of unknown length: "⠋ starting PostgreSQL (2s)",
    /// on stderr only when it is a terminal.
    pub fn spinner(&self, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        // Without a spinner style a bar of unknown length draws as an
        // empty bar and "0/0", hiding the message.
        bar.set_style(
            ProgressStyle::with_template(SPINNER_TEMPLATE)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A note for a person at a terminal (stderr), suppressed by `--quiet`.
    pub fn note(&self, text: impl std::fmt::Display) {
        if !self.quiet {
            stderr_line(format_args!("{text}"));
        }
    }

    /// A warning: always shown, on stderr.
    pub fn warn(&self, text: impl std::fmt::Display) {
        stderr_line(format_args!(
            "{} {text}",
            console::style("warning:").yellow().bold().for_stderr()
        ));
    }

    /// A section title for stdout: bold only when this `Ui` has colours
    /// (a `Ui::plain()` rendering for a file never gets escape codes, even
    /// when stdout is a terminal).
    pub fn title(&self, text: &str) -> String {
        // Titles hold event and campaign names: no control characters.
        let text = &*crate::output::visible(text);
        if self.color {
            console::style(text).bold().force_styling(true).to_string()
        } else {
            text.to_string()
        }
    }
}

const BAR_TEMPLATE: &str = "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta})";
const SPINNER_TEMPLATE: &str = "{spinner} {msg} ({elapsed})";

/// The width of a terminal whose size cannot be read.
pub const DEFAULT_WIDTH: u16 = 80;

/// A usable width from `COLUMNS` (as `ls` and other tools read it), or None.
fn columns_env(value: Option<&str>) -> Option<u16> {
    value?.trim().parse::<u16>().ok().filter(|w| *w >= 20)
}

/// The user asked for no colours: `NO_COLOR` set and not empty
/// (no-color.org), or a dumb terminal.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// Writes to stdout and flushes, returning the error instead of panicking as
/// `print!` does: a closed pipe (`attrib who ... | head -1`) is then an
/// ordinary error that `app::finish` turns into a quiet exit 0.
pub fn stdout_write(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.flush()
}

/// Writes one line to stderr. A closed or full stderr is ignored: there is
/// nowhere left to say so, and `eprintln!` would panic.
pub fn stderr_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `println!` that returns an `io::Result` instead of panicking on a closed
/// pipe: `outln!("{x}")?`.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::ui::stdout_write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::ui::stdout_write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_show_the_message() {
        for template in [BAR_TEMPLATE, SPINNER_TEMPLATE] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
            assert!(template.contains("{msg}"), "{template}");
        }
        // Not a terminal: nothing is drawn, whatever the work.
        let ui = Ui::plain();
        assert!(ui.spinner("starting PostgreSQL").is_hidden());
        assert!(ui.progress_bar(100, "reading x.csv").is_hidden());
    }

    #[test]
    fn columns_sets_the_width_when_it_is_a_usable_number() {
        assert_eq!(columns_env(Some("100")), Some(100));
        assert_eq!(columns_env(Some(" 80 ")), Some(80));
        for unusable in [
            None,
            Some(""),
            Some("wide"),
            Some("0"),
            Some("5"),
            Some("-80"),
        ] {
            assert_eq!(columns_env(unusable), None, "{unusable:?}");
        }
    }
}
