-- Who wrote the deployed commit, for the deployments list: the name from the commit itself
-- (recorded by the build), and the GitHub login and avatar when a push webhook said who it was.
ALTER TABLE deployments
    ADD COLUMN commit_author_name       text,
    ADD COLUMN commit_author_login      text,
    ADD COLUMN commit_author_avatar_url text;
