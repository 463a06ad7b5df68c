DROP TABLE scim_people;
