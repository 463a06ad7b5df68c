DROP TABLE images;
DROP TABLE page_tags;
DROP TABLE page_units;
DROP TABLE page_links;
DROP TABLE page_redirects;
DROP TABLE page_revisions;
DROP TABLE pages;
