package io.miaobu.edge.rules;

/** A header rule with where it came from, for limits and warnings. */
record ParsedHeaders(HeaderRule rule, String file, int line) {}
