DROP TABLE digests;
DROP TABLE mail_outbox;
