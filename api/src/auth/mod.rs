//! Authentication: Clerk session tokens (RS256 JWTs), the dev issuer and its routes, the
//! request extractor, and webhook signatures.

pub mod dev_issuer;
pub mod extractor;
pub mod routes;
pub mod signatures;
pub mod verifier;

pub use extractor::{AuthUser, Authenticator};
pub use verifier::{Claims, Verifier};
