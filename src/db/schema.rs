//! Diesel table definitions, written by hand to match both `migrations/sqlite/` and
//! `migrations/postgres/` (the two must always describe the same columns and types).

diesel::table! {
    site_meta (key) {
        key -> Text,
        value -> Text,
    }
}

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
        discipline -> Text,
        title -> Text,
        bio -> Text,
        links -> Text,
        backstage_ref -> Text,
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
        id_token -> Nullable<Text>,
    }
}

diesel::table! {
    oidc_identities (issuer, subject) {
        issuer -> Text,
        subject -> Text,
        person_id -> BigInt,
        claimed_username -> Text,
        created_at -> Timestamp,
        last_sign_in_at -> Timestamp,
    }
}

diesel::table! {
    scim_people (person_id) {
        person_id -> BigInt,
        user_name -> Text,
        user_name_key -> Text,
        external_id -> Nullable<Text>,
        attributes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    oidc_pending (state) {
        state -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next -> Text,
        created_at -> Timestamp,
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
        scope -> Text,
        expires_at -> Nullable<Timestamp>,
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

diesel::table! {
    units (id) {
        id -> BigInt,
        kind -> Text,
        slug -> Text,
        name -> Text,
        mission -> Text,
        description -> Text,
        links -> Text,
        tribe_id -> Nullable<BigInt>,
        discipline -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        backstage_type -> Text,
        backstage_ref -> Text,
    }
}

diesel::table! {
    unit_slug_redirects (kind, old_slug) {
        kind -> Text,
        old_slug -> Text,
        unit_id -> BigInt,
    }
}

diesel::table! {
    alliance_tribes (alliance_id, tribe_id) {
        alliance_id -> BigInt,
        tribe_id -> BigInt,
    }
}

diesel::table! {
    initiatives (id) {
        id -> BigInt,
        alliance_id -> BigInt,
        name -> Text,
        stage -> Text,
        description -> Text,
        position -> Integer,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        person_id -> BigInt,
        unit_id -> BigInt,
        role -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unit_events (id) {
        id -> BigInt,
        unit_id -> BigInt,
        event -> Text,
        detail -> Text,
        actor_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pages (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        body -> Text,
        revision -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    page_revisions (id) {
        id -> BigInt,
        page_id -> BigInt,
        number -> Integer,
        title -> Text,
        slug -> Text,
        body -> Text,
        summary -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    page_redirects (old_slug) {
        old_slug -> Text,
        page_id -> BigInt,
    }
}

diesel::table! {
    page_links (page_id, target) {
        page_id -> BigInt,
        target -> Text,
    }
}

diesel::table! {
    page_units (page_id, unit_id) {
        page_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    page_tags (page_id, tag) {
        page_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    images (id) {
        id -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        data -> Binary,
        size -> BigInt,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lessons (id) {
        id -> BigInt,
        title -> Text,
        body -> Text,
        source_kind -> Text,
        source_ref -> Text,
        author_id -> Nullable<BigInt>,
        revision -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lesson_revisions (id) {
        id -> BigInt,
        lesson_id -> BigInt,
        number -> Integer,
        title -> Text,
        body -> Text,
        source_kind -> Text,
        source_ref -> Text,
        summary -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lesson_units (lesson_id, unit_id) {
        lesson_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    lesson_tags (lesson_id, tag) {
        lesson_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    experiments (id) {
        id -> BigInt,
        title -> Text,
        squad_id -> BigInt,
        status -> Text,
        hypothesis -> Text,
        metrics -> Text,
        variants -> Text,
        results -> Text,
        planned_sample -> Nullable<BigInt>,
        planned_start -> Nullable<Date>,
        planned_end -> Nullable<Date>,
        ended_on -> Nullable<Date>,
        decision -> Nullable<Text>,
        rationale -> Text,
        learnings -> Text,
        override_outcome -> Nullable<Text>,
        override_reason -> Text,
        outcome -> Nullable<Text>,
        reasons -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        data -> Text,
        plan -> Nullable<Text>,
    }
}

diesel::table! {
    postmortems (id) {
        id -> BigInt,
        title -> Text,
        severity -> Integer,
        status -> Text,
        facilitator_id -> Nullable<BigInt>,
        started_at -> Timestamp,
        detected_at -> Nullable<Timestamp>,
        mitigated_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        summary -> Text,
        impact -> Text,
        timeline -> Text,
        factors -> Text,
        detection -> Text,
        went_well -> Text,
        went_wrong -> Text,
        lucky -> Text,
        pending_lessons -> Text,
        author_id -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    postmortem_squads (postmortem_id, unit_id) {
        postmortem_id -> BigInt,
        unit_id -> BigInt,
    }
}

diesel::table! {
    postmortem_authors (postmortem_id, person_id) {
        postmortem_id -> BigInt,
        person_id -> BigInt,
    }
}

diesel::table! {
    postmortem_reviews (id) {
        id -> BigInt,
        postmortem_id -> BigInt,
        reviewer_id -> BigInt,
        verdict -> Text,
        comments -> Text,
        acknowledged -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blameless_dismissals (id) {
        id -> BigInt,
        postmortem_id -> BigInt,
        field -> Text,
        rule -> Text,
        phrase -> Text,
        reason -> Text,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    action_items (id) {
        id -> BigInt,
        source_kind -> Text,
        source_id -> BigInt,
        position -> Integer,
        title -> Text,
        kind -> Text,
        squad_id -> BigInt,
        person_id -> Nullable<BigInt>,
        due_on -> Nullable<Date>,
        status -> Text,
        reason -> Text,
        tracker -> Text,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    retros (id) {
        id -> BigInt,
        title -> Text,
        squad_id -> BigInt,
        facilitator_id -> BigInt,
        held_on -> Date,
        format -> Text,
        column_names -> Text,
        anonymous -> Bool,
        vote_limit -> Integer,
        phase -> Text,
        vote_salt -> Text,
        version -> BigInt,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        hide_votes -> Bool,
    }
}

diesel::table! {
    retro_groups (id) {
        id -> BigInt,
        retro_id -> BigInt,
        title -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    retro_cards (id) {
        id -> BigInt,
        retro_id -> BigInt,
        column_index -> Integer,
        body -> Text,
        author_id -> Nullable<BigInt>,
        writer_key -> Nullable<Text>,
        group_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    retro_votes (id) {
        id -> BigInt,
        retro_id -> BigInt,
        card_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        voter -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    retro_action_topics (action_id) {
        action_id -> BigInt,
        retro_id -> BigInt,
        topic -> Text,
    }
}

diesel::table! {
    retro_presence (retro_id, person_id) {
        retro_id -> BigInt,
        person_id -> BigInt,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    retro_reviews (retro_id, action_id) {
        retro_id -> BigInt,
        action_id -> BigInt,
        verdict -> Text,
    }
}

diesel::table! {
    health_indicators (id) {
        id -> BigInt,
        name -> Text,
        awesome -> Text,
        crappy -> Text,
        position -> Integer,
        retired -> Bool,
    }
}

diesel::table! {
    health_sessions (id) {
        id -> BigInt,
        squad_id -> BigInt,
        held_on -> Date,
        facilitator_id -> BigInt,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        hide_votes -> Bool,
    }
}

diesel::table! {
    health_votes (session_id, indicator_id, person_id) {
        session_id -> BigInt,
        indicator_id -> BigInt,
        person_id -> BigInt,
        color -> Text,
        trend -> Nullable<Text>,
        comment -> Text,
    }
}

diesel::table! {
    step_texts (key) {
        key -> Text,
        body -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    step_catalogue (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        description -> Text,
        company_level -> Bool,
        retired -> Bool,
    }
}

diesel::table! {
    step_profiles (person_id) {
        person_id -> BigInt,
        discipline_id -> Nullable<BigInt>,
        step -> Nullable<Text>,
        step_since -> Nullable<Date>,
        public -> Bool,
        started_on -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    step_person_roles (person_id, role_id) {
        person_id -> BigInt,
        role_id -> BigInt,
    }
}

diesel::table! {
    step_assessments (person_id, side, behavior) {
        person_id -> BigInt,
        side -> Text,
        behavior -> Text,
        individual -> Nullable<Integer>,
        squad -> Nullable<Integer>,
        tribe -> Nullable<Integer>,
        company -> Nullable<Integer>,
        note -> Text,
        author_id -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    step_proposals (id) {
        id -> BigInt,
        person_id -> BigInt,
        from_step -> Text,
        to_step -> Text,
        evidence -> Text,
        proposed_by -> BigInt,
        created_at -> Timestamp,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Text,
    }
}

diesel::table! {
    step_feedback (id) {
        id -> BigInt,
        proposal_id -> BigInt,
        peer_id -> BigInt,
        asked_by -> BigInt,
        asked_at -> Timestamp,
        answer -> Text,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    step_events (id) {
        id -> BigInt,
        person_id -> BigInt,
        kind -> Text,
        step -> Nullable<Text>,
        proposal_id -> Nullable<BigInt>,
        actor_id -> BigInt,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        subject_kind -> Text,
        subject_key -> Text,
        actor_id -> Nullable<BigInt>,
        title -> Text,
        url -> Text,
        summary -> Text,
        units -> Text,
        tags -> Text,
        people -> Text,
        created_at -> Timestamp,
        dispatched_at -> Nullable<Timestamp>,
        announce -> Bool,
    }
}

diesel::table! {
    mentions (subject, person_id) {
        subject -> Text,
        person_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    watches (person_id, target) {
        person_id -> BigInt,
        target -> Text,
        watching -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        person_id -> BigInt,
        event_id -> BigInt,
        kind -> Text,
        reason -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_settings (person_id, kind) {
        person_id -> BigInt,
        kind -> Text,
        inbox -> Bool,
        mail -> Bool,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        subject_kind -> Text,
        subject_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        hidden_at -> Nullable<Timestamp>,
        hidden_by -> Nullable<BigInt>,
        hidden_reason -> Text,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        person_id -> BigInt,
        kind -> Text,
        to_address -> Text,
        to_name -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        unsubscribe -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Text,
    }
}

diesel::table! {
    digests (person_id, week) {
        person_id -> BigInt,
        week -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reminders (item_id, stage) {
        item_id -> BigInt,
        stage -> Integer,
        created_at -> Timestamp,
    }
}

diesel::joinable!(notifications -> events (event_id));
diesel::joinable!(lesson_revisions -> lessons (lesson_id));
diesel::joinable!(lesson_units -> lessons (lesson_id));
diesel::joinable!(lesson_units -> units (unit_id));
diesel::joinable!(lesson_tags -> lessons (lesson_id));
diesel::joinable!(page_revisions -> pages (page_id));
diesel::joinable!(page_links -> pages (page_id));
diesel::joinable!(page_units -> pages (page_id));
diesel::joinable!(page_units -> units (unit_id));
diesel::joinable!(page_tags -> pages (page_id));
diesel::joinable!(sessions -> people (person_id));
diesel::joinable!(oidc_identities -> people (person_id));
diesel::joinable!(scim_people -> people (person_id));
diesel::joinable!(memberships -> people (person_id));
diesel::joinable!(memberships -> units (unit_id));
diesel::joinable!(initiatives -> units (alliance_id));
diesel::joinable!(unit_events -> units (unit_id));
diesel::joinable!(api_tokens -> people (person_id));
diesel::joinable!(experiments -> units (squad_id));
diesel::joinable!(postmortem_squads -> postmortems (postmortem_id));
diesel::joinable!(postmortem_squads -> units (unit_id));
diesel::joinable!(postmortem_authors -> postmortems (postmortem_id));
diesel::joinable!(postmortem_reviews -> postmortems (postmortem_id));
diesel::joinable!(blameless_dismissals -> postmortems (postmortem_id));
diesel::joinable!(action_items -> units (squad_id));
diesel::joinable!(retros -> units (squad_id));
diesel::joinable!(retro_groups -> retros (retro_id));
diesel::joinable!(retro_cards -> retros (retro_id));
diesel::joinable!(retro_votes -> retros (retro_id));
diesel::joinable!(retro_action_topics -> retros (retro_id));
diesel::joinable!(health_sessions -> units (squad_id));
diesel::table! {
    webhooks (id) {
        id -> BigInt,
        name -> Text,
        unit_id -> Nullable<BigInt>,
        url -> Text,
        format -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        event_id -> Nullable<BigInt>,
        delivery_key -> Text,
        event_kind -> Text,
        title -> Text,
        payload -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_response -> Text,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(health_votes -> health_sessions (session_id));
diesel::joinable!(health_votes -> health_indicators (indicator_id));
diesel::joinable!(step_person_roles -> step_catalogue (role_id));
diesel::joinable!(step_feedback -> step_proposals (proposal_id));

diesel::allow_tables_to_appear_in_same_query!(
    people,
    oidc_identities,
    scim_people,
    experiments,
    postmortems,
    postmortem_squads,
    postmortem_authors,
    postmortem_reviews,
    blameless_dismissals,
    action_items,
    retros,
    retro_groups,
    retro_cards,
    retro_votes,
    retro_action_topics,
    retro_presence,
    retro_reviews,
    health_indicators,
    health_sessions,
    health_votes,
    step_texts,
    step_catalogue,
    step_profiles,
    step_person_roles,
    step_assessments,
    step_proposals,
    step_feedback,
    step_events,
    sessions,
    api_tokens,
    login_failures,
    change_log,
    units,
    unit_slug_redirects,
    alliance_tribes,
    initiatives,
    memberships,
    unit_events,
    pages,
    page_revisions,
    page_redirects,
    page_links,
    page_units,
    page_tags,
    images,
    lessons,
    lesson_revisions,
    lesson_units,
    lesson_tags,
    events,
    mentions,
    watches,
    notifications,
    notification_settings,
    comments,
    mail_outbox,
    digests,
    reminders,
    webhooks,
    webhook_deliveries,
);
