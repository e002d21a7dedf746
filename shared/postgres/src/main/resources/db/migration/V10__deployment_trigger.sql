-- What started each deployment, for the deployments list: push, hook, redeploy, manual (the
-- dashboard or API) or cli (a folder deployment). Null for deployments made before it was recorded.
ALTER TABLE deployments
    ADD COLUMN triggered_by text;
