//! Connection pool, embedded migrations, and how to tell an outage from a defect.

use anyhow::Context;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub type DbPool = Pool<AsyncPgConnection>;
pub type DbConn = Object<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Arbitrary constant: the advisory lock every `migrate` takes, so that several instances
/// deploying at once apply migrations one after the other instead of racing.
const MIGRATION_LOCK: i64 = 0x5041_524c_4559;

pub fn pool(database_url: &str, size: usize) -> anyhow::Result<DbPool> {
    // `Fast` recycling skips a test query on every checkout: a broken connection surfaces as
    // an error on use (and the pool drops it), which costs less than a round trip per request.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(std::time::Duration::from_secs(5)))
        .create_timeout(Some(std::time::Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("building the database pool")
}

/// Applies pending migrations under a PostgreSQL advisory lock.
pub async fn migrate(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_owned();
    // The harness blocks internally: keep it off the async workers.
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        use diesel::connection::SimpleConnection;
        use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
        let mut conn: AsyncConnectionWrapper<AsyncPgConnection> =
            diesel::Connection::establish(&url).context("connecting to the database")?;
        conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
        let applied: anyhow::Result<Vec<String>> = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect())
            .map_err(|e| anyhow::anyhow!("applying migrations: {e}"));
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
        applied
    })
    .await
    .context("migration task")?
}

/// A cheap liveness query for `/readyz`.
pub async fn ping(pool: &DbPool) -> anyhow::Result<()> {
    let mut conn = pool.get().await.context("pool")?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}

/// True when a query failed because the database is unreachable or restarting (the
/// connection was closed, the server is shutting down or starting up), not because of the
/// query: such failures answer `unavailable`, not `internal`.
pub fn is_outage(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) | Error::BrokenTransactionManager => true,
        Error::DatabaseError(_, info) => {
            let m = info.message().to_ascii_lowercase();
            [
                "terminating connection",
                "connection closed",
                "shutting down",
                "starting up",
                "in recovery mode",
                "connection refused",
                "connection reset",
                "broken pipe",
                "server closed the connection",
                "unexpected eof",
                "error communicating with the server",
            ]
            .iter()
            .any(|needle| m.contains(needle))
        }
        _ => false,
    }
}

/// Escapes `LIKE` wildcards so user input matches literally (with the default `\\` escape).
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
