-- Lists of recent changes and their feeds read revisions newest first; without these indexes
-- every request sorted all revisions (bodies included): 118 ms per /changes at 20,000
-- lessons. The page list reads pages by their last change. (An index on `deleted_at` would
-- speed up counting live lessons, but without statistics SQLite then drives the change list
-- from it and sorts every revision again: 121 ms instead of 0.5 ms.)
CREATE INDEX lesson_revisions_created ON lesson_revisions(created_at);
CREATE INDEX page_revisions_created ON page_revisions(created_at);
CREATE INDEX pages_updated ON pages(updated_at);
