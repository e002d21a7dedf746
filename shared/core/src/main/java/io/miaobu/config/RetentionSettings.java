package io.miaobu.config;

/**
 * How long finished deployments are kept (docs/configuration.md "Retention").
 *
 * @param days MIAOBU_RETENTION_DAYS: finished deployments older than this may be deleted; 0 keeps every
 *             deployment forever, as Vercel and Netlify do unless a team sets a policy
 * @param keep MIAOBU_RETENTION_KEEP: the newest this many deployments of each project are kept whatever their age
 */
public record RetentionSettings(int days, int keep) {
    public static final RetentionSettings FOREVER = new RetentionSettings(0, 20);

    public boolean keepsForever() {
        return days == 0;
    }
}
