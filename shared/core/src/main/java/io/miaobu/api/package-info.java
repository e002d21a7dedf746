/**
 * What the HTTP API answers: one record per response body, each named after the schema of the OpenAPI
 * document ({@code /io/miaobu/http/openapi.json}, served at {@code /api/v1/openapi.json}) it implements
 * ({@link io.miaobu.api.ApiSchema}), with a static {@code of(...)} factory from the domain objects. The
 * {@code *Routes} classes return these and nothing else, so the JSON the dashboard reads is decided here.
 *
 * <p>Jackson writes a record's components in declaration order and writes nulls; a component marked
 * {@link org.jspecify.annotations.Nullable} may be null, every other one never is. A unit test
 * (ResponseRecordsTest) fails when a record and its schema disagree on a field's name, its type or
 * whether it may be null or absent; the dashboard's TypeScript types are generated from the same document.
 *
 * <p>The one exception is the GitHub webhook's answer, which only GitHub's delivery log shows and the
 * document leaves free-form.
 */
package io.miaobu.api;
