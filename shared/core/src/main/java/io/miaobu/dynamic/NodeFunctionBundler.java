package io.miaobu.dynamic;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.ShellWords;
import io.miaobu.deploy.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Node.js functions ({@code api/*.js}, {@code *.ts} … and {@code netlify/functions/}): each one bundled by
 * esbuild, with what it imports from the project's node_modules, into one self-contained ES module
 * ({@code node/<name>.mjs} in the bundle) that {@code runtimes/node/server.mjs} loads. esbuild runs in the
 * build's sandbox, as the project's own commands do: it reads the user's files and runs their plugins' code
 * nowhere else.
 */
public final class NodeFunctionBundler implements FunctionBundler {
    public static final Set<String> EXTENSIONS = Set.of(".js", ".mjs", ".cjs", ".ts", ".mts", ".jsx", ".tsx");
    /** The runtime's folder in the bundle. */
    static final String FOLDER = "node";

    /**
     * CommonJS dependencies call require() and read __dirname, which an ES module does not have: esbuild's
     * documented banner gives them both (esbuild renames any of the function's own of those names).
     */
    private static final String BANNER = "import { createRequire as __miaobuCreateRequire } from 'node:module';"
            + " import { fileURLToPath as __miaobuFileURLToPath } from 'node:url';"
            + " import { dirname as __miaobuDirname } from 'node:path';"
            + " const require = __miaobuCreateRequire(import.meta.url);"
            + " const __filename = __miaobuFileURLToPath(import.meta.url);"
            + " const __dirname = __miaobuDirname(__filename);";

    @Override
    public FunctionManifest bundle(Request request) throws IOException, BuildFailure, BuildCanceled {
        List<FunctionSources.Source> sources = FunctionSources.find(request.root(), EXTENSIONS);
        if (sources.isEmpty()) {
            return FunctionManifest.EMPTY;
        }
        Path out = Files.createDirectories(request.bundleDir().resolve(FOLDER));
        request.sandbox().prepare(out);
        List<String> command = new ArrayList<>(List.of("esbuild"));
        for (FunctionSources.Source s : sources) {
            command.add(s.name() + "=" + s.source()); // out=in: node/api/users/[id].mjs from api/users/[id].js
        }
        command.addAll(List.of("--bundle", "--platform=node", "--format=esm", "--target=node18", "--outdir=" + out,
                "--out-extension:.js=.mjs", "--sourcemap", "--sources-content=false", "--banner:js=" + BANNER,
                "--log-level=warning", "--color=false", "--log-limit=20",
                // module.exports in a "type": "module" package is undefined at run time: a build error, not a crash later.
                "--log-override:commonjs-variable-in-esm=error"));
        request.log().system("Bundling " + sources.size() + (sources.size() == 1 ? " Node.js function" : " Node.js functions")
                + " with esbuild");
        List<String> output = new ArrayList<>();
        int exit = request.sandbox().run(ShellWords.quote(command), request.root(), request.env(), request.timeout(), (stream, text) -> {
            request.log().line(stream, text);
            synchronized (output) {
                output.add(text);
            }
        }, request.canceled());
        if (exit == 127 && output.stream().anyMatch(line -> line.contains("esbuild"))) {
            throw new BuildFailure("esbuild is not installed where builds run (exit code 127): install it on the builder "
                    + "(npm install --global esbuild); ./miaobu and the build image do.");
        }
        if (exit != 0) {
            throw new BuildFailure("A function could not be bundled: " + errors(output) + " (esbuild exited with code " + exit + ").");
        }
        List<FunctionManifest.Function> functions = new ArrayList<>();
        for (FunctionSources.Source s : sources) {
            String entry = FOLDER + "/" + s.name() + ".mjs";
            Path file = request.bundleDir().resolve(entry);
            if (!Files.isRegularFile(file)) {
                throw new BuildFailure("esbuild wrote no " + entry + " for " + s.source() + "; see the log above.");
            }
            request.log().system("Function " + s.route() + " ← " + s.source() + " (" + Release.humanBytes(Files.size(file)) + ")");
            functions.add(new FunctionManifest.Function(s.name(), s.route(), s.source(), FunctionManifest.NODE, entry));
        }
        return new FunctionManifest(1, functions, null);
    }

    /**
     * esbuild's errors as one message ("api/x.js:3: Expected ")" but found "}""), from its "✘ [ERROR] …" lines
     * and the "api/x.js:3:10:" line after each.
     */
    private static String errors(List<String> output) {
        List<String> errors = new ArrayList<>();
        synchronized (output) {
            for (int i = 0; i < output.size(); i++) {
                String line = output.get(i).strip();
                if (line.contains("[ERROR]")) {
                    String message = line.replaceFirst("^.*\\[ERROR]\\s*", "");
                    for (int j = i + 1; j < Math.min(output.size(), i + 4); j++) {
                        String at = output.get(j).strip();
                        if (at.matches("\\S+:\\d+:\\d+:")) {
                            message = at.replaceFirst(":\\d+:$", "") + ": " + message; // file:line
                            break;
                        }
                    }
                    errors.add(message);
                }
            }
        }
        return errors.isEmpty() ? "see the log above" : String.join("; ", errors.subList(0, Math.min(errors.size(), 5)));
    }
}
