-- At most one open health check per squad and day, so that several people pressing "Start"
-- together join one session. Sessions started concurrently before this index existed are
-- merged by fika just before this migration runs (src/db/fixups.rs).
CREATE UNIQUE INDEX health_sessions_one_open ON health_sessions(squad_id, held_on)
    WHERE closed_at IS NULL;
