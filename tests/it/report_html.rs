//! `attrib report --format html`: one self-contained page, well formed, with
//! every value from the database escaped, and rendered by a real browser.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestDb, fixture};

async fn db_with(name: &str) -> TestDb {
    let db = TestDb::migrated().await;
    db.exec(&std::fs::read_to_string(fixture(name)).unwrap())
        .await;
    db
}

fn html_of(db: &TestDb, event: &str) -> String {
    let run = db.run(&["report", "--event", event, "--format", "html"]);
    run.ok();
    run.stdout.clone()
}

/// Elements that have no closing tag in HTML.
const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link", "wbr"];

/// Checks that every element the report emits is closed, in order, and
/// returns the names of the opened elements in document order.
fn check_well_formed(html: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("an unclosed comment");
            rest = &after[end + 3..];
            continue;
        }
        let end = rest.find('>').expect("a tag without '>'");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            assert!(tag.eq_ignore_ascii_case("!DOCTYPE html"), "<{tag}>");
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name.trim(), "</{name}> closes <{open}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(!name.is_empty(), "a '<' that opens no tag: <{tag}>");
        opened.push(name.clone());
        if name == "style" {
            let close = rest.find("</style>").expect("an unclosed <style>");
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if !(tag.ends_with('/') || VOID.contains(&name.as_str())) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "never closed: {stack:?}");
    opened
}

/// The tags of a page (text holds no '<': it is escaped).
fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(tag, _)| tag))
        .collect()
}

/// Self-contained: nothing fetched from elsewhere, no script at all.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script");
    assert!(!lower.contains("@import"), "a CSS import");
    assert!(!lower.contains("url("), "a CSS url()");
    for tag in tags(&lower) {
        for attr in [" src=", " href=", ":href=", " srcset=", " action="] {
            for (i, _) in tag.match_indices(attr) {
                let value = tag[i + attr.len()..].trim_start_matches(['"', '\'']);
                assert!(value.starts_with('#'), "<{tag}> refers outside the page");
            }
        }
    }
}

#[tokio::test]
async fn the_page_is_self_contained_and_well_formed() {
    let db = db_with("models/realistic.sql").await;
    let html = html_of(&db, "2026");
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &html[..80]
    );
    let opened = check_well_formed(&html);
    let count = |name: &str| opened.iter().filter(|n| *n == name).count();
    assert_eq!(count("html"), 1);
    assert_eq!(count("head"), 1);
    assert_eq!(count("body"), 1);
    assert_eq!(count("title"), 1);
    assert_eq!(count("style"), 1);
    assert_self_contained(&html);
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("@media print"), "a print style sheet");

    // Every section as a table, and the models compared.
    for title in [
        "<h2>Data &amp; AI Day 2026 (data-ai-day-2026, 2026-09-17): 391 registrations</h2>",
        "<h3>Registrations per campaign</h3>",
        "<h3>Attribution models compared (touches: 30-day window)</h3>",
        "<h3>Unattributed sources</h3>",
        "<h3>Channel reach</h3>",
        "<h3>Recipient funnel</h3>",
    ] {
        assert!(html.contains(title), "missing {title}");
    }
    assert_eq!(count("table"), 5);
    // Charts: the timeline, the models, channel reach, and one funnel per
    // email (8 emails).
    assert_eq!(count("svg"), 3 + 8);
    assert_eq!(count("figure"), 3 + 8);
    // The timeline marks sends: triangles (emails), circles (posts), a
    // cross (the flyer).
    let timeline = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert!(timeline.contains("<polygon"), "email marks");
    assert!(timeline.contains("<circle"), "post marks");
    assert!(
        timeline.contains("Early Bird Registration 2026"),
        "the legend"
    );
    assert!(timeline.contains("04 May"), "dates on the axis");
    // Funnel of email 1: 400 recipients, 380 sent (all but 20 failed).
    assert!(html.contains("CFP 2026: Call for papers is open (sent 2026-05-04 09:00)"));
    assert!(html.contains(">\n400\n</text>") || html.contains(">400</text>"));
}

#[tokio::test]
async fn every_value_from_the_database_is_escaped() {
    let db = db_with("models/touches.sql").await;
    db.exec(
        r#"UPDATE events SET name = 'Data & AI <b>Day</b> "2026"' WHERE id = 1;
           UPDATE campaigns SET name = '<script>alert("c")</script>' WHERE id = 1;
           UPDATE communications SET title = '<img src=x onerror=alert(1)>' WHERE id = 2;
           UPDATE tickets SET marketing_source = '"><svg onload=alert(1)>' WHERE id = 3;
           UPDATE campaigns SET name = 'Tom & Jerry''s <i>' WHERE id = 4;"#,
    )
    .await;
    let html = html_of(&db, "2026");
    check_well_formed(&html);
    assert_self_contained(&html);
    for raw in ["<b>", "<img", "<svg onload", "<i>", "alert(\"c\")"] {
        assert!(!html.contains(raw), "{raw} reached the page unescaped");
    }
    // In the charts (SVG text, cut to fit) and in the tables: escaped.
    let in_svg = html
        .split("<svg")
        .skip(1)
        .filter(|svg| svg.contains("&lt;script&gt;alert("))
        .count();
    assert!(in_svg >= 2, "the timeline legend and the models chart");
    let script = "&lt;script&gt;alert(&quot;c&quot;)&lt;/script&gt;";
    assert!(html.matches(script).count() >= 2, "the tables");
    assert!(html.contains("Data &amp; AI &lt;b&gt;Day&lt;/b&gt; &quot;2026&quot;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;i&gt;"));
    // The navigation between the two events points inside the page.
    assert!(html.contains("href=\"#event-data-ai-day-durban-2026\""));
    assert!(html.contains("id=\"event-data-ai-day-durban-2026\""));
}

#[tokio::test]
async fn out_writes_a_file_or_report_html_in_a_directory() {
    let db = db_with("models/touches.sql").await;
    let dir = tempfile::tempdir().unwrap();

    let file = dir.path().join("weekly.html");
    let run = db.run(&["report", "--event", "2026", "--out", file.to_str().unwrap()]);
    run.ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("weekly.html"), "{}", run.stderr);
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    check_well_formed(&page);

    // An existing directory, and a new one (created).
    for sub in ["", "reports/2026-w14"] {
        let target = dir.path().join(sub);
        db.run(&[
            "report",
            "--event",
            "data-ai-day-2026",
            "--format",
            "html",
            "--out",
            target.to_str().unwrap(),
        ])
        .ok();
        let page = std::fs::read_to_string(target.join("report.html")).unwrap();
        assert!(page.contains("Attribution models compared"));
    }
    // Atomic writes leave no temporary file behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.html", "reports", "weekly.html"]);

    // --window reaches the page; --section does not make sense there.
    let two_weeks = db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--format",
        "html",
        "--window",
        "2w",
    ]);
    two_weeks.ok();
    assert!(two_weeks.stdout.contains("(touches: 2-week window)"));
    db.run(&[
        "report",
        "--event",
        "data-ai-day-2026",
        "--format",
        "html",
        "--section",
        "funnel",
    ])
    .expect_code(2);
}

#[tokio::test]
async fn an_event_with_nothing_yet_still_makes_a_page() {
    let db = TestDb::migrated().await;
    db.exec("INSERT INTO events (name, slug, starts_on) VALUES ('Data & AI Day 2027', 'data-ai-day-2027', '2027-09-16')")
        .await;
    let html = html_of(&db, "2027");
    check_well_formed(&html);
    assert!(html.contains("0 registrations"));
    assert!(html.contains("No registrations attributed to a campaign"));
    assert!(!html.contains("NaN"));
}

/// The browser: Debian's chromium, if installed (CI installs it and sets
/// ATTRIB_REQUIRE_BROWSER=1, which makes its absence a failure).
fn chromium() -> Option<PathBuf> {
    let candidates = ["chromium", "chromium-browser", "google-chrome"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
        for name in candidates {
            let file = dir.join(name);
            if file.is_file() {
                return Some(file);
            }
        }
    }
    None
}

/// Runs the browser on `page` and returns the screenshot's path.
fn screenshot(browser: &Path, page: &Path, dir: &Path) -> PathBuf {
    let png = dir.join("report.png");
    let profile = dir.join("profile");
    std::fs::create_dir(&profile).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--window-size=1280,2400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start the browser");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the browser failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser took more than two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    png
}

/// The page as the browser lays it out `width` pixels wide: for each
/// table's box (`.scroll`) and the whole document, how wide its content is
/// and how wide it shows. A copy of the page gets a script that writes the
/// measures into the DOM, which `--dump-dom` prints (the page itself has no
/// script). `print`: the print style sheet applies, as on paper.
fn overflows(browser: &Path, html: &str, width: u32, print: bool, dir: &Path) -> Vec<String> {
    const MEASURE: &str = "<script>\
        var m = [];\
        document.querySelectorAll('.scroll').forEach(function (e, i) {\
          m.push('table ' + i + ' ' + e.scrollWidth + ' ' + e.clientWidth); });\
        m.push('page ' + document.documentElement.scrollWidth + ' ' + window.innerWidth);\
        document.body.setAttribute('data-measures', m.join(';'));\
        </script></body>";
    let mut copy = html.replace("</body>", MEASURE);
    if print {
        copy = copy.replace("@media print", "@media all");
    }
    let name = format!("measure-{width}-{print}");
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, copy).unwrap();
    let profile = dir.join(format!("{name}-profile"));
    std::fs::create_dir(&profile).unwrap();
    let dom = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},2400"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("cannot start the browser");
    let dom = String::from_utf8_lossy(&dom.stdout);
    let measures = dom
        .split_once("data-measures=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(m, _)| m.to_string())
        .unwrap_or_else(|| panic!("the browser ran no measure:\n{dom}"));
    let lines: Vec<&str> = measures.split(';').collect();
    assert!(lines.len() >= 5, "the tables were not found: {measures}");
    lines
        .into_iter()
        .filter(|m| {
            let n: Vec<u32> = m
                .rsplitn(3, ' ')
                .take(2)
                .map(|x| x.parse().unwrap())
                .collect();
            // scroll width > shown width
            n[1] > n[0]
        })
        .map(str::to_string)
        .collect()
}

/// Pixels of an 8-bit RGB or RGBA PNG, as RGB.
fn pixels(png: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::io::BufReader::new(std::fs::File::open(png).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let rgb = buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, rgb)
}

/// With ATTRIB_REQUIRE_BROWSER=1 (CI), a missing browser is a failure, also
/// when the browser test below was compiled as ignored.
#[test]
fn a_browser_is_installed_when_required() {
    if std::env::var("ATTRIB_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        assert!(
            chromium().is_some(),
            "ATTRIB_REQUIRE_BROWSER=1 but no chromium was found on PATH or in /usr/bin"
        );
    }
}

// build.rs sets attrib_no_browser when no chromium is installed: the test
// is then reported as ignored, with the reason, rather than as ok.
#[tokio::test]
#[cfg_attr(
    attrib_no_browser,
    ignore = "skipped: no chromium to render the HTML report (apt-get install chromium)"
)]
async fn a_real_browser_renders_the_report() {
    let Some(browser) = chromium() else {
        if std::env::var("ATTRIB_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("ATTRIB_REQUIRE_BROWSER=1 but no chromium was found on PATH or in /usr/bin");
        }
        eprintln!(
            "skipped: no chromium to render the HTML report (apt-get install chromium; \
             ATTRIB_REQUIRE_BROWSER=1 makes this a failure)"
        );
        return;
    };
    // The sample report: `attrib demo` loads the sample data into its own
    // database on a private embedded server, which the report then reads.
    let dir = tempfile::Builder::new()
        .prefix("attrib-html-")
        .tempdir_in("/tmp")
        .unwrap();
    let home = dir.path().join("home");
    let attrib = |args: &[&str]| {
        crate::harness::Run::of(
            crate::harness::attrib_command()
                .arg("--home")
                .arg(&home)
                .args(args),
        )
    };
    attrib(&["demo"]).ok();
    attrib(&["db", "start"]).ok();
    let url = attrib(&["db", "url"])
        .stdout
        .trim()
        .replace("/attrib?", "/attrib_demo?");
    let page = dir.path().join("report.html");
    let report = crate::harness::Run::of(
        crate::harness::attrib_command()
            .env("DATABASE_URL", &url)
            .args([
                "report",
                "--event",
                "data-ai-day-2026",
                "--out",
                page.to_str().unwrap(),
            ]),
    );
    attrib(&["db", "stop"]).ok();
    report.ok();
    // The wide tables fit a 1280-pixel window, and an A4 landscape page
    // (277 mm printable: 1047 CSS pixels) as the print style sheet sets it.
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        overflows(&browser, &html, 1280, false, dir.path()),
        Vec::<String>::new(),
        "cut off at 1280 px (table N, content width, shown width)"
    );
    assert_eq!(
        overflows(&browser, &html, 1047, true, dir.path()),
        Vec::<String>::new(),
        "cut off in print (table N, content width, shown width)"
    );
    // The check works: a narrow window does cut the tables off.
    assert!(!overflows(&browser, &html, 600, false, dir.path()).is_empty());

    let png = screenshot(&browser, &page, dir.path());
    if let Some(keep) = std::env::var_os("ATTRIB_SCREENSHOT_TO") {
        std::fs::copy(&png, keep).unwrap();
    }

    let (width, height, rgb) = pixels(&png);
    assert_eq!((width, height), (1280, 2400));
    let white = rgb.iter().filter(|p| p.iter().all(|c| *c >= 250)).count();
    let ink = rgb.len() - white;
    assert!(
        ink * 100 / rgb.len() >= 8,
        "only {ink} of {} pixels are not background: a blank page?",
        rgb.len()
    );
    let mut colours: Vec<[u8; 3]> = rgb.iter().map(|p| p.map(|c| c & 0xF0)).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() >= 30, "only {} colours", colours.len());
    // The charts were drawn: the first four colours of the palette (lines
    // and bars) each fill a fair number of pixels.
    for [r, g, b] in [
        [0x4E, 0x79, 0xA7],
        [0xF2, 0x8E, 0x2B],
        [0xE1, 0x57, 0x59],
        [0x76, 0xB7, 0xB2],
    ] {
        let near = rgb
            .iter()
            .filter(|p| p[0].abs_diff(r) <= 12 && p[1].abs_diff(g) <= 12 && p[2].abs_diff(b) <= 12)
            .count();
        assert!(near >= 500, "#{r:02X}{g:02X}{b:02X}: {near} pixels");
    }
}

/// The checks above would catch a broken page.
#[test]
fn the_checks_catch_broken_pages() {
    let broken = |page: &'static str| std::panic::catch_unwind(|| check_well_formed(page)).is_err();
    assert!(broken("<div><p></div></p>"), "crossed");
    assert!(broken("<table><tr><td>x</td></tr>"), "unclosed");
    assert!(broken("<td>a < b</td>"), "a raw '<'");
    assert!(!broken(
        "<!DOCTYPE html>\n<p>a &lt; b<br></p><svg><rect/></svg>"
    ));
    let outside =
        |page: &'static str| std::panic::catch_unwind(|| assert_self_contained(page)).is_err();
    assert!(outside("<img src=\"https://example.org/x.png\">"));
    assert!(outside("<a href='http://example.org'>x</a>"));
    assert!(outside("<script>alert(1)</script>"));
    assert!(outside("<style>body { background: url(x.png) }</style>"));
    assert!(!outside(
        "<a href=\"#event-x\">x</a><p>src=x onerror=alert(1)</p>"
    ));
}
