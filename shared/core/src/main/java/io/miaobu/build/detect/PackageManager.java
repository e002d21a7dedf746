package io.miaobu.build.detect;

import java.util.List;
import java.util.Map;

/**
 * The Node.js package managers Miaobu installs with: their commands, where they keep their
 * download cache (relative to HOME, saved with the build cache), and how an operator's registry
 * mirror is handed to them.
 */
public enum PackageManager {
    NPM("npm", List.of("package-lock.json", "npm-shrinkwrap.json"), "npm ci", "npm install", "npm run ",
            "npx --no-install ", List.of(".npm"), List.of("npm_config_registry")),
    PNPM("pnpm", List.of("pnpm-lock.yaml"), "pnpm install --frozen-lockfile", "pnpm install", "pnpm run ",
            "pnpm exec ", List.of(".local/share/pnpm/store", ".cache/pnpm", ".cache/node/corepack"), List.of("npm_config_registry")),
    YARN("yarn", List.of("yarn.lock"), "yarn install --frozen-lockfile", "yarn install", "yarn run ",
            "yarn ", List.of(".cache/yarn", ".cache/node/corepack"), List.of("YARN_REGISTRY", "npm_config_registry")),
    // Without a lockfile, yarn 2+ in CI (CI=true) refuses to write one ("YN0028"): --no-immutable lets it.
    YARN_BERRY("yarn", List.of("yarn.lock"), "yarn install --immutable", "yarn install --no-immutable", "yarn run ",
            "yarn ", List.of(".yarn/berry/cache", ".cache/node/corepack"), List.of("YARN_NPM_REGISTRY_SERVER")),
    // Bun's download cache is not kept: it links its entries by absolute paths into the build's HOME, which the next
    // build's restore refuses as links to outside the build. node_modules is kept, and bun finds it in place.
    BUN("bun", List.of("bun.lock", "bun.lockb"), "bun install --frozen-lockfile", "bun install", "bun run ",
            "bunx ", List.of(), List.of("BUN_CONFIG_REGISTRY", "NPM_CONFIG_REGISTRY"));

    private final String command;
    private final List<String> lockfiles;
    private final String frozenInstall;
    private final String install;
    private final String run;
    private final String exec;
    private final List<String> homeCaches;
    private final List<String> registryVariables;

    PackageManager(String command, List<String> lockfiles, String frozenInstall, String install, String run,
                   String exec, List<String> homeCaches, List<String> registryVariables) {
        this.command = command;
        this.lockfiles = lockfiles;
        this.frozenInstall = frozenInstall;
        this.install = install;
        this.run = run;
        this.exec = exec;
        this.homeCaches = homeCaches;
        this.registryVariables = registryVariables;
    }

    /** The name users know it by (yarn berry is "yarn" too). */
    public String displayName() {
        return this == YARN_BERRY ? "yarn berry" : command;
    }

    public String command() {
        return command;
    }

    public List<String> lockfiles() {
        return lockfiles;
    }

    /** The install command: reproducible from the lockfile when there is one. */
    public String installCommand(boolean hasLockfile) {
        return hasLockfile ? frozenInstall : install;
    }

    /** Runs a package.json script, e.g. {@code pnpm run build}. */
    public String runScript(String script) {
        return run + script;
    }

    /** Runs a tool installed as a dependency, e.g. {@code pnpm exec vite build}. */
    public String exec(String command) {
        return exec + command;
    }

    /** The package manager's download cache, relative to HOME. */
    public List<String> homeCaches() {
        return homeCaches;
    }

    /** The environment that makes this package manager (and corepack) install from {@code registry}. */
    public Map<String, String> registryEnvironment(String registry) {
        java.util.LinkedHashMap<String, String> env = new java.util.LinkedHashMap<>();
        registryVariables.forEach(name -> env.put(name, registry));
        env.put("COREPACK_NPM_REGISTRY", registry);
        return env;
    }
}
