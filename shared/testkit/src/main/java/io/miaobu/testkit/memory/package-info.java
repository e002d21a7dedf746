/**
 * In-memory adapters of the state ports, for testing the core services at the core's speed. Each
 * one keeps the promises its port makes (conditional transitions, uniqueness as
 * {@link io.miaobu.store.DuplicateKeyException}, ordering, PostgreSQL's microsecond precision), and
 * the contract tests run it side by side with the PostgreSQL adapter to keep it so. What they do not
 * model: foreign keys and cascades between stores (deleting a project leaves its deployments here).
 */
package io.miaobu.testkit.memory;
