//! The closed sets of payments: what was paid for, where a payment stands, and a
//! subscription's Stripe status.

crate::platform::text_enum::text_enum! {
    /// What a payment bought.
    pub enum PaymentKind {
        Tip = "tip",
        Ppv = "ppv",
        SubscriptionInvoice = "subscription_invoice",
        /// A paid booking (its `subject_id`): delivered by the bookings feature.
        Booking = "booking",
    }
}

crate::platform::text_enum::text_enum! {
    /// Where a payment stands. It only moves forward: `pending` → `failed` or `succeeded`
    /// (a failed attempt may still succeed) → `partially_refunded` → `refunded`; or, paid
    /// with nothing to deliver (a duplicate, a deleted subject, another amount than the
    /// price), `undeliverable` → `refunded` by itself.
    pub enum PaymentStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
        Refunded = "refunded",
        PartiallyRefunded = "partially_refunded",
        Undeliverable = "undeliverable",
    }
}

crate::platform::text_enum::text_enum! {
    /// A subscription's status as Stripe reports it.
    pub enum SubscriptionStatus {
        Incomplete = "incomplete",
        IncompleteExpired = "incomplete_expired",
        Trialing = "trialing",
        Active = "active",
        PastDue = "past_due",
        Canceled = "canceled",
        Unpaid = "unpaid",
        Paused = "paused",
    }
}

crate::platform::text_enum::text_enum! {
    /// Why money went back.
    pub enum RefundReason {
        /// The payee or an admin refunded it.
        Requested = "requested",
        /// The payer already had what it bought.
        Duplicate = "duplicate",
        /// What it bought was gone (a message deleted meanwhile).
        Undeliverable = "undeliverable",
        /// Stripe charged another amount or currency than the price.
        AmountMismatch = "amount_mismatch",
        /// Made in Stripe's dashboard; learnt from its event.
        External = "external",
    }
}

crate::platform::text_enum::text_enum! {
    /// Where a refund stands.
    pub enum RefundStatus {
        /// Written, Stripe not yet (or not reachably) asked: retried by the jobs queue.
        Pending = "pending",
        Succeeded = "succeeded",
        /// Stripe refused it; nothing moved.
        Failed = "failed",
    }
}
