//! Payments' database functions, per resource.

mod accounts;
mod ledger;
mod ppv;

pub use accounts::*;
pub use ledger::*;
pub use ppv::*;
