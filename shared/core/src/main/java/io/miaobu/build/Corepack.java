package io.miaobu.build;

import io.miaobu.build.detect.PackageManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Yarn and pnpm as Vercel and Netlify users expect them: nobody installs a package manager, and the
 * project's {@code "packageManager": "yarn@4.5.3"} picks the version. Corepack (shipped with Node.js up
 * to 24, installed by ./miaobu and the build image otherwise) provides both; its shims go first on the
 * build's PATH, in the build's own HOME, so they win over any global yarn or pnpm. Corepack downloads
 * the version from the npm registry ({@code COREPACK_NPM_REGISTRY}: yarn 2+ otherwise comes from
 * repo.yarnpkg.com, which a builder may not reach) into the build's HOME, kept by the build cache.
 */
final class Corepack {
    static final String DEFAULT_REGISTRY = "https://registry.npmjs.org";
    private static final List<String> SHIMS = List.of("yarn", "yarnpkg", "pnpm", "pnpx");

    private Corepack() {}

    /** Corepack's own folder ({@code .../node_modules/corepack/dist}) from the first {@code corepack} on {@code path}. */
    static Optional<Path> distribution(String path) {
        for (Path launcher : (Iterable<Path>) SearchPath.executables(path, "corepack")::iterator) {
            try {
                Path dist = launcher.toRealPath().getParent();
                if (Files.isRegularFile(dist.resolve("yarn.js")) && Files.isRegularFile(dist.resolve("pnpm.js"))) {
                    return Optional.of(dist);
                }
            } catch (IOException e) {
                // a broken link: look further
            }
        }
        return Optional.empty();
    }

    /**
     * Makes {@code home/.miaobu/corepack/bin} with links to corepack's yarn and pnpm and returns it, for
     * the front of PATH; empty when {@code pm} is not one corepack provides or there is no corepack.
     */
    static Optional<Path> shims(PackageManager pm, Path home, String path) throws IOException {
        if (pm != PackageManager.YARN && pm != PackageManager.YARN_BERRY && pm != PackageManager.PNPM) {
            return Optional.empty();
        }
        Optional<Path> dist = distribution(path);
        if (dist.isEmpty()) {
            return Optional.empty();
        }
        Path bin = Files.createDirectories(home.resolve(".miaobu/corepack/bin"));
        for (String shim : SHIMS) {
            Files.createSymbolicLink(bin.resolve(shim), dist.get().resolve(shim + ".js"));
        }
        return Optional.of(bin);
    }
}
