DROP INDEX lesson_revisions_created;
DROP INDEX page_revisions_created;
DROP INDEX pages_updated;
