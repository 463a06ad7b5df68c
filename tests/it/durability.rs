//! An answered write survives `kill -9` of the server.

use crate::backend_tests;
use crate::harness::{Backend, PASSWORD, TestServer};

async fn answered_write_survives_kill_9(b: Backend) {
    let s = TestServer::start(b).await;
    s.data.add_user("alice", PASSWORD, true);
    let admin = s.client();
    admin.login("alice", PASSWORD).await;
    let token = admin.csrf("/admin/users").await;
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("csrf_token", &token),
                ("username", "durable"),
                ("display_name", "Durable Person"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "the write was answered");
    let data = s.kill9();

    let s = TestServer::start_with(data, &[]).await;
    let c = s.client();
    c.login("durable", PASSWORD).await;
    let body = c.get("/").await.text().await.unwrap();
    assert!(body.contains("Durable Person"));
}

backend_tests!(answered_write_survives_kill_9);
