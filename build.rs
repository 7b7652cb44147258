// Rebuild when a migration changes: sqlx::migrate!() embeds them at compile time.
//
// And tell the tests whether a browser is installed: without one, the
// browser test of tests/it/report_html.rs is compiled as ignored, so that
// `cargo test` reports it as skipped (with the reason) instead of `ok`.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=sqlx.toml");
    println!("cargo::rustc-check-cfg=cfg(attrib_no_browser)");
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-changed=/usr/bin");
    if !browser_installed() {
        println!("cargo::rustc-cfg=attrib_no_browser");
    }
}

/// The same search as `chromium()` in tests/it/report_html.rs.
fn browser_installed() -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([std::path::PathBuf::from("/usr/bin")])
        .any(|dir| {
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .any(|name| dir.join(name).is_file())
        })
}
