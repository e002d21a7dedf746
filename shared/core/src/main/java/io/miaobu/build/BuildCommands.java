package io.miaobu.build;

import io.miaobu.build.detect.PackageManager;
import io.miaobu.projects.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's install and build commands, run in the build's sandbox: each logged with its duration, a missing
 * tool named with how to get it, a failure ending the build with the exit code, and {@code npm ci} falling
 * back to {@code npm install} when the lockfile does not match.
 */
final class BuildCommands {
    private final Duration timeout;

    BuildCommands(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The install. With a committed package-lock.json it is {@code npm ci}, which installs exactly what the
     * lockfile says; when npm refuses because the lockfile does not match package.json (npm's own lockfiles
     * do that, across npm versions and platforms), the build goes on with {@code npm install}, as Vercel and
     * Netlify run by default, and the log says which packages did not match. Any other failure fails the build.
     */
    void install(BuildSandbox sandbox, BuildPlan plan, Project project, Path dir, Map<String, String> env, BuildOutput log,
                         BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        String frozen = PackageManager.NPM.installCommand(true);
        if (project.installCommand() != null || !frozen.equals(plan.installCommand())) {
            run(sandbox, "Install", plan.installCommand(), dir, env, log, canceled);
            return;
        }
        log.system("Install: npm ci (package-lock.json is committed: exactly what it says is installed; if it does not match "
                + "package.json, npm install runs instead)");
        List<String> mismatch = new ArrayList<>();
        boolean[] outOfSync = {false};
        BuildOutput watching = (stream, text) -> {
            log.line(stream, text);
            String line = text.replaceAll("\u001B\\[[0-9;]*m", "");
            outOfSync[0] |= line.contains("can only install packages when your package.json and package-lock.json");
            Matcher m = NPM_MISMATCH.matcher(line);
            if (m.find() && mismatch.size() < 3) {
                mismatch.add(m.group(1).strip());
            }
        };
        long start = System.nanoTime();
        int exit = sandbox.run(frozen, dir, env, timeout, watching, canceled);
        if (exit == 0) {
            log.system(String.format("Install finished in %.1fs", (System.nanoTime() - start) / 1e9));
            return;
        }
        if (!outOfSync[0]) {
            throw new BuildFailure("`" + frozen + "` exited with code " + exit + "; see the log above for the cause.");
        }
        log.line("stderr", "Warning: package-lock.json does not match package.json" + (mismatch.isEmpty() ? "" : " (" + String.join("; ", mismatch) + ")")
                + ", so `npm ci` refused it. Running `npm install` instead; commit the package-lock.json it writes to make installs repeatable.");
        run(sandbox, "Install", PackageManager.NPM.installCommand(false), dir, env, log, canceled);
    }

    private static final Pattern NPM_MISMATCH = Pattern.compile("npm (?:error|ERR!) ((?:Missing|Invalid): .*)");

    void run(BuildSandbox sandbox, String name, String command, Path root, Map<String, String> env, BuildOutput log,
                         BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        if (command == null) {
            return;
        }
        log.system(name + ": " + command);
        long start = System.nanoTime();
        int exit = sandbox.run(command, root, env, timeout, log, canceled);
        String tool = command.strip().split("\\s+")[0];
        if (exit == 127 && tool.matches("[A-Za-z0-9._-]+") && SearchPath.executables(env.getOrDefault("PATH", ""), tool).findAny().isEmpty()) {
            throw new BuildFailure("`" + tool + "` is not installed where builds run (exit code 127). " + installHint(tool));
        }
        if (exit != 0) {
            throw new BuildFailure("`" + command + "` exited with code " + exit + "; see the log above for the cause.");
        }
        log.system(String.format("%s finished in %.1fs", name, (System.nanoTime() - start) / 1e9));
    }

    private static String installHint(String tool) {
        return switch (tool) {
            case "yarn", "pnpm" -> "It comes with corepack: use a Node.js that ships corepack, or install it on the builder "
                    + "(npm install --global corepack); ./miaobu and the build image do.";
            case "bun", "bunx" -> "Install bun on the builder (npm install --global bun); ./miaobu and the build image do.";
            case "hugo" -> "Install Hugo on the builder (apt-get install hugo); the build image has it.";
            case "mkdocs" -> "Install MkDocs on the builder (pip install mkdocs); the build image has it.";
            case "jekyll", "bundle" -> "Install Jekyll on the builder (apt-get install jekyll ruby-bundler); the build image has it.";
            case "pelican" -> "Install Pelican on the builder (apt-get install pelican, or pip install \"pelican[markdown]\"), or list "
                    + "pelican in the project's requirements.txt; the build image has it.";
            case "zola" -> "Install Zola on the builder (its single binary from https://github.com/getzola/zola/releases); "
                    + "the build image has it.";
            case "mdbook" -> "Install mdBook on the builder (its single binary from https://github.com/rust-lang/mdBook/releases, "
                    + "or cargo install mdbook); the build image has it.";
            default -> "Add it to the project's dependencies, or set an install command that installs it.";
        };
    }
}
