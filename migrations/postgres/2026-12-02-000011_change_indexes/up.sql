-- Lists of recent changes and their feeds read revisions newest first; without these indexes
-- every request sorted all revisions (bodies included): 118 ms per /changes at 20,000
-- lessons. The page list reads pages by their last change. Counting live lessons and their
-- tags scanned every lesson's row (bodies included) without an index on `deleted_at`.
CREATE INDEX lesson_revisions_created ON lesson_revisions(created_at);
CREATE INDEX page_revisions_created ON page_revisions(created_at);
CREATE INDEX pages_updated ON pages(updated_at);
CREATE INDEX lessons_deleted ON lessons(deleted_at);
CREATE INDEX pages_deleted ON pages(deleted_at);
