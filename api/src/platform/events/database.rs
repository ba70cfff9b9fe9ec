//! `Database`: the pool and where committed events go, as route handlers and the socket's
//! commands use them. `run` lends a connection; `write` lends one for a write service,
//! gives it back, then publishes what the write committed.

use std::sync::Arc;

use diesel_async::AsyncPgConnection;

use super::publish::{Committed, Publish};
use crate::platform::db::DbPool;
use crate::platform::error::ApiResult;

#[derive(Clone)]
pub struct Database {
    pub db: DbPool,
    pub publish: Arc<dyn Publish>,
}

impl Database {
    /// Runs work that publishes nothing (a read, or a write no socket hears of).
    pub async fn run<T>(&self, f: impl AsyncFnOnce(&mut AsyncPgConnection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.db.get().await?;
        f(&mut conn).await
    }

    /// Runs a write service, releases the connection, then publishes what it committed.
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&mut AsyncPgConnection) -> ApiResult<Committed<T>>,
    ) -> ApiResult<T> {
        let committed = {
            let mut conn = self.db.get().await?;
            f(&mut conn).await?
        };
        Ok(committed.publish(&*self.publish).await)
    }
}
