package io.miaobu.local.host;

import io.miaobu.config.MiaobuConfig;

/** What http://localhost:{port}/ shows when the jar was built without the dashboard (Maven alone, no npm step). */
final class LandingPage {
    private LandingPage() {}

    static String html(MiaobuConfig config) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Miaobu</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#111}
                code,pre{background:#f4f4f5;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}</style>
                </head><body>
                <h1>Miaobu is running</h1>
                <p>This build has no dashboard: build it with <code>./miaobu build</code> (it needs npm).
                The API answers at <code>/api/v1</code>; sites are served at
                <code>http://{project}.%s:%d</code>.</p>
                <pre>curl -s localhost:%d/api/v1/auth/register -d '{"email":"you@example.com","password":"at-least-8"}'</pre>
                <p>Then create a project from any Git URL or local repository path and deploy it
                (see docs/development.md).</p>
                </body></html>
                """.formatted(config.baseDomain(), config.port(), config.port());
    }
}
