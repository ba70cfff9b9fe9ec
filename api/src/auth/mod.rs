//! Authentication: Clerk session tokens (RS256 JWTs), the dev issuer and its routes, and
//! webhook signatures. The signed-in caller (`AuthUser`) is the users feature's.

pub mod dev_issuer;
pub mod routes;
pub mod signatures;
pub mod verifier;

pub use verifier::{Claims, Verifier};
