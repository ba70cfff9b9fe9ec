//! The closed sets of payments: what was paid for, where a payment stands, and a
//! subscription's Stripe status.

crate::platform::text_enum::text_enum! {
    /// What a payment bought.
    pub enum PaymentKind {
        Tip = "tip",
        Ppv = "ppv",
        SubscriptionInvoice = "subscription_invoice",
        Lecture = "lecture",
        Booking = "booking",
    }
}

crate::platform::text_enum::text_enum! {
    /// Where a payment stands. It only moves forward: `pending` → `failed` or `succeeded`
    /// (a failed attempt may still succeed) → `partially_refunded` → `refunded`.
    pub enum PaymentStatus {
        Pending = "pending",
        Succeeded = "succeeded",
        Failed = "failed",
        Refunded = "refunded",
        PartiallyRefunded = "partially_refunded",
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
