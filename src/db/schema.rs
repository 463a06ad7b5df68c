//! Diesel table definitions, written by hand to match both `migrations/sqlite/` and
//! `migrations/postgres/` (the two must always describe the same columns and types).

diesel::table! {
    people (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        is_admin -> Bool,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        person_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        person_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        client_addr -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    change_log (id) {
        id -> BigInt,
        entity_kind -> Text,
        entity_key -> Text,
        op -> Text,
        actor_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> people (person_id));
diesel::joinable!(api_tokens -> people (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    people,
    sessions,
    api_tokens,
    login_failures,
    change_log
);
