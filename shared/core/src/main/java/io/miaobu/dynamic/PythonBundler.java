package io.miaobu.dynamic;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.FileTrees;
import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.build.detect.PythonApps;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's part of a build: the project's Python functions ({@code api/*.py}) and its web app (FastAPI, Flask,
 * Django), with the project's source in {@code python/app} and the dependencies the runtime's interpreter does not
 * already have in {@code python/packages}, installed by pip inside the build's sandbox for the interpreter that will
 * run them (Function Compute's Python is not the builder's).
 */
public final class PythonBundler implements FunctionBundler {
    static final String DEPENDENCIES_SCRIPT = "python_dependencies.py";
    /** The Pythons of Function Compute's official layers (Python39, Python310, Python312). */
    static final List<String> FC_PYTHONS = List.of("3.9", "3.10", "3.12");
    private static final List<String> DEPENDENCY_FILES = List.of("requirements.txt", "pyproject.toml", "Pipfile");
    // Never part of a bundle: Git internals, Node's and Python's installed or cached files, tests.
    private static final Set<String> SKIPPED = Set.of(".git", "node_modules", "__pycache__", ".venv", "venv", ".tox",
            ".mypy_cache", ".pytest_cache", ".ruff_cache", ".miaobu");
    private static final Set<String> SKIPPED_AT_ROOT = Set.of("tests", "test");

    private final boolean runsOnBuildInterpreter;
    /** The Python (X.Y) on Linux x86_64 the deployment runs on, when not the build's own; null otherwise. */
    private final String targetVersion;

    /** For deployments run by this machine's own python3 (local mode): what it already has is not installed again. */
    public PythonBundler() {
        this(true);
    }

    /**
     * @param runsOnBuildInterpreter whether the deployment runs on the interpreter the build has (local mode), so that
     *                               the packages it already has are not installed again; false where the functions run
     *                               elsewhere (Function Compute's Python), so everything the project lists is installed
     */
    public PythonBundler(boolean runsOnBuildInterpreter) {
        this.runsOnBuildInterpreter = runsOnBuildInterpreter;
        this.targetVersion = null;
    }

    /**
     * For deployments run by CPython {@code targetVersion} (X.Y) on Linux x86_64 (Function Compute's layer): every
     * dependency is installed as a wheel built for it, whatever the build machine's own Python is, and a project that
     * asks for another Python fails its build.
     */
    public PythonBundler(String targetVersion) {
        if (!targetVersion.matches("3\\.\\d{1,2}")) {
            throw new IllegalArgumentException("the target Python must be major.minor, such as 3.10, got " + targetVersion);
        }
        this.runsOnBuildInterpreter = false;
        this.targetVersion = targetVersion;
    }

    @Override
    public FunctionManifest bundle(Request request) throws IOException, BuildFailure, BuildCanceled {
        Path root = request.root();
        List<FunctionManifest.Function> functions = functions(root);
        PythonApps.PythonApp app = app(request);
        if (functions.isEmpty() && app == null) {
            return FunctionManifest.EMPTY;
        }
        Path python = request.bundleDir().resolve(FunctionManifest.PYTHON);
        int copied = copySource(root, python.resolve("app"), request);
        request.log().system("Python: " + (app == null ? "" : "the " + app.framework() + " app " + app.describe()
                + (functions.isEmpty() ? "" : ", and ")) + (functions.isEmpty() ? "" : functions.size() + " function"
                + (functions.size() == 1 ? "" : "s") + " (" + String.join(", ", functions.stream().map(FunctionManifest.Function::route).toList())
                + ")") + "; " + copied + " source files bundled.");
        String requested = app != null ? app.pythonVersion() : PythonApps.pythonVersion(new DirectorySourceTree(root));
        if (requested != null) {
            request.log().system("Python " + requested + " requested by the project.");
            if (targetVersion != null && !PythonVersionRequest.metBy(requested, targetVersion)) {
                throw new BuildFailure("The project asks for Python " + requested + " (.python-version, runtime.txt, pyproject.toml's "
                        + "requires-python or Pipfile's python_version), but its functions run on Function Compute's Python "
                        + targetVersion + ", the version of the Python layer this platform uses (Function Compute's official layers "
                        + "offer Python " + String.join(", ", FC_PYTHONS) + "; the operator picks one with MIAOBU_FC_PYTHON_LAYER). "
                        + "Ask for Python " + targetVersion + " (or a range that includes it).");
            }
        }
        installDependencies(request, python);
        FunctionManifest.App manifestApp = app == null ? null : new FunctionManifest.App(FunctionManifest.PYTHON, app.entry(),
                app.protocol(), app.startCommand(), app.staticDirs().stream()
                        .filter(d -> Files.isDirectory(root.resolve(d.folder()))).map(PythonApps.StaticDir::urlPrefix).toList(),
                app.pythonVersion());
        return new FunctionManifest(1, functions, manifestApp);
    }

    /** {@code api/**}{@code /*.py}, each a function at its route (Vercel's rules, as for Node.js). */
    static List<FunctionManifest.Function> functions(Path root) throws IOException, BuildFailure {
        return FunctionSources.find(root, Set.of(".py")).stream()
                .filter(s -> s.source().startsWith(FunctionSources.API + "/"))
                .map(s -> new FunctionManifest.Function(s.name(), s.route(), s.source(), FunctionManifest.PYTHON,
                        FunctionManifest.PYTHON + "/app/" + s.source()))
                .toList();
    }

    private static PythonApps.PythonApp app(Request request) {
        String rootDirectory = request.repo().relativize(request.root()).toString().replace('\\', '/');
        Detection detection = FrameworkDetector.standard().detect(new DirectorySourceTree(request.repo()), rootDirectory);
        return detection.app();
    }

    /**
     * The project's files, as the functions and the app import and open them; links are followed only to files
     * inside the project (a link to the build machine's files must not carry them into a deployment).
     */
    private static int copySource(Path root, Path target, Request request) throws IOException {
        Path realRoot = root.toRealPath();
        Path bundle = request.bundleDir().toAbsolutePath().normalize();
        int[] count = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String name = dir.getFileName().toString();
                boolean atRoot = dir.getParent().equals(root);
                if (SKIPPED.contains(name) || (atRoot && SKIPPED_AT_ROOT.contains(name)) || Files.exists(dir.resolve("pyvenv.cfg"))
                        || dir.toAbsolutePath().normalize().equals(bundle)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(root.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path source = file;
                if (attrs.isSymbolicLink()) {
                    Path real;
                    try {
                        real = file.toRealPath();
                    } catch (IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!real.startsWith(realRoot) || !Files.isRegularFile(real)) {
                        request.log().line("stderr", "Warning: `" + root.relativize(file) + "` links outside the project (or to a "
                                + "folder) and is left out of the Python bundle.");
                        return FileVisitResult.CONTINUE;
                    }
                    source = real;
                } else if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                Path to = target.resolve(root.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(source, to, StandardCopyOption.REPLACE_EXISTING);
                count[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        return count[0];
    }

    /**
     * requirements.txt, pyproject.toml or Pipfile, installed by the build's own python3 inside its sandbox: what that
     * interpreter already has is skipped, pip installs the rest ({@code PIP_INDEX_URL}: the operator's index); for
     * another interpreter (the target version), everything, as wheels for it.
     */
    private void installDependencies(Request request, Path python) throws IOException, BuildFailure, BuildCanceled {
        if (DEPENDENCY_FILES.stream().noneMatch(f -> Files.isRegularFile(request.root().resolve(f)))) {
            return;
        }
        Path packages = Files.createDirectories(python.resolve("packages"));
        Path scratch = Files.createDirectories(python.resolve(".install"));
        try {
            Path script = scratch.resolve(DEPENDENCIES_SCRIPT);
            try (InputStream in = PythonBundler.class.getResourceAsStream(DEPENDENCIES_SCRIPT)) {
                Files.copy(in, script);
            }
            request.sandbox().prepare(python);
            List<String> errors = new ArrayList<>();
            String command = "python3 " + quote(script.toString()) + " " + quote(request.root().toString()) + " " + quote(packages.toString())
                    + (runsOnBuildInterpreter ? "" : " --install-all") + (targetVersion == null ? "" : " --python-version " + targetVersion);
            request.log().system("Python dependencies: " + command.replace(script.toString(), DEPENDENCIES_SCRIPT));
            long started = System.nanoTime();
            int exit = request.sandbox().run(command, request.root(), request.env(), request.timeout(), (stream, text) -> {
                request.log().line(stream, text);
                if (text.startsWith("ERROR:") && errors.size() < 5) {
                    errors.add(text.substring("ERROR:".length()).strip());
                }
            }, request.canceled());
            if (exit == 127) {
                throw new BuildFailure("`python3` is not installed where builds run (exit code 127). Install Python 3 with pip on the "
                        + "builder (apt-get install python3 python3-pip); the build image has it.");
            }
            if (exit != 0) {
                throw new BuildFailure("Installing the Python dependencies failed (exit code " + exit + ")"
                        + (errors.isEmpty() ? "; see the log above for the cause." : ": " + String.join(" ", errors))
                        + (targetVersion == null ? "" : " The functions run on Function Compute's Python " + targetVersion + " on Linux "
                        + "x86_64, so every dependency must be a wheel built for it (cp" + targetVersion.replace(".", "")
                        + " or abi3 for manylinux x86_64, or pure Python py3-none-any): source distributions are not built for "
                        + "another interpreter. Pin a version of the package that publishes such wheels."));
            }
            request.log().system(String.format("Python dependencies finished in %.1fs", (System.nanoTime() - started) / 1e9));
        } finally {
            FileTrees.delete(scratch);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
