DROP INDEX health_sessions_one_open;
