package io.miaobu.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.deploy.CommitAuthor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response records of io.miaobu.api and the OpenAPI document kept in step without a server: each record
 * has exactly its schema's properties, of the schema's types, null exactly where the schema allows it; every
 * JSON answer the document describes has a record. A field added on one side only fails here.
 */
class ResponseRecordsTest {
    private static final List<Class<?>> RECORDS = new ArrayList<>();

    @BeforeAll
    static void loadResponseRecords() throws IOException, ClassNotFoundException {
        // This module's compiled records only: test records of the same package stay out (run from shared/core).
        Path classes = Path.of("target", "classes", "io", "miaobu", "api");
        assertThat(classes).as("core's compiled response records").isDirectory();
        List<String> names;
        try (Stream<Path> files = Files.list(classes)) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class")).sorted().toList();
        }
        for (String name : names) {
            Class<?> type = Class.forName(ResponseRecordsTest.class.getPackageName() + "." + name.replace(".class", ""));
            if (type.isRecord()) {
                RECORDS.add(type);
            }
        }
        assertThat(RECORDS).contains(DeploymentView.class, DeploymentView.Author.class);
    }

    @Test
    void every_response_record_has_exactly_the_fields_its_schema_documents() {
        RecordSchemas schemas = new RecordSchemas();
        List<String> problems = new ArrayList<>();
        for (Class<?> record : RECORDS) {
            ApiSchema schema = record.getAnnotation(ApiSchema.class);
            if (schema != null) {
                problems.addAll(schemas.problems(record, RecordSchemas.schemaOf(schema)));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(schemas.checked()).as("response records that no @ApiSchema record leads to, so nothing checks them")
                .containsAll(RECORDS);
    }

    @Test
    void every_json_answer_the_document_describes_has_a_response_record() {
        Set<String> described = new LinkedHashSet<>();
        RecordSchemas.DOCUMENT.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op ->
                op.getValue().path("responses").fields().forEachRemaining(response -> {
                    JsonNode answer = response.getValue().has("$ref")
                            ? RecordSchemas.DOCUMENT.at(response.getValue().get("$ref").asText().substring(1)) : response.getValue();
                    JsonNode schema = answer.path("content").path("application/json").path("schema");
                    String name = schemaName(schema.has("items") ? schema.get("items") : schema);
                    if (name != null) {
                        described.add(name);
                    } else if (schema.has("properties")) {
                        described.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                })));
        Set<String> implemented = new LinkedHashSet<>();
        for (Class<?> record : RECORDS) {
            ApiSchema schema = record.getAnnotation(ApiSchema.class);
            if (schema != null) {
                implemented.add(schema.value().isEmpty() ? schema.response() : schema.value());
            }
        }
        assertThat(described).as("answers of the API document without a response record").isSubsetOf(implemented);
        assertThat(implemented).as("response records of schemas no operation answers with").isSubsetOf(described);
        // Errors are documented once, under components/responses, and referenced by every operation.
        assertThat(described).contains("Error");
    }

    /** A component schema's name when {@code schema} refers to one with properties; null for free-form objects. */
    private static String schemaName(JsonNode schema) {
        if (!schema.has("$ref")) {
            return null;
        }
        String ref = schema.get("$ref").asText();
        JsonNode target = RecordSchemas.DOCUMENT.at(ref.substring(1));
        boolean shaped = target.has("properties") || target.has("allOf");
        return shaped ? ref.substring(ref.lastIndexOf('/') + 1) : null;
    }

    // The check itself, shown to fail: records a careless change could leave behind, against the real schemas.

    record UserWithAnExtraField(String id, String email, @Nullable String githubLogin, Instant createdAt, String role) {}

    record UserWithoutCreatedAt(String id, String email, @Nullable String githubLogin) {}

    record UserWithANullableEmail(String id, @Nullable String email, @Nullable String githubLogin, Instant createdAt) {}

    record UserWithANeverNullLogin(String id, String email, String githubLogin, Instant createdAt) {}

    record UserLeavingOutItsLogin(String id, String email,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String githubLogin, Instant createdAt) {}

    record UserWithANumericId(long id, String email, @Nullable String githubLogin, Instant createdAt) {}

    record SessionOfABadUser(String token, UserWithAnExtraField user) {}

    enum FewerStatuses { QUEUED, READY }

    record QueuedWithFewerStatuses(String id, FewerStatuses status, String branch, String url) {}

    record AuthorFromTheDomain(@Nullable String name, @Nullable String login, @Nullable String avatarUrl) {}

    record DeploymentWithADomainAuthor(CommitAuthor author) {}

    private static List<String> problems(Class<?> record, String schema) {
        return new RecordSchemas().problems(record, RecordSchemas.DOCUMENT.path("components").path("schemas").path(schema));
    }

    @Test
    void a_record_field_the_document_does_not_have_fails() {
        assertThat(problems(UserWithAnExtraField.class, "User")).singleElement().asString()
                .contains("[role] not in the API document's schema");
    }

    @Test
    void a_documented_field_the_record_does_not_send_fails() {
        assertThat(problems(UserWithoutCreatedAt.class, "User")).singleElement().asString()
                .contains("the API document has [createdAt], which the record does not send");
    }

    @Test
    void a_null_the_document_does_not_allow_fails() {
        assertThat(problems(UserWithANullableEmail.class, "User")).singleElement().asString()
                .contains("email is @Nullable, but the API document does not allow null");
    }

    @Test
    void a_field_the_document_allows_as_null_must_be_marked_nullable() {
        assertThat(problems(UserWithANeverNullLogin.class, "User")).singleElement().asString()
                .contains("githubLogin: the API document allows null, but the component is not @Nullable");
    }

    @Test
    void a_required_field_that_is_left_out_when_null_fails() {
        assertThat(problems(UserLeavingOutItsLogin.class, "User"))
                .anyMatch(p -> p.contains("githubLogin is required by the API document, but @JsonInclude leaves it out"));
    }

    @Test
    void a_field_of_another_json_type_fails() {
        assertThat(problems(UserWithANumericId.class, "User")).singleElement().asString()
                .contains("id is integer (long), but the API document says [string]");
    }

    @Test
    void a_nested_record_is_checked_against_its_property_schema() {
        assertThat(problems(SessionOfABadUser.class, "Session")).singleElement().asString()
                .startsWith("SessionOfABadUser.user: [role] not in");
    }

    @Test
    void an_enum_with_other_constants_than_the_document_lists_fails() {
        JsonNode queued = RecordSchemas.DOCUMENT.at("/components/schemas/HookTriggered/properties/deployment");
        assertThat(new RecordSchemas().problems(QueuedWithFewerStatuses.class, queued)).singleElement().asString()
                .contains("FewerStatuses has [QUEUED, READY], the API document lists [BUILDING, CANCELED, FAILED, QUEUED, READY, UPLOADING]");
    }

    @Test
    void a_domain_record_inside_a_response_record_fails_even_when_its_fields_match() {
        assertThat(problems(AuthorFromTheDomain.class, "CommitAuthor")).isEmpty();
        assertThat(problems(DeploymentWithADomainAuthor.class, "Deployment"))
                .anyMatch(p -> p.contains("io.miaobu.deploy.CommitAuthor is not a response record of io.miaobu.api"));
    }
}
