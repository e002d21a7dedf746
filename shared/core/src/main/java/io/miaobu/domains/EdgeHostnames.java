package io.miaobu.domains;

/**
 * Tells the edge to accept traffic for a user's own hostname (ESA custom hostname in production;
 * nothing to do locally, where every host reaches the local edge). Both calls are idempotent.
 */
public interface EdgeHostnames {
    void attach(String hostname);

    void detach(String hostname);

    EdgeHostnames NONE = new EdgeHostnames() {
        @Override
        public void attach(String hostname) {}

        @Override
        public void detach(String hostname) {}
    };
}
