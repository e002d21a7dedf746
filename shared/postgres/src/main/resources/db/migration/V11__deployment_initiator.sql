-- Who started each deployment beyond its trigger: the signed-in user who deployed, redeployed or
-- uploaded a folder, or the deploy hook that was called. The login, avatar and hook name are
-- copies taken at the time, and the user id has no foreign key, so deleting or renaming a user or a
-- hook later leaves old deployments readable as they were. All null for pushes (the commit's
-- author says who) and for deployments made before this was recorded.
ALTER TABLE deployments
    ADD COLUMN triggered_by_user_id    text,
    ADD COLUMN triggered_by_login      text,
    ADD COLUMN triggered_by_avatar_url text,
    ADD COLUMN trigger_hook_name       text;
