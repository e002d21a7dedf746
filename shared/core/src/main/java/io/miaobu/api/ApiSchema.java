package io.miaobu.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The OpenAPI schema a response record implements: a schema under {@code components/schemas} by name, or,
 * for the few answers the document describes in place, the operation ({@code "GET /api/v1/health"}) whose
 * success response it is. Records nested in a response record follow the schema of the property they fill.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ApiSchema {
    /** The schema's name under {@code components/schemas}. */
    String value() default "";

    /** "METHOD /path" of an operation whose success response is described in place. */
    String response() default "";
}
