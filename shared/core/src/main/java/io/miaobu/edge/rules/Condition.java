package io.miaobu.edge.rules;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One of a Vercel rule's {@code has} / {@code missing} conditions, as the edge evaluates it
 * (edge/src/rules.js): {@code type} is header, cookie, query or host; {@code key} names the header
 * (lower case), cookie or query parameter (none for host); {@code value}, when given, is a regular
 * expression the whole value must match (checked by {@link SafeRegex}). Without a value the condition
 * holds when the request carries a non-empty value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(String type, String key, String value) {}
