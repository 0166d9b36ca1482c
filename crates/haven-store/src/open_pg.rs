//! Opening a PostgreSQL database: refuse a schema that is not Haven's or is newer than this
//! build before changing anything, then migrate (`migrations/postgres/`).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

use crate::audit::{AuditFiles, Trail};
use crate::db::Pool;
use crate::open::{PG_MIGRATOR, PoolSettings, known_schema_version};
use crate::readers::Readers;
use crate::{Clock, Result, Store, StoreError};

pub(crate) async fn open(
    url: &str,
    audit: &AuditFiles,
    clock: Clock,
    settings: PoolSettings,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Store> {
    let options = PgConnectOptions::from_str(url)?;
    // One connection first, so that an unreachable server or a refused login is said as such,
    // not as a pool that timed out.
    match sqlx::PgConnection::connect_with(&options).await {
        Ok(conn) => conn.close().await?,
        Err(e) => {
            return Err(StoreError::Unreachable(e.to_string()));
        }
    }
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await?;
    inspect(&pool, &without_password(url)).await?;
    PG_MIGRATOR.run(&pool).await?;
    let pool = Pool::Postgres(pool);
    crate::search::refresh_keys(&pool).await?;
    let trail = Trail::open(&pool, audit).await?;
    let store = Store {
        db: pool,
        path: None,
        readers: std::sync::Arc::new(Readers::new(None)),
        audit: std::sync::Arc::new(trail),
        clock,
        scope: None,
        names: Default::default(),
    };
    store.rebuild_stale_rule_views(progress).await?;
    Ok(store)
}

/// Refuses a schema holding tables that are not Haven's, or Haven's at a newer version, with
/// nothing but reads.
async fn inspect(pool: &PgPool, name: &str) -> Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_all(pool)
    .await?;
    if tables.is_empty() {
        return Ok(());
    }
    let not_haven = || StoreError::NotHaven {
        path: name.to_owned(),
    };
    if !tables.iter().any(|t| t == "haven_meta") {
        return Err(not_haven());
    }
    let marker: Option<String> =
        sqlx::query_scalar("SELECT value FROM haven_meta WHERE key = 'application'")
            .fetch_optional(pool)
            .await?;
    if marker.as_deref() != Some("haven") {
        return Err(not_haven());
    }
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        return Ok(());
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await?;
    match found {
        Some(found) if found > known_schema_version() => Err(StoreError::NewerSchema {
            path: name.to_owned(),
            found,
            known: known_schema_version(),
        }),
        _ => Ok(()),
    }
}

/// The URL as messages may show it: any password replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((user_info, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match user_info.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_password_never_reaches_a_message() {
        for (url, shown) in [
            (
                "postgres://haven:s3cret@db/haven",
                "postgres://haven:***@db/haven",
            ),
            ("postgres://haven@db/haven", "postgres://haven@db/haven"),
            ("postgres://db/haven", "postgres://db/haven"),
        ] {
            assert_eq!(without_password(url), shown);
        }
    }
}
