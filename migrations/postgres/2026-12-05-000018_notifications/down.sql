DROP TABLE notification_settings;
DROP TABLE notifications;
DROP TABLE watches;
DROP TABLE mentions;
DROP TABLE events;
