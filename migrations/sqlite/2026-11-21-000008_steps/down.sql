DROP TABLE step_events;
DROP TABLE step_feedback;
DROP TABLE step_proposals;
DROP TABLE step_assessments;
DROP TABLE step_person_roles;
DROP TABLE step_profiles;
DROP TABLE step_catalogue;
DROP TABLE step_texts;
