//! Authentication: Clerk session tokens (RS256 JWTs), the dev issuer, the request extractor,
//! and the Svix webhook signature check.

pub mod dev;
pub mod extractor;
pub mod jwt;
pub mod svix;

pub use extractor::AuthUser;
pub use jwt::{Claims, Verifier};
