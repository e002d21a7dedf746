package io.miaobu.edge.rules;

/** A redirect rule with where it came from, for limits and warnings. */
record ParsedRedirect(RedirectRule rule, boolean dynamic, String file, int line) {}
