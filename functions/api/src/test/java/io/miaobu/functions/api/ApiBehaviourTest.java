package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.JobQueue.ReceivedJob;
import io.miaobu.edge.RouteConfig;
import io.miaobu.github.GitHubAccount;
import io.miaobu.edge.RouteEntry;
import io.miaobu.json.Json;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.http.SimpleRequest;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.ApiContract;
import io.miaobu.testkit.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of DESIGN §10 through the real router, with real PostgreSQL and the local adapters,
 * wired by hand the way FunctionRuntime wires them. Each test gets a fresh database and data directory.
 */
class ApiBehaviourTest {
    private static final String GIT_URL = "https://github.com/octo/site.git";

    @TempDir
    Path tmp;

    PostgresDatabase db;
    DiskArtifactStore artifacts;
    FileRouteTable routes;
    RecordingCachePurger purger;
    Router router;

    @BeforeEach
    void start() throws IOException {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        artifacts = new DiskArtifactStore(tmp.resolve("artifacts"));
        routes = new FileRouteTable(tmp.resolve("routes"));
        purger = new RecordingCachePurger();
        Platform platform = Platform.assemble(MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.toString())),
                SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db, db.jobQueue(),
                artifacts, routes, purger, Clock.systemUTC()).build();
        router = platform.router();
    }

    @AfterEach
    void stop() {
        db.close();
    }

    // ---------------------------------------------------------------- helpers

    record Reply(int status, Map<String, String> headers, JsonNode json) {
        String errorCode() {
            return json.path("error").path("code").asText(null);
        }

        String errorMessage() {
            return json.path("error").path("message").asText(null);
        }

        /** The error's per-field messages ({@code error.fields}), empty when it names no field. */
        Map<String, String> errorFields() {
            Map<String, String> fields = new LinkedHashMap<>();
            json.path("error").path("fields").fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            return fields;
        }
    }

    private Reply call(String method, String target, String token, String body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", List.of("Bearer " + token));
        }
        if (body != null) {
            headers.put("Content-Type", List.of("application/json"));
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        Response r = router.handle(new SimpleRequest(method, target, headers, bytes));
        // Every answer in these tests is also a check of the API document (GET /api/v1/openapi.json).
        ApiContract.assertConforms(method, target, r.status(), r.headers().get("content-type"),
                r.body() == null ? new byte[0] : r.body());
        JsonNode json = null;
        if (r.body() != null && r.body().length > 0) {
            try {
                json = Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + new String(r.body(), StandardCharsets.UTF_8), e);
            }
        }
        return new Reply(r.status(), r.headers(), json);
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String json(Object value) {
        return Json.writeString(value);
    }

    private Reply register(String email, String password) {
        return call("POST", "/api/v1/auth/register", null, json(Map.of("email", email, "password", password)));
    }

    private String signUp(String email) {
        Reply r = register(email, "correct horse battery");
        assertThat(r.status()).as("register %s: %s", email, r.json()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    private JsonNode createProject(String token, Map<String, Object> body) {
        Reply r = call("POST", "/api/v1/projects", token, json(body));
        assertThat(r.status()).as("create project: %s", r.json()).isEqualTo(201);
        return r.json();
    }

    private JsonNode createProject(String token, String name) {
        return createProject(token, Map.of("name", name, "gitUrl", GIT_URL));
    }

    private JsonNode createDeployment(String token, String projectId, String body) {
        Reply r = call("POST", "/api/v1/projects/" + projectId + "/deployments", token, body);
        assertThat(r.status()).as("create deployment: %s", r.json()).isEqualTo(201);
        return r.json();
    }

    private int projectCount(String token) {
        Reply r = call("GET", "/api/v1/projects", token, null);
        assertThat(r.status()).isEqualTo(200);
        return r.json().size();
    }

    private List<String> queuedDeploymentIds() {
        List<String> ids = new ArrayList<>();
        for (Optional<ReceivedJob> job = db.jobQueue().receive(Duration.ofMinutes(5)); job.isPresent();
             job = db.jobQueue().receive(Duration.ofMinutes(5))) {
            ids.add(job.get().job().deploymentId());
        }
        return ids;
    }

    private Path artifactFile(String key) throws IOException {
        Path source = Files.createTempFile(tmp, "upload", ".html");
        Files.writeString(source, "<h1>" + key + "</h1>");
        artifacts.put(key, source, "text/html");
        return tmp.resolve("artifacts").resolve(key);
    }

    private static RouteEntry routeTo(String projectId, String deploymentId) {
        return new RouteEntry(deploymentId, "sites/" + projectId + "/" + deploymentId + "/", RouteConfig.DEFAULTS,
                Instant.now());
    }

    // ---------------------------------------------------------------- accounts

    @Nested
    class Accounts {
        @Test
        void registering_returns_201_with_a_token_that_identifies_the_new_user() {
            Reply r = register("Ada@Example.com", "correct horse battery");

            assertThat(r.status()).isEqualTo(201);
            assertThat(r.json().get("token").asText()).isNotBlank();
            assertThat(r.json().get("user").get("email").asText()).isEqualTo("ada@example.com");
            assertThat(r.json().get("user").has("passwordHash")).isFalse();

            Reply me = call("GET", "/api/v1/me", r.json().get("token").asText(), null);
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("email").asText()).isEqualTo("ada@example.com");
            assertThat(me.json().get("id").asText()).isEqualTo(r.json().get("user").get("id").asText());
        }

        @Test
        void an_email_already_registered_in_other_letter_case_is_409_email_taken() {
            signUp("ada@example.com");

            Reply r = register("  ADA@Example.COM ", "another password");

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("email_taken");
            assertThat(r.errorMessage()).contains("ada@example.com");
        }

        @Test
        void an_invalid_email_is_400_invalid_email() {
            for (String email : List.of("not-an-email", "a@b", "two@@example.com", "sp ace@example.com", "")) {
                Reply r = register(email, "correct horse battery");
                assertThat(r.status()).as(email).isEqualTo(400);
                assertThat(r.errorCode()).as(email).isEqualTo("invalid_email");
                assertThat(r.errorFields()).as(email).containsOnlyKeys("email");
            }
        }

        @Test
        void a_login_without_a_password_names_the_missing_field() {
            Reply r = call("POST", "/api/v1/auth/login", null, "{\"email\":\"ada@example.com\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_request");
            assertThat(r.errorFields()).containsOnlyKeys("password");
        }

        @Test
        void a_password_shorter_than_8_characters_is_refused() {
            Reply r = register("ada@example.com", "1234567");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("weak_password");
            assertThat(r.errorMessage()).contains("8 characters");
            assertThat(r.errorFields()).containsEntry("password", r.errorMessage());
            assertThat(call("POST", "/api/v1/auth/login", null,
                    json(Map.of("email", "ada@example.com", "password", "1234567"))).status())
                    .as("no account was created").isEqualTo(401);
        }

        @Test
        void a_password_of_exactly_8_characters_is_accepted() {
            assertThat(register("ada@example.com", "12345678").status()).isEqualTo(201);
        }

        @Test
        void signing_in_with_the_right_password_returns_a_working_token() {
            signUp("ada@example.com");

            Reply r = call("POST", "/api/v1/auth/login", null,
                    json(Map.of("email", "ADA@example.com", "password", "correct horse battery")));

            assertThat(r.status()).isEqualTo(200);
            assertThat(call("GET", "/api/v1/me", r.json().get("token").asText(), null).status()).isEqualTo(200);
        }

        @Test
        void a_wrong_password_is_401_with_the_same_message_as_an_unknown_email() {
            signUp("ada@example.com");

            Reply wrongPassword = call("POST", "/api/v1/auth/login", null,
                    json(Map.of("email", "ada@example.com", "password", "wrong password")));
            Reply unknownEmail = call("POST", "/api/v1/auth/login", null,
                    json(Map.of("email", "nobody@example.com", "password", "correct horse battery")));

            assertThat(wrongPassword.status()).isEqualTo(401);
            assertThat(unknownEmail.status()).isEqualTo(401);
            assertThat(wrongPassword.json()).isEqualTo(unknownEmail.json());
            assertThat(wrongPassword.json().has("token")).isFalse();
        }

        @Test
        void me_without_a_token_is_401() {
            Reply r = call("GET", "/api/v1/me", null, null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.errorCode()).isEqualTo("unauthorized");
            assertThat(r.errorMessage()).contains("Bearer");
        }

        @Test
        void me_with_a_garbage_or_non_bearer_token_is_401() {
            assertThat(call("GET", "/api/v1/me", "garbage.token.here", null).status()).isEqualTo(401);

            Map<String, List<String>> basic = Map.of("Authorization", List.of("Basic YWRhOnB3"));
            Response r = router.handle(new SimpleRequest("GET", "/api/v1/me", basic, new byte[0]));
            assertThat(r.status()).isEqualTo(401);
        }

        @Test
        void a_token_from_another_installation_is_401() throws IOException {
            String token = signUp("ada@example.com");
            // Same database, another master key: a token signed elsewhere must not be accepted here.
            byte[] otherKey = new byte[32];
            new SecureRandom().nextBytes(otherKey);
            Router other = Platform.assemble(MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.toString())),
                    SecretKeys.fromBase64(Base64.getEncoder().encodeToString(otherKey)), db, db.jobQueue(),
                    artifacts, routes, purger, Clock.systemUTC()).build().router();
            Response r = other.handle(new SimpleRequest("GET", "/api/v1/me",
                    Map.of("Authorization", List.of("Bearer " + token)), new byte[0]));
            assertThat(r.status()).isEqualTo(401);
        }
    }

    // ---------------------------------------------------------------- projects

    @Nested
    class Projects {
        String ada;

        @BeforeEach
        void signIn() {
            ada = signUp("ada@example.com");
        }

        @Test
        void creating_a_project_returns_201_with_a_slug_from_its_name_and_its_url() {
            JsonNode p = createProject(ada, "My Blog");

            assertThat(p.get("id").asText()).isNotBlank();
            assertThat(p.get("name").asText()).isEqualTo("My Blog");
            assertThat(p.get("slug").asText()).isEqualTo("my-blog");
            assertThat(p.get("url").asText()).startsWith("http://my-blog.localhost");
            assertThat(p.get("gitUrl").asText()).isEqualTo(GIT_URL);
            assertThat(p.get("productionBranch").asText()).isEqualTo("main");
            assertThat(p.get("autoPublish").asBoolean()).isTrue();
            assertThat(p.get("liveDeploymentId").isNull()).isTrue();
            assertThat(p.get("buildCommand").isNull()).isTrue();

            Reply fetched = call("GET", "/api/v1/projects/" + p.get("id").asText(), ada, null);
            assertThat(fetched.status()).isEqualTo(200);
            assertThat(fetched.json().get("slug").asText()).isEqualTo("my-blog");
        }

        @Test
        void projects_require_a_signed_in_user() {
            Reply anonymous = call("GET", "/api/v1/projects", null, null);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.errorFields()).as("an error about no request field has no fields").isEmpty();
            assertThat(anonymous.json().path("error").has("fields")).isFalse();
            assertThat(call("POST", "/api/v1/projects", null, json(Map.of("name", "x", "gitUrl", GIT_URL))).status())
                    .isEqualTo(401);
        }

        @Test
        void a_missing_name_is_400_naming_the_field_and_creates_nothing() {
            Reply r = call("POST", "/api/v1/projects", ada, json(Map.of("gitUrl", GIT_URL)));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_name");
            assertThat(r.errorMessage()).containsIgnoringCase("name");
            assertThat(r.errorFields()).containsExactly(Map.entry("name", r.errorMessage()));
            assertThat(projectCount(ada)).isZero();
        }

        @Test
        void a_project_without_a_git_url_takes_folder_deployments_and_refuses_git_builds() {
            JsonNode project = createProject(ada, Map.of("name", "Folder Site"));
            assertThat(project.get("gitUrl").isNull()).isTrue();
            Reply build = call("POST", "/api/v1/projects/" + project.get("id").asText() + "/deployments", ada, "{}");
            assertThat(build.status()).isEqualTo(409);
            assertThat(build.errorCode()).isEqualTo("no_repository");
            assertThat(build.errorMessage()).contains("./miaobu deploy");
            assertThat(queuedDeploymentIds()).isEmpty();
        }

        @Test
        void a_blank_git_url_is_400_naming_the_field_and_creates_nothing() {
            Reply r = call("POST", "/api/v1/projects", ada, json(Map.of("name", "Site", "gitUrl", "  ")));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_git_url");
            assertThat(r.errorMessage()).contains("gitUrl");
            assertThat(r.errorFields()).containsOnlyKeys("gitUrl");
            assertThat(projectCount(ada)).isZero();
        }

        @Test
        void auto_publish_given_as_a_string_is_400_invalid_field() {
            Reply r = call("POST", "/api/v1/projects", ada,
                    "{\"name\":\"Site\",\"gitUrl\":\"" + GIT_URL + "\",\"autoPublish\":\"yes\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_field");
            assertThat(r.errorMessage()).contains("autoPublish");
            assertThat(r.errorFields()).containsOnlyKeys("autoPublish");
            assertThat(projectCount(ada)).isZero();
        }

        @Test
        void an_unknown_field_is_400_unknown_field_naming_it() {
            Reply r = call("POST", "/api/v1/projects", ada,
                    "{\"name\":\"Site\",\"gitUrl\":\"" + GIT_URL + "\",\"buildComand\":\"npm run build\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("unknown_field");
            assertThat(r.errorMessage()).contains("buildComand").contains("buildCommand");
            assertThat(r.errorFields()).containsOnlyKeys("buildComand");
            assertThat(projectCount(ada)).isZero();
        }

        @Test
        void malformed_json_is_400_invalid_json() {
            Reply r = call("POST", "/api/v1/projects", ada, "{\"name\": \"Site\", ");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_json");
            assertThat(projectCount(ada)).isZero();
        }

        @Test
        void an_invalid_setting_after_valid_ones_creates_nothing() {
            for (Map<String, Object> body : List.of(
                    Map.<String, Object>of("name", "Site", "gitUrl", GIT_URL, "outputDirectory", "../etc"),
                    Map.<String, Object>of("name", "Site", "gitUrl", GIT_URL, "rootDirectory", "/abs"),
                    Map.<String, Object>of("name", "Site", "gitUrl", GIT_URL, "productionBranch", "bad branch"),
                    Map.<String, Object>of("name", "Site", "gitUrl", "ftp://example.com/r.git"))) {
                Reply r = call("POST", "/api/v1/projects", ada, json(body));
                assertThat(r.status()).as("%s", body).isEqualTo(400);
            }
            assertThat(projectCount(ada)).isZero();
            // and the slug was not reserved by any of those attempts
            assertThat(createProject(ada, "Site").get("slug").asText()).isEqualTo("site");
        }

        @Test
        void a_second_project_with_the_same_name_gets_a_numbered_slug() {
            createProject(ada, "My Blog");
            JsonNode second = createProject(ada, "My Blog");
            JsonNode third = createProject(ada, "my blog!");

            assertThat(second.get("slug").asText()).isEqualTo("my-blog-2");
            assertThat(second.get("url").asText()).startsWith("http://my-blog-2.localhost");
            assertThat(third.get("slug").asText()).isEqualTo("my-blog-3");
            assertThat(projectCount(ada)).isEqualTo(3);
        }

        @Test
        void slugs_are_unique_across_users_because_hostnames_are() {
            createProject(ada, "Portfolio");
            String bob = signUp("bob@example.com");
            assertThat(createProject(bob, "Portfolio").get("slug").asText()).isEqualTo("portfolio-2");
        }

        @Test
        void a_name_whose_address_is_one_of_the_platforms_own_is_refused_with_a_suggestion() {
            for (String name : List.of("www", "API", "admin", "App", "dashboard", "localhost")) {
                Reply r = call("POST", "/api/v1/projects", ada, json(Map.of("name", name, "gitUrl", GIT_URL)));
                assertThat(r.status()).as(name).isEqualTo(400);
                assertThat(r.errorCode()).isEqualTo("reserved_name");
                assertThat(r.errorMessage()).contains("reserved").contains(name.toLowerCase(java.util.Locale.ROOT) + "-site");
            }
            assertThat(projectCount(ada)).isZero();
            assertThat(createProject(ada, "My App").get("slug").asText()).isEqualTo("my-app");
        }

        @Test
        void the_project_list_shows_only_your_own_projects() {
            createProject(ada, "Ada One");
            String bob = signUp("bob@example.com");
            createProject(bob, "Bob One");

            Reply list = call("GET", "/api/v1/projects", ada, null);
            assertThat(list.json()).extracting(n -> n.get("name").asText()).containsExactly("Ada One");
        }

        @Test
        void another_users_project_is_404_for_every_verb_and_for_its_deployments() {
            JsonNode p = createProject(ada, "Private");
            String id = p.get("id").asText();
            createDeployment(ada, id, null);
            queuedDeploymentIds();
            String bob = signUp("bob@example.com");

            Reply get = call("GET", "/api/v1/projects/" + id, bob, null);
            Reply patch = call("PATCH", "/api/v1/projects/" + id, bob, json(Map.of("name", "Hijacked")));
            Reply delete = call("DELETE", "/api/v1/projects/" + id, bob, null);
            Reply listDeployments = call("GET", "/api/v1/projects/" + id + "/deployments", bob, null);
            Reply deploy = call("POST", "/api/v1/projects/" + id + "/deployments", bob, null);

            for (Reply r : List.of(get, patch, delete, listDeployments, deploy)) {
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.errorCode()).isEqualTo("not_found");
            }
            // a missing project answers exactly like someone else's
            assertThat(call("GET", "/api/v1/projects/p_does_not_exist", bob, null).errorCode()).isEqualTo("not_found");
            // nothing changed for the owner, and bob's deploy queued nothing
            Reply mine = call("GET", "/api/v1/projects/" + id, ada, null);
            assertThat(mine.json().get("name").asText()).isEqualTo("Private");
            assertThat(call("GET", "/api/v1/projects/" + id + "/deployments", ada, null).json()).hasSize(1);
            assertThat(queuedDeploymentIds()).isEmpty();
        }

        @Test
        void patch_changes_only_the_fields_sent() {
            JsonNode p = createProject(ada, Map.of("name", "Site", "gitUrl", GIT_URL,
                    "buildCommand", "npm run build", "outputDirectory", "dist"));
            String id = p.get("id").asText();

            Reply r = call("PATCH", "/api/v1/projects/" + id, ada, json(Map.of("name", "Renamed", "autoPublish", false)));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("name").asText()).isEqualTo("Renamed");
            assertThat(r.json().get("slug").asText()).as("the slug, and so the URL, stays").isEqualTo("site");
            assertThat(r.json().get("autoPublish").asBoolean()).isFalse();
            assertThat(r.json().get("buildCommand").asText()).isEqualTo("npm run build");
            assertThat(r.json().get("outputDirectory").asText()).isEqualTo("dist");
            JsonNode stored = call("GET", "/api/v1/projects/" + id, ada, null).json();
            assertThat(stored.get("name").asText()).isEqualTo("Renamed");
            assertThat(stored.get("autoPublish").asBoolean()).isFalse();
        }

        @Test
        void patch_with_an_explicit_null_clears_the_build_command() {
            JsonNode p = createProject(ada, Map.of("name", "Site", "gitUrl", GIT_URL,
                    "buildCommand", "npm run build", "installCommand", "npm ci"));
            String id = p.get("id").asText();

            Reply r = call("PATCH", "/api/v1/projects/" + id, ada, "{\"buildCommand\": null}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("buildCommand").isNull()).isTrue();
            assertThat(r.json().get("installCommand").asText()).isEqualTo("npm ci");
            JsonNode stored = call("GET", "/api/v1/projects/" + id, ada, null).json();
            assertThat(stored.get("buildCommand").isNull()).isTrue();
            assertThat(stored.get("installCommand").asText()).isEqualTo("npm ci");
        }

        @Test
        void patch_with_a_number_for_the_name_is_400_and_changes_nothing() {
            String id = createProject(ada, "Site").get("id").asText();

            Reply r = call("PATCH", "/api/v1/projects/" + id, ada, "{\"name\": 5, \"buildCommand\": \"make\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_field");
            assertThat(r.errorMessage()).contains("name");
            JsonNode stored = call("GET", "/api/v1/projects/" + id, ada, null).json();
            assertThat(stored.get("name").asText()).isEqualTo("Site");
            assertThat(stored.get("buildCommand").isNull()).isTrue();
        }

        @Test
        void patch_refuses_unknown_fields_and_invalid_settings() {
            String id = createProject(ada, "Site").get("id").asText();

            Reply unknown = call("PATCH", "/api/v1/projects/" + id, ada, "{\"slug\": \"takeover\"}");
            Reply badDir = call("PATCH", "/api/v1/projects/" + id, ada, "{\"outputDirectory\": \"../../etc\"}");
            Reply emptyName = call("PATCH", "/api/v1/projects/" + id, ada, "{\"name\": \"  \"}");

            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.errorCode()).isEqualTo("unknown_field");
            assertThat(unknown.errorFields()).containsOnlyKeys("slug");
            assertThat(badDir.status()).isEqualTo(400);
            assertThat(badDir.errorCode()).isEqualTo("invalid_output_directory");
            assertThat(badDir.errorFields()).containsOnlyKeys("outputDirectory");
            assertThat(emptyName.status()).isEqualTo(400);
            assertThat(emptyName.errorFields()).containsOnlyKeys("name");
            assertThat(call("GET", "/api/v1/projects/" + id, ada, null).json().get("slug").asText()).isEqualTo("site");
        }

        @Test
        void deleting_a_project_removes_its_rows_files_and_routes_but_nothing_of_other_projects() throws IOException {
            JsonNode p = createProject(ada, "Doomed");
            String id = p.get("id").asText();
            String deploymentId = createDeployment(ada, id, null).get("id").asText();
            String keep = createProject(ada, "Keeper").get("id").asText();

            Path doomedFile = artifactFile("sites/" + id + "/" + deploymentId + "/index.html");
            Path doomedAsset = artifactFile("sites/" + id + "/" + deploymentId + "/assets/app.js");
            Path keptFile = artifactFile("sites/" + keep + "/d_other/index.html");
            routes.put("doomed.localhost", routeTo(id, deploymentId));
            routes.put(deploymentId + "--doomed.localhost", routeTo(id, deploymentId));
            routes.put("keeper.localhost", routeTo(keep, "d_other"));
            assertThat(doomedFile).exists();

            Reply r = call("DELETE", "/api/v1/projects/" + id, ada, null);

            assertThat(r.status()).isEqualTo(204);
            assertThat(call("GET", "/api/v1/projects/" + id, ada, null).status()).isEqualTo(404);
            assertThat(call("GET", "/api/v1/deployments/" + deploymentId, ada, null).status()).isEqualTo(404);
            assertThat(call("GET", "/api/v1/projects", ada, null).json())
                    .extracting(n -> n.get("id").asText()).containsExactly(keep);
            assertThat(doomedFile).doesNotExist();
            assertThat(doomedAsset).doesNotExist();
            assertThat(tmp.resolve("artifacts/sites/" + id)).doesNotExist();
            assertThat(routes.get("doomed.localhost")).isEmpty();
            assertThat(routes.get(deploymentId + "--doomed.localhost")).isEmpty();
            assertThat(keptFile).exists();
            assertThat(routes.get("keeper.localhost")).isPresent();
            assertThat(purger.purgedHosts()).contains("doomed.localhost");
            assertThat(queuedDeploymentIds()).as("its queued build went with it").isEmpty();
        }

        @Test
        void a_deleted_projects_slug_can_be_used_again() {
            String id = createProject(ada, "Reuse").get("id").asText();
            assertThat(call("DELETE", "/api/v1/projects/" + id, ada, null).status()).isEqualTo(204);
            assertThat(createProject(ada, "Reuse").get("slug").asText()).isEqualTo("reuse");
        }
    }

    // ---------------------------------------------------------------- deployments

    @Nested
    class Deployments {
        String ada;
        String projectId;

        @BeforeEach
        void project() {
            ada = signUp("ada@example.com");
            projectId = createProject(ada, Map.of("name", "Site", "gitUrl", GIT_URL, "productionBranch", "main"))
                    .get("id").asText();
        }

        private String deploymentsPath() {
            return "/api/v1/projects/" + projectId + "/deployments";
        }

        @Test
        void deploying_the_production_branch_queues_a_production_build() {
            JsonNode d = createDeployment(ada, projectId, null);

            assertThat(d.get("status").asText()).isEqualTo("QUEUED");
            assertThat(d.get("target").asText()).isEqualTo("production");
            assertThat(d.get("branch").asText()).isEqualTo("main");
            assertThat(d.get("projectId").asText()).isEqualTo(projectId);
            assertThat(d.get("live").asBoolean()).isFalse();
            assertThat(d.get("url").asText()).startsWith("http://" + d.get("id").asText() + "--site.localhost");
            assertThat(d.get("branchUrl").isNull()).as("production has the project's address").isTrue();
            assertThat(d.get("trigger").asText()).as("what started it").isEqualTo("manual");
            assertThat(queuedDeploymentIds()).containsExactly(d.get("id").asText());
        }

        @Test
        void deploying_another_branch_queues_a_preview_build() {
            JsonNode d = createDeployment(ada, projectId, "{\"branch\": \"feature/login\"}");

            assertThat(d.get("status").asText()).isEqualTo("QUEUED");
            assertThat(d.get("target").asText()).isEqualTo("preview");
            assertThat(d.get("branch").asText()).isEqualTo("feature/login");
            // The branch's own address, which follows its newest ready deployment.
            assertThat(d.get("branchUrl").asText()).startsWith("http://feature-login--site.localhost");
            assertThat(queuedDeploymentIds()).containsExactly(d.get("id").asText());
        }

        @Test
        void a_requested_commit_is_recorded_lowercased() {
            JsonNode d = createDeployment(ada, projectId, "{\"branch\": \"main\", \"commit\": \"ABCDEF1234\"}");
            assertThat(d.get("commit").asText()).isEqualTo("abcdef1234");
            assertThat(d.get("trigger").asText()).as("a commit deployed again: the dashboard's Redeploy").isEqualTo("redeploy");
        }

        @Test
        void a_deploy_and_a_redeploy_name_the_signed_in_user_but_never_their_email_or_id() {
            JsonNode deployed = createDeployment(ada, projectId, "{\"branch\": \"feature/login\"}");
            JsonNode redeployed = createDeployment(ada, projectId, "{\"commit\": \"abcdef1234\"}");

            assertThat(deployed.get("triggeredBy").get("login").asText()).as("the email's name part").isEqualTo("ada");
            assertThat(redeployed.get("triggeredBy").get("login").asText()).isEqualTo("ada");
            assertThat(redeployed.get("triggeredBy").get("avatarUrl").isNull()).as("no GitHub account linked").isTrue();
            assertThat(redeployed.get("hookName").isNull()).isTrue();
            Reply listed = call("GET", deploymentsPath(), ada, null);
            assertThat(listed.json()).allSatisfy(d -> assertThat(d.get("triggeredBy").get("login").asText()).isEqualTo("ada"));
            String userId = call("GET", "/api/v1/me", ada, null).json().get("id").asText();
            assertThat(listed.json().toString()).doesNotContain("ada@example.com").doesNotContain(userId);
        }

        @Test
        void a_user_with_github_linked_is_named_by_their_github_login_and_avatar() {
            String userId = call("GET", "/api/v1/me", ada, null).json().get("id").asText();
            Instant now = Instant.now();
            db.github().saveAccount(new GitHubAccount(userId, 583231, "ada-gh", "v1.sealed", "repo", now, now));

            JsonNode d = createDeployment(ada, projectId, null);

            assertThat(d.get("triggeredBy").get("login").asText()).isEqualTo("ada-gh");
            assertThat(d.get("triggeredBy").get("avatarUrl").asText()).isEqualTo("https://avatars.githubusercontent.com/u/583231?v=4");
        }

        @Test
        void an_invalid_branch_is_400_and_queues_nothing() {
            Reply r = call("POST", deploymentsPath(), ada, "{\"branch\": \"../../etc\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_branch");
            assertThat(queuedDeploymentIds()).isEmpty();
            assertThat(call("GET", deploymentsPath(), ada, null).json()).isEmpty();
        }

        @Test
        void an_invalid_commit_is_400_and_queues_nothing() {
            Reply r = call("POST", deploymentsPath(), ada, "{\"commit\": \"HEAD~1\"}");

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_commit");
            assertThat(queuedDeploymentIds()).isEmpty();
            assertThat(call("GET", deploymentsPath(), ada, null).json()).isEmpty();
        }

        @Test
        void an_unknown_field_in_a_deployment_request_is_400() {
            Reply r = call("POST", deploymentsPath(), ada, "{\"ref\": \"main\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("unknown_field");
            assertThat(queuedDeploymentIds()).isEmpty();
        }

        @Test
        void deployments_are_listed_newest_first() throws InterruptedException {
            String first = createDeployment(ada, projectId, null).get("id").asText();
            Thread.sleep(5);
            String second = createDeployment(ada, projectId, "{\"branch\": \"dev\"}").get("id").asText();

            Reply list = call("GET", deploymentsPath(), ada, null);

            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json()).extracting(n -> n.get("id").asText()).containsExactly(second, first);
        }

        @Test
        void the_project_list_carries_each_projects_newest_deployment_so_one_request_draws_it() throws InterruptedException {
            createDeployment(ada, projectId, null);
            Thread.sleep(5);
            String newest = createDeployment(ada, projectId, "{\"branch\": \"dev\"}").get("id").asText();
            String idle = createProject(ada, "Idle").get("id").asText();

            JsonNode list = call("GET", "/api/v1/projects", ada, null).json();

            JsonNode site = find(list, projectId);
            assertThat(site.get("latestDeployment").get("id").asText()).isEqualTo(newest);
            assertThat(site.get("latestDeployment").get("branch").asText()).isEqualTo("dev");
            assertThat(site.get("latestDeployment").get("status").asText()).isEqualTo("QUEUED");
            assertThat(site.get("latestDeployment").has("author")).isTrue();
            assertThat(find(list, idle).get("latestDeployment").isNull()).isTrue();
        }

        private JsonNode find(JsonNode list, String id) {
            for (JsonNode p : list) {
                if (p.get("id").asText().equals(id)) {
                    return p;
                }
            }
            throw new AssertionError("project " + id + " not in " + list);
        }

        @Test
        void a_deployment_can_be_read_by_its_owner_only() {
            String id = createDeployment(ada, projectId, null).get("id").asText();
            String bob = signUp("bob@example.com");

            Reply mine = call("GET", "/api/v1/deployments/" + id, ada, null);
            assertThat(mine.status()).isEqualTo(200);
            assertThat(mine.json().get("status").asText()).isEqualTo("QUEUED");

            for (Reply r : List.of(
                    call("GET", "/api/v1/deployments/" + id, bob, null),
                    call("GET", "/api/v1/deployments/" + id + "/logs", bob, null),
                    call("POST", "/api/v1/deployments/" + id + "/cancel", bob, null),
                    call("POST", "/api/v1/deployments/" + id + "/promote", bob, null))) {
                assertThat(r.status()).isEqualTo(404);
            }
            assertThat(call("GET", "/api/v1/deployments/" + id, ada, null).json().get("status").asText())
                    .as("bob's cancel did nothing").isEqualTo("QUEUED");
        }

        @Test
        void promoting_a_queued_deployment_is_409_not_ready() {
            String id = createDeployment(ada, projectId, null).get("id").asText();

            Reply r = call("POST", "/api/v1/deployments/" + id + "/promote", ada, null);

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.errorCode()).isEqualTo("not_ready");
            assertThat(r.errorMessage()).contains("QUEUED");
            assertThat(call("GET", "/api/v1/projects/" + projectId, ada, null).json().get("liveDeploymentId").isNull())
                    .isTrue();
            assertThat(routes.get("site.localhost")).isEmpty();
        }

        @Test
        void canceling_a_queued_deployment_succeeds_once_and_then_is_409() {
            String id = createDeployment(ada, projectId, null).get("id").asText();

            Reply first = call("POST", "/api/v1/deployments/" + id + "/cancel", ada, null);
            Reply again = call("POST", "/api/v1/deployments/" + id + "/cancel", ada, null);

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.json().get("status").asText()).isEqualTo("CANCELED");
            assertThat(first.json().get("finishedAt").isNull()).isFalse();
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.errorCode()).isEqualTo("already_finished");
            assertThat(again.errorMessage()).contains("CANCELED");
            assertThat(call("GET", "/api/v1/deployments/" + id, ada, null).json().get("status").asText())
                    .isEqualTo("CANCELED");
        }

        @Test
        void the_log_of_a_queued_deployment_is_empty_and_not_done() {
            String id = createDeployment(ada, projectId, null).get("id").asText();

            Reply r = call("GET", "/api/v1/deployments/" + id + "/logs", ada, null);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("lines").isArray()).isTrue();
            assertThat(r.json().get("lines")).isEmpty();
            assertThat(r.json().get("done").asBoolean()).isFalse();
            assertThat(r.json().get("done").isBoolean()).isTrue();
        }

        @Test
        void the_log_of_a_canceled_deployment_is_done() {
            String id = createDeployment(ada, projectId, null).get("id").asText();
            call("POST", "/api/v1/deployments/" + id + "/cancel", ada, null);

            Reply r = call("GET", "/api/v1/deployments/" + id + "/logs?after=0", ada, null);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("done").asBoolean()).isTrue();
        }

        @Test
        void a_negative_or_non_numeric_log_cursor_is_400() {
            String id = createDeployment(ada, projectId, null).get("id").asText();

            Reply negative = call("GET", "/api/v1/deployments/" + id + "/logs?after=-1", ada, null);
            Reply text = call("GET", "/api/v1/deployments/" + id + "/logs?after=abc", ada, null);

            assertThat(negative.status()).isEqualTo(400);
            assertThat(negative.errorCode()).isEqualTo("invalid_cursor");
            assertThat(negative.errorMessage()).contains("-1");
            assertThat(text.status()).isEqualTo(400);
        }

        @Test
        void an_unknown_deployment_is_404() {
            assertThat(call("GET", "/api/v1/deployments/d_nope", ada, null).status()).isEqualTo(404);
            assertThat(call("POST", "/api/v1/deployments/d_nope/cancel", ada, null).status()).isEqualTo(404);
        }
    }

    // ---------------------------------------------------------------- folder deployments

    @Nested
    class FolderDeployments {
        String ada;
        String projectId;

        @BeforeEach
        void project() {
            ada = signUp("ada@example.com");
            projectId = createProject(ada, Map.of("name", "Folder")).get("id").asText();
        }

        private Map<String, Object> file(String path, String content) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            return Map.of("path", path, "sha256", sha256(bytes), "size", bytes.length);
        }

        private Reply start(String token, String project, List<Map<String, Object>> files, boolean production) {
            return call("POST", "/api/v1/projects/" + project + "/deployments/folder", token,
                    json(Map.of("files", files, "production", production)));
        }

        private Reply upload(String token, String deploymentId, String sha256, String content) {
            Map<String, List<String>> headers = Map.of("Authorization", List.of("Bearer " + token));
            Response r = router.handle(new SimpleRequest("PUT", "/api/v1/deployments/" + deploymentId + "/files/" + sha256,
                    headers, content.getBytes(StandardCharsets.UTF_8)));
            try {
                return new Reply(r.status(), r.headers(), r.body() == null || r.body().length == 0 ? null : Json.MAPPER.readTree(r.body()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** Starts, uploads what is missing (from {@code contents}), completes; returns the completion. */
        private JsonNode deploy(Map<String, String> contents, boolean production) {
            List<Map<String, Object>> files = new ArrayList<>();
            Map<String, String> bySha = new LinkedHashMap<>();
            contents.forEach((path, content) -> {
                files.add(file(path, content));
                bySha.put(sha256(content.getBytes(StandardCharsets.UTF_8)), content);
            });
            Reply started = start(ada, projectId, files, production);
            assertThat(started.status()).as("%s", started.json()).isEqualTo(201);
            String id = started.json().get("deployment").get("id").asText();
            StringBuilder frames = new StringBuilder(); // every missing file in one request
            started.json().get("missing").forEach(sha -> {
                String content = bySha.get(sha.asText());
                frames.append(sha.asText()).append(' ').append(content.getBytes(StandardCharsets.UTF_8).length).append('\n').append(content);
            });
            if (!frames.isEmpty()) {
                Reply uploaded = call("POST", "/api/v1/deployments/" + id + "/files", ada, frames.toString());
                assertThat(uploaded.status()).as("%s", uploaded.json()).isEqualTo(204);
            }
            Reply done = call("POST", "/api/v1/deployments/" + id + "/complete", ada, null);
            assertThat(done.status()).as("%s", done.json()).isEqualTo(200);
            return ((com.fasterxml.jackson.databind.node.ObjectNode) done.json()).put("missingCount", started.json().get("missing").size());
        }

        @Test
        void a_folder_is_uploaded_once_and_a_redeploy_sends_only_what_changed() throws IOException {
            JsonNode first = deploy(Map.of("index.html", "<h1>one</h1>", "a.css", "a{}", "copy.css", "a{}"), true);
            assertThat(first.get("missingCount").asInt()).isEqualTo(2); // two files share their content
            JsonNode d1 = first.get("deployment");
            assertThat(d1.get("trigger").asText()).isEqualTo("cli");
            assertThat(d1.get("triggeredBy").get("login").asText()).as("the token's user").isEqualTo("ada");
            assertThat(d1.get("status").asText()).isEqualTo("READY");
            assertThat(d1.get("live").asBoolean()).isTrue();
            assertThat(d1.get("target").asText()).isEqualTo("production");
            assertThat(d1.get("stats").get("files").asInt()).isEqualTo(3);
            assertThat(d1.get("stats").get("uploadedFiles").asInt()).isEqualTo(2);
            assertThat(first.get("productionUrl").asText()).startsWith("http://folder.localhost");
            String prefix = "sites/" + projectId + "/" + d1.get("id").asText() + "/";
            assertThat(new String(artifacts.open(prefix + "copy.css").orElseThrow().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a{}");
            assertThat(routes.get("folder.localhost").orElseThrow().deploymentId()).isEqualTo(d1.get("id").asText());

            JsonNode second = deploy(Map.of("index.html", "<h1>two</h1>", "a.css", "a{}", "copy.css", "a{}"), false);
            assertThat(second.get("missingCount").asInt()).isEqualTo(1);
            JsonNode stats = second.get("deployment").get("stats");
            assertThat(stats.get("uploadedFiles").asInt()).isEqualTo(1);
            assertThat(stats.get("uploadedBytes").asInt()).isEqualTo("<h1>two</h1>".length());
            assertThat(second.get("deployment").get("live").asBoolean()).as("a preview does not go live").isFalse();
            assertThat(second.get("productionUrl").isNull()).isTrue();
            assertThat(routes.get("folder.localhost").orElseThrow().deploymentId()).isEqualTo(d1.get("id").asText());
        }

        @Test
        void rules_files_are_compiled_with_warnings_and_not_published() throws IOException {
            JsonNode done = deploy(Map.of("index.html", "home", "_redirects", "/old /new 302\n/bad\n",
                    "_headers", "/*\n  X-Frame-Options: DENY\n"), false);
            assertThat(done.get("warnings")).hasSize(1);
            assertThat(done.get("warnings").get(0).get("file").asText()).isEqualTo("_redirects");
            assertThat(done.get("warnings").get(0).get("line").asInt()).isEqualTo(2);
            String id = done.get("deployment").get("id").asText();
            RouteConfig config = routes.get(id + "--folder.localhost").orElseThrow().config();
            assertThat(config.redirects()).singleElement().satisfies(r -> assertThat(r.to()).isEqualTo("/new"));
            assertThat(config.headers()).singleElement().satisfies(h -> assertThat(h.set()).containsEntry("x-frame-options", "DENY"));
            assertThat(artifacts.exists("sites/" + projectId + "/" + id + "/_redirects")).isFalse();
            assertThat(artifacts.exists("sites/" + projectId + "/" + id + "/index.html")).isTrue();
        }

        @Test
        void content_that_does_not_match_its_digest_or_is_not_asked_for_is_refused() {
            Map<String, Object> index = file("index.html", "real");
            Reply started = start(ada, projectId, List.of(index), false);
            String id = started.json().get("deployment").get("id").asText();
            Reply wrong = upload(ada, id, (String) index.get("sha256"), "fake"); // the declared length, other bytes
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.errorCode()).isEqualTo("digest_mismatch");
            Reply other = upload(ada, id, sha256("other".getBytes(StandardCharsets.UTF_8)), "other");
            assertThat(other.errorCode()).isEqualTo("unknown_digest");
            Reply early = call("POST", "/api/v1/deployments/" + id + "/complete", ada, null);
            assertThat(early.status()).isEqualTo(409);
            assertThat(early.errorCode()).isEqualTo("files_missing");
            assertThat(early.errorMessage()).contains("index.html");
        }

        @Test
        void a_badly_framed_upload_is_refused_and_stores_nothing() {
            Map<String, Object> index = file("index.html", "hello");
            String id = start(ada, projectId, List.of(index), false).json().get("deployment").get("id").asText();
            for (String body : List.of(index.get("sha256") + " 99\nhello", index.get("sha256") + "\nhello", "", index.get("sha256") + " 5\nhello" + "junk")) {
                Reply r = call("POST", "/api/v1/deployments/" + id + "/files", ada, body);
                assertThat(r.status()).as(body).isEqualTo(400);
            }
            assertThat(call("POST", "/api/v1/deployments/" + id + "/complete", ada, null).errorCode()).isEqualTo("files_missing");
        }

        @Test
        void paths_that_leave_the_folder_are_refused_and_create_nothing() {
            for (String path : List.of("../x.html", "a/../../x", "/etc/passwd", "a\\b", "a//b", "", "./a")) {
                Reply r = start(ada, projectId, List.of(file(path, "x")), false);
                assertThat(r.status()).as(path).isEqualTo(400);
                assertThat(r.errorCode()).as(path).isEqualTo("invalid_path");
            }
            Reply twice = start(ada, projectId, List.of(file("a.html", "x"), file("a.html", "y")), false);
            assertThat(twice.errorMessage()).contains("listed twice");
            assertThat(call("GET", "/api/v1/projects/" + projectId + "/deployments", ada, null).json()).isEmpty();
        }

        @Test
        void another_users_content_is_never_reported_as_present_and_their_deployments_are_404() {
            deploy(Map.of("index.html", "secret"), true);
            String eve = signUp("eve@example.com");
            String evesProject = createProject(eve, Map.of("name", "Eve")).get("id").asText();
            Reply probe = start(eve, evesProject, List.of(file("index.html", "secret")), false);
            assertThat(probe.json().get("missing")).hasSize(1);
            assertThat(start(eve, projectId, List.of(file("index.html", "x")), false).status()).isEqualTo(404);
            String adasDeployment = call("GET", "/api/v1/projects/" + projectId + "/deployments", ada, null).json().get(0).get("id").asText();
            assertThat(call("POST", "/api/v1/deployments/" + adasDeployment + "/complete", eve, null).status()).isEqualTo(404);
        }

        @Test
        void parallel_completes_leave_one_ready_deployment_whose_files_are_served() throws Exception {
            for (int trial = 0; trial < 5; trial++) {
                Map<String, Object> index = file("index.html", "<h1>trial " + trial + "</h1>");
                Reply started = start(ada, projectId, List.of(index, file("app.js", "let t = " + trial)), true);
                String id = started.json().get("deployment").get("id").asText();
                String frames = started.json().get("missing").size() + "";
                StringBuilder body = new StringBuilder();
                for (String content : List.of("<h1>trial " + trial + "</h1>", "let t = " + trial)) {
                    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
                    body.append(sha256(bytes)).append(' ').append(bytes.length).append('\n').append(content);
                }
                assertThat(call("POST", "/api/v1/deployments/" + id + "/files", ada, body.toString()).status()).as(frames).isEqualTo(204);

                var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
                List<java.util.concurrent.Future<Reply>> calls = new ArrayList<>();
                var gate = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 10; i++) {
                    calls.add(pool.submit(() -> {
                        gate.await();
                        return call("POST", "/api/v1/deployments/" + id + "/complete", ada, null);
                    }));
                }
                gate.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (var c : calls) {
                    statuses.add(c.get().status());
                }
                pool.shutdown();
                assertThat(statuses).as("trial %d", trial).allMatch(st -> st == 200 || st == 409).contains(200);
                JsonNode deployment = call("GET", "/api/v1/deployments/" + id, ada, null).json();
                assertThat(deployment.get("status").asText()).isEqualTo("READY");
                assertThat(routes.get("folder.localhost").orElseThrow().deploymentId()).as("the live host").isEqualTo(id);
                assertThat(routes.get(id + "--folder.localhost")).as("its permanent host").isPresent();
                String prefix = "sites/" + projectId + "/" + id + "/";
                assertThat(new String(artifacts.open(prefix + "index.html").orElseThrow().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("<h1>trial " + trial + "</h1>");
                assertThat(artifacts.exists(prefix + "app.js")).isTrue();
            }
        }

        @Test
        void completing_a_ready_deployment_again_answers_it_as_it_is() {
            JsonNode first = deploy(Map.of("index.html", "once"), true);
            String id = first.get("deployment").get("id").asText();
            Reply again = call("POST", "/api/v1/deployments/" + id + "/complete", ada, null);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("deployment").get("status").asText()).isEqualTo("READY");
            assertThat(again.json().get("deployment").get("live").asBoolean()).isTrue();
        }

        @Test
        void content_longer_than_its_declared_size_is_refused_and_the_stats_count_real_bytes() {
            byte[] big = "x".repeat(4096).getBytes(StandardCharsets.UTF_8);
            Map<String, Object> lying = Map.of("path", "big.bin", "sha256", sha256(big), "size", 1);
            Reply started = start(ada, projectId, List.of(lying, file("index.html", "hi")), false);
            assertThat(started.status()).isEqualTo(201);
            String id = started.json().get("deployment").get("id").asText();
            Reply upload = call("POST", "/api/v1/deployments/" + id + "/files", ada,
                    sha256(big) + " " + big.length + "\n" + new String(big, StandardCharsets.UTF_8));
            assertThat(upload.status()).isEqualTo(400);
            assertThat(upload.errorCode()).isEqualTo("size_mismatch");
            assertThat(upload.errorMessage()).contains("4096 bytes").contains("1 bytes");
            assertThat(call("POST", "/api/v1/deployments/" + id + "/complete", ada, null).errorCode()).isEqualTo("files_missing");

            JsonNode honest = deploy(Map.of("big.bin", "x".repeat(4096), "index.html", "hi"), false);
            assertThat(honest.get("deployment").get("stats").get("bytes").asLong()).isEqualTo(4096 + 2);
            Reply liar = start(ada, projectId, List.of(lying), false);
            assertThat(liar.status()).as("content the project has, declared with another size").isEqualTo(400);
            assertThat(liar.errorCode()).isEqualTo("size_mismatch");
        }

        @Test
        void a_file_and_a_folder_with_the_same_name_are_refused_at_start_naming_both() {
            Reply r = start(ada, projectId, List.of(file("docs", "a file"), file("docs/index.html", "a page")), false);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorMessage()).contains("`docs`").contains("`docs/index.html`");
            assertThat(call("GET", "/api/v1/projects/" + projectId + "/deployments", ada, null).json()).isEmpty();
        }

        @Test
        void a_git_build_can_never_be_completed_as_a_folder() {
            String gitProject = createProject(ada, "Git").get("id").asText();
            String id = createDeployment(ada, gitProject, "{}").get("id").asText();
            Reply r = call("POST", "/api/v1/deployments/" + id + "/complete", ada, null);
            assertThat(r.status()).isEqualTo(409);
        }
    }

    // ---------------------------------------------------------------- routing

    @Test
    void an_unknown_api_path_is_a_json_404_and_a_wrong_method_is_405() {
        Reply missing = call("GET", "/api/v1/nope", null, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("not_found");

        Reply wrongMethod = call("PUT", "/api/v1/projects", null, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().get("allow")).contains("GET").contains("POST");
    }

    @Test
    void the_health_check_answers_without_a_token() {
        Reply r = call("GET", "/api/v1/health", null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
    }

    // ---------------------------------------------------------------- environment variables

    @Nested
    class EnvironmentVariables {
        String ada;
        String projectId;

        @BeforeEach
        void project() {
            ada = signUp("ada@example.com");
            projectId = createProject(ada, "Env Site").get("id").asText();
        }

        private Reply put(String token, Object body) {
            return call("PUT", "/api/v1/projects/" + projectId + "/env", token, json(body));
        }

        @Test
        void variables_are_listed_with_key_and_target_but_never_their_values() {
            Reply r = put(ada, List.of(
                    Map.of("key", "API_URL", "value", "https://api.example.com", "target", "production"),
                    Map.of("key", "API_URL", "value", "https://staging.example.com", "target", "preview"),
                    Map.of("key", "STRIPE_KEY", "value", "sk_live_supersecret123")));
            assertThat(r.status()).as("%s", r.json()).isEqualTo(200);

            Reply listed = call("GET", "/api/v1/projects/" + projectId + "/env", ada, null);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.json()).hasSize(3);
            assertThat(listed.json().toString())
                    .contains("\"key\":\"API_URL\"", "\"target\":\"production\"", "\"target\":\"preview\"", "\"target\":\"all\"")
                    .doesNotContain("api.example.com", "staging.example.com", "sk_live_supersecret123", "value");
        }

        @Test
        void values_are_stored_encrypted_and_no_row_holds_the_plaintext() {
            put(ada, List.of(Map.of("key", "STRIPE_KEY", "value", "sk_live_supersecret123", "target", "all")));

            List<Map<String, Object>> rows = db.jdbi().withHandle(h ->
                    h.createQuery("SELECT * FROM project_env_vars").mapToMap().list());
            assertThat(rows).hasSize(1);
            assertThat(rows.toString()).doesNotContain("sk_live_supersecret123");
            assertThat(rows.get(0).get("value_encrypted").toString()).startsWith("v1:");
        }

        @Test
        void a_variable_sent_without_a_value_keeps_its_stored_value_and_a_new_one_needs_a_value() {
            put(ada, List.of(Map.of("key", "TOKEN", "value", "first-secret-value")));
            String before = db.jdbi().withHandle(h -> h.createQuery("SELECT value_encrypted FROM project_env_vars")
                    .mapTo(String.class).one());

            Map<String, Object> keep = new LinkedHashMap<>();
            keep.put("key", "TOKEN");
            keep.put("value", null);
            assertThat(put(ada, List.of(keep)).status()).isEqualTo(200);
            String after = db.jdbi().withHandle(h -> h.createQuery("SELECT value_encrypted FROM project_env_vars")
                    .mapTo(String.class).one());
            assertThat(after).isEqualTo(before);

            Map<String, Object> fresh = new LinkedHashMap<>(keep);
            fresh.put("key", "NEW_ONE");
            Reply r = put(ada, List.of(fresh));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorMessage()).contains("`NEW_ONE` is new: give it a value");
        }

        @Test
        void every_invalid_variable_is_reported_at_once_and_nothing_is_stored() {
            Reply r = put(ada, List.of(
                    Map.of("key", "1BAD", "value", "x"),
                    Map.of("key", "PATH", "value", "/evil"),
                    Map.of("key", "MIAOBU_GIT_BRANCH", "value", "x"),
                    Map.of("key", "OK", "value", "x", "target", "staging"),
                    Map.of("key", "GOOD", "value", "fine")));

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_env");
            assertThat(r.errorMessage()).contains("`1BAD` cannot be a variable name", "`PATH` is set by Miaobu", "`MIAOBU_GIT_BRANCH` is set by Miaobu",
                    "`OK`.target must be production, preview or all");
            // The same problems under the entry and field each is about, for a form to show beside its input.
            assertThat(r.errorFields()).containsOnlyKeys("[0].key", "[1].key", "[2].key", "[3].target");
            assertThat(r.errorFields().get("[1].key")).contains("`PATH` is set by Miaobu");
            assertThat(r.errorFields().get("[3].target")).isEqualTo("`OK`.target must be production, preview or all");
            assertThat(call("GET", "/api/v1/projects/" + projectId + "/env", ada, null).json()).isEmpty();
        }

        @Test
        void another_users_project_variables_are_404_both_ways() {
            put(ada, List.of(Map.of("key", "SECRET", "value", "ada-only-value")));
            String eve = signUp("eve@example.com");

            assertThat(call("GET", "/api/v1/projects/" + projectId + "/env", eve, null).status()).isEqualTo(404);
            assertThat(put(eve, List.of(Map.of("key", "SECRET", "value", "eve-was-here"))).status()).isEqualTo(404);
            assertThat(call("GET", "/api/v1/projects/" + projectId + "/env", null, null).status()).isEqualTo(401);
        }
    }
}
