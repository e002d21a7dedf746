package io.miaobu.local.cli;

import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.postgres.PostgresUrls;
import io.miaobu.postgres.SchemaVersion;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * {@code ./miaobu migrate}: applies the schema migrations to the database in MIAOBU_DATABASE_URL. The
 * functions never migrate (it would cost every cold start), they only check the version; an operator
 * runs this before deploying functions that ship a new migration (docs/operators.md "Upgrading"). Migrations only
 * add, so the functions still running keep working against the migrated schema.
 */
public final class Migrate {
    private Migrate() {}

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Exit code: 0 migrated (or already current), 1 the migration failed, 2 usage. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length > 0) {
            out.println("usage: MIAOBU_DATABASE_URL=postgres://user:pass@host:5432/db ./miaobu migrate");
            return args[0].equals("-h") || args[0].equals("--help") ? 0 : 2;
        }
        String url = env.get("MIAOBU_DATABASE_URL");
        if (url == null || url.isBlank()) {
            err.println("miaobu migrate: MIAOBU_DATABASE_URL is not set; set it to the platform's PostgreSQL database "
                    + "(e.g. postgres://miaobu:PASSWORD@rm-xxxx.pg.rds.aliyuncs.com:5432/miaobu).");
            return 2;
        }
        String shown = PostgresUrls.redact(url.trim());
        try (PostgresDatabase db = PostgresDatabase.connect(url)) { // connect() applies what is pending
            out.println("miaobu migrate: " + shown + " is at schema version " + version(db)
                    + " (this release needs " + SchemaVersion.expected() + ").");
            return 0;
        } catch (RuntimeException e) {
            err.println("miaobu migrate: migrating " + shown + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static int version(PostgresDatabase db) {
        try (Connection c = db.dataSource().getConnection()) {
            return SchemaVersion.installed(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
