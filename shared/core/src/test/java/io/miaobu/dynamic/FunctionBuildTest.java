package io.miaobu.dynamic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildSandbox;
import io.miaobu.edge.RouteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's function step: what the runtimes bundled becomes one functions.json and the edge's routes. */
class FunctionBuildTest {
    @TempDir
    Path workspace;
    final List<String> log = new ArrayList<>();

    static final FunctionManifest.Function HELLO = new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts",
            FunctionManifest.NODE, "node/api/hello.mjs");
    static final FunctionManifest.App FASTAPI = new FunctionManifest.App(FunctionManifest.PYTHON, "main:app", "asgi", null,
            List.of("static/"), "3.11");

    private FunctionBundler.Request request() {
        BuildSandbox sandbox = (command, dir, env, timeout, output, canceled) -> 0;
        return new FunctionBundler.Request(workspace.resolve("repo"), workspace.resolve("repo"), workspace.resolve("bundle"),
                sandbox, Map.of(), (stream, text) -> log.add(text), () -> false, Duration.ofMinutes(1));
    }

    private static FunctionBundler returning(FunctionManifest manifest) {
        return request -> manifest;
    }

    @Test
    void what_every_runtime_bundled_is_written_as_one_manifest_and_logged() throws Exception {
        FunctionBuild build = new FunctionBuild(List.of(returning(new FunctionManifest(1, List.of(HELLO), null)),
                returning(new FunctionManifest(1, List.of(), FASTAPI))), true);

        FunctionManifest all = build.bundle(request());

        assertThat(all.functions()).containsExactly(HELLO);
        assertThat(all.app()).isEqualTo(FASTAPI);
        assertThat(FunctionManifest.read(workspace.resolve("bundle"))).isEqualTo(all);
        assertThat(log).anyMatch(line -> line.contains("1 function (/api/hello node)") && line.contains("python web app (main:app"));
    }

    @Test
    void a_static_site_gets_no_manifest_and_its_routes_are_unchanged() throws Exception {
        FunctionManifest none = new FunctionBuild(List.of(returning(FunctionManifest.EMPTY)), false).bundle(request());

        assertThat(none.isEmpty()).isTrue();
        assertThat(Files.exists(workspace.resolve("bundle").resolve(FunctionManifest.FILE))).isFalse();
        assertThat(FunctionBuild.routes(RouteConfig.DEFAULTS, none)).isEqualTo(RouteConfig.DEFAULTS);
    }

    @Test
    void functions_on_an_installation_that_runs_none_fail_the_build_saying_why() {
        FunctionBuild build = new FunctionBuild(List.of(returning(new FunctionManifest(1, List.of(HELLO), null))), false);

        assertThatThrownBy(() -> build.bundle(request())).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("1 function (/api/hello node)").hasMessageContaining("runs no functions");
    }

    @Test
    void two_web_apps_fail_the_build() {
        FunctionBuild build = new FunctionBuild(List.of(returning(new FunctionManifest(1, List.of(), FASTAPI)),
                returning(new FunctionManifest(1, List.of(), FASTAPI))), true);

        assertThatThrownBy(() -> build.bundle(request())).isInstanceOf(BuildFailure.class).hasMessageContaining("one app per deployment");
    }

    @Test
    void the_edge_routes_name_each_function_and_the_apps_static_folders() {
        RouteConfig routes = FunctionBuild.routes(RouteConfig.DEFAULTS, new FunctionManifest(1, List.of(HELLO), FASTAPI));

        assertThat(routes.functions()).containsExactly(new RouteConfig.FunctionRoute("/api/hello", "api/hello", "node"));
        assertThat(routes.app()).isEqualTo(new RouteConfig.AppRoute("python", List.of("static/")));
        assertThat(routes.functionCount()).isEqualTo(2);
    }
}
