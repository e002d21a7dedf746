package io.miaobu.build.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python web app (FastAPI, Flask, Django) found the way Vercel, Render and Railway find one, by reading its
 * files: which module and object is the app, whether it speaks ASGI or WSGI, which folders are its static files,
 * the Python version it asks for, and the user's own start command ({@code "startCommand"} in miaobu.json).
 */
public final class PythonApps {
    /** Where an app's module is looked for, in this order. */
    static final List<String> ENTRY_FILES = List.of("main.py", "app.py", "app/main.py", "src/main.py", "index.py", "server.py",
            "app/__init__.py", "asgi.py", "wsgi.py");

    private static final Pattern FASTAPI = Pattern.compile("(?m)^([A-Za-z_]\\w*)\\s*(?::[^=\\n]+)?=\\s*(?:fastapi\\.)?FastAPI\\s*\\(");
    private static final Pattern FLASK = Pattern.compile("(?m)^([A-Za-z_]\\w*)\\s*(?::[^=\\n]+)?=\\s*(?:flask\\.)?Flask\\s*\\(");
    private static final Pattern FLASK_FACTORY = Pattern.compile("(?m)^def\\s+(create_app|make_app)\\s*\\(\\s*\\)");
    private static final Pattern MOUNT = Pattern.compile(
            "\\.mount\\(\\s*['\"]/?([\\w.\\-/]+?)/?['\"]\\s*,\\s*StaticFiles\\(\\s*directory\\s*=\\s*['\"](?:\\./)?([\\w.\\-/]+?)/?['\"]");
    private static final Pattern SETTINGS_MODULE = Pattern.compile("DJANGO_SETTINGS_MODULE['\"]\\s*,\\s*['\"]([\\w.]+)['\"]");
    private static final Pattern STATIC_URL = Pattern.compile("(?m)^STATIC_URL\\s*=\\s*['\"]/?([\\w.\\-/]*?)/?['\"]");
    private static final Pattern STATIC_ROOT = Pattern.compile(
            "(?m)^STATIC_ROOT\\s*=\\s*(?:BASE_DIR\\s*/\\s*|os\\.path\\.join\\(\\s*BASE_DIR\\s*,\\s*)['\"]([\\w.\\-/]+?)/?['\"]");
    private static final Pattern REQUIRES_PYTHON = Pattern.compile("(?m)^requires-python\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern PIPFILE_PYTHON = Pattern.compile("(?m)^python_(?:full_)?version\\s*=\\s*['\"]([^'\"]+)['\"]");

    private PythonApps() {}

    /**
     * A folder whose files the edge serves itself.
     *
     * @param urlPrefix the URL path prefix ({@code static/}), as the route config's {@code staticDirs} has it
     * @param folder the folder in the project holding those files ({@code static}, Django's {@code STATIC_ROOT})
     */
    public record StaticDir(String urlPrefix, String folder) {}

    /**
     * @param framework the catalog's id ({@code fastapi}, {@code flask}, {@code django})
     * @param entry {@code module:object}, or null when the user's start command runs the app
     * @param protocol {@code asgi} or {@code wsgi}, or null with a start command
     * @param startCommand the user's own command (run with {@code PORT} set), or null
     * @param pythonVersion what the project asks for, or null
     */
    public record PythonApp(String framework, String entry, String protocol, String startCommand, List<StaticDir> staticDirs,
                            String pythonVersion) {
        public PythonApp {
            staticDirs = List.copyOf(staticDirs);
        }

        public List<String> staticPrefixes() {
            return staticDirs.stream().map(StaticDir::urlPrefix).toList();
        }

        public String describe() {
            String how = startCommand != null ? "started with `" + startCommand + "`"
                    : "`" + entry + "` (" + protocol.toUpperCase(java.util.Locale.ROOT) + ") on the Python runtime";
            String statics = staticDirs.isEmpty() ? "" : "; static files from "
                    + String.join(", ", staticDirs.stream().map(d -> "`" + d.folder() + "/` at /" + d.urlPrefix()).toList());
            return how + statics;
        }
    }

    /** What was found: the app, or what to fix. */
    public record Found(PythonApp app, String problem) {}

    /** The app of a project the catalog detected as {@code framework}, read from {@code tree} (the project's root). */
    public static Found find(SourceTree tree, String framework, String frameworkName) {
        String startCommand = startCommand(tree);
        String version = pythonVersion(tree);
        if (framework.equals("django")) {
            return django(tree, startCommand, version);
        }
        Pattern appObject = framework.equals("fastapi") ? FASTAPI : FLASK;
        for (String file : ENTRY_FILES) {
            Optional<String> text = tree.read(file);
            if (text.isEmpty()) {
                continue;
            }
            Matcher m = appObject.matcher(text.get());
            String object = m.find() ? m.group(1) : null;
            if (object == null && framework.equals("flask")) {
                Matcher factory = FLASK_FACTORY.matcher(text.get());
                object = factory.find() ? factory.group(1) + "()" : null;
            }
            if (object != null) {
                List<StaticDir> statics = framework.equals("fastapi") ? fastApiStatic(tree, text.get()) : flaskStatic(tree, file);
                return new Found(new PythonApp(framework, module(file) + ":" + object, framework.equals("fastapi") ? "asgi" : "wsgi",
                        startCommand, statics, version), null);
            }
        }
        if (startCommand != null) {
            return new Found(new PythonApp(framework, null, null, startCommand, defaultStatic(tree), version), null);
        }
        String example = framework.equals("fastapi") ? "app = FastAPI()" : "app = Flask(__name__)";
        return new Found(null, "This is a " + frameworkName + " app, but no file defines it: looked for `" + example + "` in "
                + String.join(", ", ENTRY_FILES) + ". Define the app in one of them, or set \"startCommand\" in miaobu.json "
                + "to the command that serves it on $PORT (for example `"
                + (framework.equals("fastapi") ? "uvicorn mypackage.api:app --host 0.0.0.0 --port $PORT" : "gunicorn -b 0.0.0.0:$PORT mypackage.web:app")
                + "`) and push again.");
    }

    private static Found django(SourceTree tree, String startCommand, String version) {
        Optional<String> manage = tree.read("manage.py");
        Matcher m = manage.map(SETTINGS_MODULE::matcher).filter(Matcher::find).orElse(null);
        if (m != null) {
            String settings = m.group(1);
            List<String> parts = List.of(settings.split("\\."));
            for (int n = parts.size() - 1; n >= 1; n--) {
                String dir = String.join("/", parts.subList(0, n));
                for (String protocol : List.of("wsgi", "asgi")) {
                    if (tree.isFile(dir + "/" + protocol + ".py")) {
                        String entry = String.join(".", parts.subList(0, n)) + "." + protocol + ":application";
                        return new Found(new PythonApp("django", entry, protocol, startCommand, djangoStatic(tree, settings), version), null);
                    }
                }
            }
        }
        if (startCommand != null) {
            return new Found(new PythonApp("django", null, null, startCommand, defaultStatic(tree), version), null);
        }
        return new Found(null, "This is a Django app, but its WSGI or ASGI application was not found: looked for "
                + "DJANGO_SETTINGS_MODULE in manage.py, then for wsgi.py or asgi.py in the settings module's package (as "
                + "`django-admin startproject` lays them out). Add them, or set \"startCommand\" in miaobu.json to the command "
                + "that serves the app on $PORT (for example `gunicorn -b 0.0.0.0:$PORT mysite.wsgi`) and push again.");
    }

    /** `mysite/settings.py` (or `mysite/settings/__init__.py`): STATIC_ROOT when set, else a `static` folder, at STATIC_URL. */
    private static List<StaticDir> djangoStatic(SourceTree tree, String settingsModule) {
        String path = settingsModule.replace('.', '/');
        String text = tree.read(path + ".py").or(() -> tree.read(path + "/__init__.py")).orElse("");
        Matcher url = STATIC_URL.matcher(text);
        String prefix = url.find() ? url.group(1) : "static";
        if (prefix.isEmpty() || prefix.contains("://")) {
            return List.of();
        }
        Matcher root = STATIC_ROOT.matcher(text);
        if (root.find()) {
            return List.of(new StaticDir(prefix + "/", TreePaths.normalize(root.group(1))));
        }
        return tree.exists("static") ? List.of(new StaticDir(prefix + "/", "static")) : List.of();
    }

    private static List<StaticDir> fastApiStatic(SourceTree tree, String entryText) {
        List<StaticDir> dirs = new ArrayList<>();
        Matcher m = MOUNT.matcher(entryText);
        while (m.find()) {
            dirs.add(new StaticDir(TreePaths.normalize(m.group(1)) + "/", TreePaths.normalize(m.group(2))));
        }
        return dirs.isEmpty() ? defaultStatic(tree) : dirs;
    }

    /** Flask serves `static/` beside the app's package at /static/. */
    private static List<StaticDir> flaskStatic(SourceTree tree, String entryFile) {
        String folder = TreePaths.join(TreePaths.parent(entryFile), "static");
        return tree.exists(folder) ? List.of(new StaticDir("static/", folder)) : List.of();
    }

    private static List<StaticDir> defaultStatic(SourceTree tree) {
        return tree.exists("static") ? List.of(new StaticDir("static/", "static")) : List.of();
    }

    /** `app/main.py` -> `app.main`; `app/__init__.py` -> `app`. */
    static String module(String file) {
        String m = file.substring(0, file.length() - ".py".length());
        if (m.endsWith("/__init__")) {
            m = m.substring(0, m.length() - "/__init__".length());
        }
        return m.replace('/', '.');
    }

    /** `.python-version`, then `runtime.txt` (`python-3.11.6`), then pyproject's `requires-python`, then Pipfile's `python_version`. */
    public static String pythonVersion(SourceTree tree) {
        Optional<String> pinned = tree.read(".python-version").flatMap(t -> t.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst());
        if (pinned.isPresent()) {
            return pinned.get();
        }
        Optional<String> runtime = tree.read("runtime.txt").map(String::strip).filter(t -> t.startsWith("python-"));
        if (runtime.isPresent()) {
            return runtime.get().substring("python-".length());
        }
        Matcher requires = tree.read("pyproject.toml").map(REQUIRES_PYTHON::matcher).filter(Matcher::find).orElse(null);
        if (requires != null) {
            return requires.group(1).strip();
        }
        Matcher pipfile = tree.read("Pipfile").map(PIPFILE_PYTHON::matcher).filter(Matcher::find).orElse(null);
        if (pipfile != null) {
            return pipfile.group(1).strip();
        }
        return null;
    }

    /** miaobu.json's {@code "startCommand"}, when it is a non-blank string. */
    static String startCommand(SourceTree tree) {
        try {
            Optional<String> text = tree.read("miaobu.json");
            if (text.isEmpty()) {
                return null;
            }
            JsonNode command = Json.MAPPER.readTree(text.get()).path("startCommand");
            return command.isTextual() && !command.asText().isBlank() ? command.asText().strip() : null;
        } catch (java.io.IOException e) {
            return null; // the build's rules compiler reports an invalid miaobu.json with its line
        }
    }
}
