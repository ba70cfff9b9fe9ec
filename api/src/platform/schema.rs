// Kept by hand to match migrations/ (diesel_cli is optional). `messages.search` is a
// generated tsvector column used only from SQL text, so it is not declared here.

diesel::table! {
    users (id) {
        id -> Uuid,
        clerk_id -> Text,
        email -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        display_name -> Text,
        image_url -> Nullable<Text>,
        bio -> Nullable<Text>,
        color -> Nullable<Text>,
        profile_complete -> Bool,
        role -> Text,
        deleted -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        notif_seq -> Int8,
        time_zone -> Text,
        dnd_start -> Nullable<Int2>,
        dnd_end -> Nullable<Int2>,
        avatar_file_id -> Nullable<Uuid>,
        clerk_updated_at -> Nullable<Timestamptz>,
        phone -> Nullable<Text>,
        email_bounced_at -> Nullable<Timestamptz>,
        phone_failed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Int8,
        svix_id -> Text,
        event_type -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Text,
        payload -> Jsonb,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        last_error -> Nullable<Text>,
        run_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        lease_token -> Nullable<Uuid>,
    }
}

diesel::table! {
    rooms (id) {
        id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        max_members -> Nullable<Int4>,
        created_by -> Uuid,
        last_seq -> Int8,
        member_count -> Int4,
        dm_key -> Nullable<Text>,
        last_activity_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        required_tier_id -> Nullable<Uuid>,
        logo_file_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    room_members (room_id, user_id) {
        room_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        joined_at -> Timestamptz,
        last_read_seq -> Int8,
        notify_level -> Nullable<Text>,
        muted_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    messages (id) {
        id -> Uuid,
        room_id -> Uuid,
        seq -> Int8,
        author_id -> Uuid,
        body -> Text,
        reply_to -> Nullable<Uuid>,
        client_msg_id -> Text,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
        mentions -> Nullable<Jsonb>,
        attachments -> Nullable<Jsonb>,
        ppv -> Nullable<Jsonb>,
    }
}

diesel::table! {
    reactions (message_id, emoji, user_id) {
        message_id -> Uuid,
        user_id -> Uuid,
        emoji -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    room_events (room_id, seq) {
        room_id -> Uuid,
        seq -> Int8,
        kind -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        seq -> Int8,
        kind -> Text,
        group_key -> Nullable<Text>,
        room_id -> Nullable<Uuid>,
        message_id -> Nullable<Uuid>,
        room_seq -> Nullable<Int8>,
        actor_id -> Nullable<Uuid>,
        count -> Int4,
        preview -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        subject_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    notification_log (user_id, seq) {
        user_id -> Uuid,
        seq -> Int8,
        kind -> Text,
        data -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    push_subscriptions (id) {
        id -> Uuid,
        user_id -> Uuid,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        failures -> Int4,
        created_at -> Timestamptz,
        last_ok_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    files (id) {
        id -> Uuid,
        owner_id -> Uuid,
        purpose -> Text,
        name -> Text,
        content_type -> Text,
        size -> Int8,
        sha256 -> Text,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        status -> Text,
        object_key -> Text,
        download_count -> Int8,
        created_at -> Timestamptz,
        attached_at -> Nullable<Timestamptz>,
        message_id -> Nullable<Uuid>,
        thumbnail_key -> Nullable<Text>,
    }
}

diesel::table! {
    notes (id) {
        id -> Uuid,
        author_id -> Uuid,
        file_id -> Uuid,
        room_id -> Nullable<Uuid>,
        subject_id -> Nullable<Uuid>,
        title -> Text,
        description -> Text,
        is_public -> Bool,
        view_count -> Int8,
        download_count -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(room_members -> rooms (room_id));
diesel::joinable!(room_members -> users (user_id));
diesel::joinable!(messages -> rooms (room_id));
diesel::joinable!(reactions -> messages (message_id));
diesel::joinable!(room_events -> rooms (room_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    webhook_events,
    jobs,
    rooms,
    room_members,
    messages,
    reactions,
    room_events,
    notifications,
    notification_log,
    push_subscriptions,
    files,
    notes,
    payout_accounts,
    stripe_customers,
    stripe_events,
    creator_profiles,
    creator_tiers,
    subscriptions,
    payments,
    ppv_unlocks,
    refunds,
    disputes,
    idempotency_keys,
    booking_types,
    availability,
    bookings,
    sessions,
    calendar_feeds,
    session_attendance,
    session_notes
);
diesel::joinable!(notes -> files (file_id));

diesel::table! {
    payout_accounts (user_id) {
        user_id -> Uuid,
        stripe_account_id -> Text,
        charges_enabled -> Bool,
        payouts_enabled -> Bool,
        details_submitted -> Bool,
        requirements -> Jsonb,
        disabled_reason -> Nullable<Text>,
        state_at -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_customers (user_id) {
        user_id -> Uuid,
        stripe_customer_id -> Text,
    }
}

diesel::table! {
    stripe_events (id) {
        id -> Text,
        event_type -> Text,
        account -> Nullable<Text>,
        created -> Int8,
        payload -> Jsonb,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    creator_profiles (user_id) {
        user_id -> Uuid,
        bio -> Text,
        show_subscriber_count -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    creator_tiers (id) {
        id -> Uuid,
        creator_id -> Uuid,
        name -> Text,
        amount -> Int8,
        currency -> Text,
        benefits -> Jsonb,
        trial_days -> Int4,
        active -> Bool,
        stripe_product_id -> Nullable<Text>,
        stripe_price_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        price_request -> Nullable<Jsonb>,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Uuid,
        fan_id -> Uuid,
        creator_id -> Uuid,
        tier_id -> Uuid,
        stripe_subscription_id -> Nullable<Text>,
        stripe_checkout_session_id -> Nullable<Text>,
        status -> Text,
        cancel_at_period_end -> Bool,
        current_period_end -> Nullable<Timestamptz>,
        trial_end -> Nullable<Timestamptz>,
        past_due_since -> Nullable<Timestamptz>,
        access_until -> Nullable<Timestamptz>,
        state_at -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    payments (id) {
        id -> Uuid,
        kind -> Text,
        payer_id -> Uuid,
        payee_id -> Uuid,
        payee_account -> Text,
        amount -> Int8,
        currency -> Text,
        fee_amount -> Int8,
        status -> Text,
        refunded_amount -> Int8,
        subject_id -> Nullable<Uuid>,
        room_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        stripe_checkout_session_id -> Nullable<Text>,
        stripe_payment_intent_id -> Nullable<Text>,
        stripe_invoice_id -> Nullable<Text>,
        failure -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        succeeded_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(subscriptions -> creator_tiers (tier_id));

diesel::table! {
    ppv_unlocks (message_id, user_id) {
        message_id -> Uuid,
        user_id -> Uuid,
        payment_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    refunds (id) {
        id -> Uuid,
        payment_id -> Uuid,
        amount -> Int8,
        currency -> Text,
        reason -> Text,
        status -> Text,
        stripe_refund_id -> Nullable<Text>,
        requested_by -> Nullable<Uuid>,
        failure -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    disputes (id) {
        id -> Uuid,
        payment_id -> Uuid,
        stripe_dispute_id -> Text,
        amount -> Int8,
        currency -> Text,
        reason -> Nullable<Text>,
        status -> Text,
        state_at -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Int2>,
        response -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    booking_types (id) {
        id -> Uuid,
        host_id -> Uuid,
        title -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        length_minutes -> Int4,
        price_amount -> Nullable<Int8>,
        price_currency -> Nullable<Text>,
        buffer_before_minutes -> Int4,
        buffer_after_minutes -> Int4,
        minimum_notice_minutes -> Int4,
        window_days -> Int4,
        slot_interval_minutes -> Int4,
        max_per_day -> Nullable<Int4>,
        requires_confirmation -> Bool,
        refund_until_hours -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    availability (host_id) {
        host_id -> Uuid,
        time_zone -> Text,
        weekly -> Jsonb,
        overrides -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// `blocked` (a tstzrange) is written by a trigger and read in SQL only.
    bookings (id) {
        id -> Uuid,
        booking_type_id -> Nullable<Uuid>,
        host_id -> Uuid,
        client_id -> Uuid,
        title -> Text,
        start_at -> Timestamptz,
        end_at -> Timestamptz,
        buffer_before_minutes -> Int4,
        buffer_after_minutes -> Int4,
        status -> Text,
        hold_expires_at -> Nullable<Timestamptz>,
        time_zone -> Text,
        note -> Nullable<Text>,
        price_amount -> Nullable<Int8>,
        price_currency -> Nullable<Text>,
        refund_until_hours -> Nullable<Int4>,
        requires_confirmation -> Bool,
        room_id -> Nullable<Uuid>,
        session_id -> Nullable<Uuid>,
        payment_id -> Nullable<Uuid>,
        checkout_url -> Nullable<Text>,
        sequence -> Int4,
        cancel_reason -> Nullable<Text>,
        cancelled_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        room_id -> Uuid,
        host_id -> Uuid,
        title -> Text,
        status -> Text,
        scheduled_at -> Nullable<Timestamptz>,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        start_seq -> Nullable<Int8>,
        end_seq -> Nullable<Int8>,
        booking_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> Uuid,
        token_hash -> Binary,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    session_attendance (id) {
        id -> Int8,
        session_id -> Uuid,
        user_id -> Uuid,
        joined_at -> Timestamptz,
        left_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    session_notes (id) {
        id -> Uuid,
        session_id -> Uuid,
        author_id -> Uuid,
        kind -> Text,
        body -> Text,
        visibility -> Text,
        done -> Bool,
        client_note_id -> Nullable<Text>,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    links (id) {
        id -> Uuid,
        owner_id -> Uuid,
        provider -> Text,
        code -> Text,
        external_id -> Nullable<Text>,
        short_url -> Text,
        long_url -> Text,
        long_url_hash -> Binary,
        custom -> Bool,
        title -> Nullable<Text>,
        tags -> Array<Text>,
        expires_at -> Nullable<Timestamptz>,
        click_count -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    link_clicks (link_id, day) {
        link_id -> Uuid,
        day -> Date,
        clicks -> Int8,
    }
}

diesel::table! {
    integrations (user_id, provider) {
        user_id -> Uuid,
        provider -> Text,
        status -> Text,
        access_token -> Nullable<Binary>,
        refresh_token -> Nullable<Binary>,
        workspace_name -> Nullable<Text>,
        problem -> Nullable<Text>,
        connected_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    session_exports (id) {
        id -> Uuid,
        session_id -> Uuid,
        user_id -> Uuid,
        target -> Text,
        status -> Text,
        parent_page_id -> Nullable<Text>,
        page_id -> Nullable<Text>,
        page_url -> Nullable<Text>,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}
