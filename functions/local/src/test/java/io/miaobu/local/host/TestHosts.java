package io.miaobu.local.host;

import io.miaobu.config.MiaobuConfig;
import io.miaobu.testkit.TestPostgres;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A local host for a test class: any free port, data under {@code tmp/data}, a fresh database. */
final class TestHosts {
    private TestHosts() {}

    static LocalHost start(Path tmp, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("MIAOBU_DATABASE_URL", TestPostgres.freshDatabase());
        return startWithEmbeddedDatabase(tmp, env);
    }

    /** As {@code ./miaobu dev} runs when MIAOBU_DATABASE_URL is not in {@code settings}: embedded PostgreSQL under {@code tmp/data/postgres}. */
    static LocalHost startWithEmbeddedDatabase(Path tmp, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("MIAOBU_PORT", "0");
        env.put("MIAOBU_DATA_DIR", tmp.resolve("data").toString());
        return LocalHost.start(MiaobuConfig.fromEnv(env));
    }
}
