package io.miaobu.dynamic;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.miaobu.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What runs on a deployment besides its static files, as the build found it: serverless functions (each
 * answering one route, such as {@code /api/users/[id]}) and at most one web app that answers every path
 * its static folders do not. Written as {@value #FILE} at the root of the deployment's function bundle,
 * where the runtimes ({@code runtimes/node}, {@code runtimes/python}) read it.
 *
 * @param functions the functions, in the order the build found them
 * @param app a whole web app (a FastAPI, Flask or Django project), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionManifest(int version, List<Function> functions, App app) {
    public static final String FILE = "functions.json";
    public static final FunctionManifest EMPTY = new FunctionManifest(1, List.of(), null);

    /** Runtimes the bundle uses; the edge sends each function's requests to its runtime's backend. */
    public static final String NODE = "node";
    public static final String PYTHON = "python";

    /**
     * One function.
     *
     * @param name unique in the deployment, the source path without extension ({@code api/users/[id]})
     * @param route the URL path it answers, with {@code [param]} and {@code [...rest]} segments
     * @param source the file in the repository it was built from, relative to the project's root directory
     * @param runtime {@link #NODE} or {@link #PYTHON}
     * @param entry what the runtime loads, relative to the bundle root
     */
    public record Function(String name, String route, String source, String runtime, String entry) {}

    /**
     * A whole web app.
     *
     * @param runtime {@link #PYTHON}
     * @param entry {@code module:object} ({@code main:app}), relative to the bundle's app folder
     * @param protocol {@code asgi} or {@code wsgi}
     * @param startCommand the user's own command, run with {@code PORT} set; null for the platform's server
     * @param staticDirs URL path prefixes ({@code static/}) served from storage and the edge, never by the app
     * @param pythonVersion the version the project asked for, or null
     */
    public record App(String runtime, String entry, String protocol, String startCommand, List<String> staticDirs,
                      String pythonVersion) {
        public App {
            staticDirs = staticDirs == null ? List.of() : List.copyOf(staticDirs);
        }
    }

    public FunctionManifest {
        functions = functions == null ? List.of() : List.copyOf(functions);
    }

    @JsonIgnore // not a field of functions.json (Jackson would write it as "empty" and refuse it on reading)
    public boolean isEmpty() {
        return functions.isEmpty() && app == null;
    }

    @JsonIgnore
    public Set<String> runtimes() {
        Set<String> runtimes = new LinkedHashSet<>();
        functions.forEach(f -> runtimes.add(f.runtime()));
        if (app != null) {
            runtimes.add(app.runtime());
        }
        return runtimes;
    }

    /** This manifest and another runtime's, as one (at most one app). */
    public FunctionManifest plus(FunctionManifest other) {
        List<Function> all = new ArrayList<>(functions);
        all.addAll(other.functions());
        if (app != null && other.app() != null) {
            throw new IllegalArgumentException("a deployment has at most one web app");
        }
        return new FunctionManifest(1, all, app != null ? app : other.app());
    }

    public static FunctionManifest read(Path bundleDir) throws IOException {
        Path file = bundleDir.resolve(FILE);
        return Files.isRegularFile(file) ? Json.MAPPER.readValue(file.toFile(), FunctionManifest.class) : EMPTY;
    }

    public void write(Path bundleDir) throws IOException {
        Files.createDirectories(bundleDir);
        Files.write(bundleDir.resolve(FILE), Json.write(this));
    }
}
