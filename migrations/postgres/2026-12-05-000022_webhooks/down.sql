ALTER TABLE events DROP COLUMN announce;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
