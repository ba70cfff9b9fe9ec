//! What Parley sells is priced in minor units within bounds; each bound is written here
//! once, and every path (REST, the socket, Elements) checks prices through `Bounds::check`.

use super::error::ApiError;

/// An inclusive range of amounts in minor units, and the field it is for.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub field: &'static str,
    pub min: i64,
    pub max: i64,
}

/// A pay-per-view message's price.
pub const PPV_PRICE: Bounds = Bounds {
    field: "ppv.amount",
    min: 100,
    max: 100_000,
};

/// A creator tier's monthly price.
pub const TIER_PRICE: Bounds = Bounds {
    field: "amount",
    min: 100,
    max: 1_000_000,
};

/// A paid booking type's price.
pub const BOOKING_PRICE: Bounds = Bounds {
    field: "price.amount",
    min: 100,
    max: 1_000_000,
};

impl Bounds {
    /// The amount when within bounds; 422 naming the field and the bounds otherwise.
    pub fn check(&self, amount: i64) -> Result<i64, ApiError> {
        if (self.min..=self.max).contains(&amount) {
            Ok(amount)
        } else {
            Err(ApiError::invalid(format!(
                "{} must be {} to {}",
                self.field, self.min, self.max
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_name_their_field() {
        assert_eq!(PPV_PRICE.check(100).unwrap(), 100);
        assert_eq!(PPV_PRICE.check(100_000).unwrap(), 100_000);
        let e = PPV_PRICE.check(99).unwrap_err().to_string();
        assert_eq!(e, "ppv.amount must be 100 to 100000");
        assert!(TIER_PRICE.check(1_000_001).is_err());
    }
}
