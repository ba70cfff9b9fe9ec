//! Payments' database functions, per resource.

mod accounts;
mod ledger;
mod ppv;
mod refunds;

pub use accounts::*;
pub use ledger::*;
pub use ppv::*;
pub use refunds::*;
