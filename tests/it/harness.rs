//! The test harness: a real PostgreSQL for every test.
//!
//! With no `DATABASE_URL`, the first test to need a database starts a
//! throwaway cluster with attrib's own embedded-server code (in a temporary
//! directory, durability off); it is stopped and deleted when the test
//! process exits. With `DATABASE_URL`, the tests run against that server.
//! Either way each test gets a fresh database of its own, cloned from a
//! migrated template, and runs the real `attrib` binary against it.

// Helpers for every test module; not each is used by every module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use attrib::db::embedded::{Cluster, ClusterOptions, Home, Lease};
use attrib::db::migrate;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

/// The server every test database lives on.
struct Server {
    /// Connection options for the maintenance database.
    admin: PgConnectOptions,
    /// Builds a URL for a database on this server.
    url_for: Box<dyn Fn(&str) -> String + Send + Sync>,
    template: String,
    prefix: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static LEASE: Mutex<Option<Lease>> = Mutex::new(None);
static TEMP_HOME: Mutex<Option<tempfile::TempDir>> = Mutex::new(None);
static CREATED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn external_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        // Set-up is async but we may be inside a test's runtime: use a thread.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(start_server())
        })
        .join()
        .expect("test server set-up panicked")
    })
}

async fn start_server() -> Server {
    let pid = std::process::id();
    let server = match external_url() {
        Some(url) => {
            let admin = PgConnectOptions::from_str(&url).expect("DATABASE_URL is not valid");
            let base = url.clone();
            Server {
                admin,
                url_for: Box::new(move |db| with_database(&base, db)),
                template: format!("attrib_test_template_{pid}"),
                prefix: format!("attrib_test_{pid}_"),
            }
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("attrib-test-")
                .tempdir_in("/tmp")
                .expect("cannot create a temporary directory");
            let cluster = Cluster::open(
                Home::new(dir.path()),
                ClusterOptions {
                    durable: false,
                    max_connections: 200,
                    ..ClusterOptions::default()
                },
            )
            .expect("PostgreSQL server binaries are needed to run the tests");
            let lease = cluster.lease().expect("the test cluster did not start");
            *LEASE.lock().unwrap() = Some(lease);
            *TEMP_HOME.lock().unwrap() = Some(dir);
            let for_url = cluster.clone();
            Server {
                admin: cluster.connect_options("postgres"),
                url_for: Box::new(move |db| for_url.url(db)),
                template: "attrib_template".into(),
                prefix: "t_".into(),
            }
        }
    };
    // SAFETY: registering a plain extern "C" function with atexit.
    unsafe { libc::atexit(teardown) };
    let mut admin = PgConnection::connect_with(&server.admin).await.unwrap();
    exec(
        &mut admin,
        &format!("DROP DATABASE IF EXISTS {}", server.template),
    )
    .await;
    exec(&mut admin, &format!("CREATE DATABASE {}", server.template)).await;
    CREATED.lock().unwrap().push(server.template.clone());
    let mut conn = PgConnection::connect_with(&options_for(&server, &server.template))
        .await
        .unwrap();
    migrate::apply_pending(&mut conn, &migrate::MIGRATOR)
        .await
        .expect("migrations failed on the template database");
    conn.close().await.unwrap();
    admin.close().await.unwrap();
    server
}

/// Stops the throwaway cluster (or drops the test databases on an external
/// server) when the test process exits.
extern "C" fn teardown() {
    if let Some(lease) = LEASE.lock().ok().and_then(|mut l| l.take()) {
        let _ = lease.release();
        drop(TEMP_HOME.lock().ok().and_then(|mut d| d.take()));
        return;
    }
    let Some(server) = SERVER.get() else { return };
    let names: Vec<String> = CREATED.lock().map(|c| c.clone()).unwrap_or_default();
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    rt.block_on(async {
        if let Ok(mut admin) = PgConnection::connect_with(&server.admin).await {
            for name in names {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await;
            }
        }
    });
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn options_for(server: &Server, db: &str) -> PgConnectOptions {
    server
        .admin
        .clone()
        .database(db)
        .options([("search_path", "public")])
}

/// `url` with its database (the path) replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let path_start = url[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(url.len());
    let path_end = url[path_start..]
        .find('?')
        .map(|i| path_start + i)
        .unwrap_or(url.len());
    format!("{}/{db}{}", &url[..path_start], &url[path_end..])
}

/// A fresh database for one test.
pub struct TestDb {
    pub name: String,
    pub pool: PgPool,
    pub url: String,
}

impl TestDb {
    /// A database with every migration applied.
    pub async fn migrated() -> TestDb {
        let server = server();
        TestDb::create(&format!("TEMPLATE {}", server.template)).await
    }

    /// A database with nothing in it, not even the migration table.
    pub async fn empty() -> TestDb {
        TestDb::create("TEMPLATE template0").await
    }

    async fn create(template: &str) -> TestDb {
        let server = server();
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("{}{n}", server.prefix);
        let mut admin = PgConnection::connect_with(&server.admin).await.unwrap();
        exec(&mut admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        exec(&mut admin, &format!("CREATE DATABASE {name} {template}")).await;
        admin.close().await.unwrap();
        CREATED.lock().unwrap().push(name.clone());
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .connect_with(options_for(server, &name))
            .await
            .unwrap();
        TestDb {
            url: (server.url_for)(&name),
            name,
            pool,
        }
    }

    /// The attrib binary, pointed at this database.
    pub fn attrib(&self) -> Command {
        let mut cmd = attrib_command();
        cmd.env("DATABASE_URL", &self.url);
        cmd
    }

    /// Runs attrib with `args` against this database.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.attrib().args(args))
    }

    /// Runs a query returning one value.
    pub async fn scalar<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
    {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs SQL statements (fixtures).
    pub async fn exec(&self, sql: &str) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A row count, for "the database is unchanged" assertions.
    pub async fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT count(*) FROM {table}")).await
    }

    /// Counts of every application table, to compare before and after.
    pub async fn snapshot(&self) -> Vec<(String, i64)> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap();
        let mut out = Vec::new();
        for t in tables {
            let n = self.count(&t).await;
            out.push((t, n));
        }
        out
    }
}

/// The attrib binary with a clean environment: no database chosen, no
/// colours, no user home leaking in.
pub fn attrib_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_attrib"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("ATTRIB_HOME")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// What a run of attrib printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(cmd: &mut Command) -> Run {
        let out: Output = cmd.output().expect("cannot run attrib");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with both streams unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.expect_code(0)
    }

    /// The stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A file under `sample_data/`.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(name)
}

/// Is this process root? (Some tests only make sense as root, or not.)
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn with_database_replaces_the_path_only() {
    assert_eq!(
        with_database("postgresql://u:p@h:5432/postgres?sslmode=require", "t_1"),
        "postgresql://u:p@h:5432/t_1?sslmode=require"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
