"""Python web apps (FastAPI, Flask, Django, as Debian packages them) served by the real runtime over HTTP."""

import json
import os
import shutil
import subprocess
import unittest

from runtime import Runtime, write_bundle

FASTAPI_APP = """
    from contextlib import asynccontextmanager
    from fastapi import FastAPI
    from fastapi.responses import StreamingResponse

    state = {"started": 0}

    app = FastAPI()

    @app.on_event("startup")
    async def startup():
        state["started"] += 1

    @app.get("/")
    async def home():
        return {"hello": "fastapi", "started": state["started"]}

    @app.get("/items/{item_id}")
    async def item(item_id: int, q: str = ""):
        return {"item_id": item_id, "q": q}

    @app.post("/echo")
    async def echo(body: dict):
        return {"got": body}

    @app.get("/url")
    async def url(request: __import__("fastapi").Request):
        return {"url": str(request.url), "client": request.client.host}

    @app.get("/stream")
    async def stream():
        async def parts():
            for i in range(3):
                yield f"part{i}\\n"
        return StreamingResponse(parts(), media_type="text/plain")

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret detail")
"""

FLASK_APP = """
    from flask import Flask, request, jsonify, url_for, redirect

    app = Flask(__name__)

    @app.route("/")
    def home():
        return "hello flask"

    @app.route("/who", methods=["GET", "POST"])
    def who():
        return jsonify(method=request.method, url=request.url, host=request.host, form=request.form.to_dict(),
                       secure=request.is_secure)

    @app.route("/go")
    def go():
        return redirect(url_for("home", _external=True))
"""


class FastApiApp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bundle = write_bundle({"main.py": FASTAPI_APP},
                              app={"runtime": "python", "entry": "main:app", "protocol": "asgi", "staticDirs": []})
        cls.rt = Runtime(bundle)

    @classmethod
    def tearDownClass(cls):
        cls.rt.close()

    def test_routes_answer_json_and_lifespan_startup_ran_once(self):
        status, headers, body = self.rt.request("GET", "/")
        self.assertEqual(200, status)
        self.assertEqual({"hello": "fastapi", "started": 1}, json.loads(body))
        self.assertEqual({"hello": "fastapi", "started": 1}, json.loads(self.rt.request("GET", "/")[2]))

    def test_path_and_query_parameters(self):
        self.assertEqual({"item_id": 7, "q": "x y"}, json.loads(self.rt.request("GET", "/items/7?q=x%20y")[2]))
        self.assertEqual(422, self.rt.request("GET", "/items/seven")[0])

    def test_json_body(self):
        status, _, body = self.rt.request("POST", "/echo", body=b'{"a": 1}', headers={"Content-Type": "application/json"})
        self.assertEqual((200, {"got": {"a": 1}}), (status, json.loads(body)))

    def test_the_app_sees_the_sites_https_url(self):
        self.assertEqual("https://site.example.com/url?x=1", json.loads(self.rt.request("GET", "/url?x=1")[2])["url"])

    def test_a_streaming_response_arrives_whole(self):
        status, headers, body = self.rt.request("GET", "/stream")
        self.assertEqual((200, b"part0\npart1\npart2\n"), (status, body))

    def test_an_unhandled_exception_is_a_500_from_the_framework_and_its_traceback_goes_to_stderr(self):
        # Starlette answers 500 itself and re-raises: the response has begun, so the runtime only logs it.
        status, _, body = self.rt.request("GET", "/boom")
        self.assertEqual(500, status)
        self.assertNotIn(b"secret detail", body)
        self.rt.wait_for("RuntimeError: secret detail", stream="stderr")
        self.rt.wait_for("miaobu-request GET /boom 500 ")


class FlaskApp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bundle = write_bundle({"app.py": FLASK_APP},
                              app={"runtime": "python", "entry": "app:app", "protocol": "wsgi", "staticDirs": ["static/"]})
        cls.rt = Runtime(bundle)

    @classmethod
    def tearDownClass(cls):
        cls.rt.close()

    def test_home(self):
        self.assertEqual((200, b"hello flask"), self.rt.request("GET", "/")[::2])

    def test_form_post_and_the_sites_url(self):
        status, _, body = self.rt.request("POST", "/who?a=b", body=b"name=ada&lang=py",
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        seen = json.loads(body)
        self.assertEqual(200, status)
        self.assertEqual({"name": "ada", "lang": "py"}, seen["form"])
        self.assertEqual("https://site.example.com/who?a=b", seen["url"])
        self.assertTrue(seen["secure"])

    def test_redirects_point_at_the_site_not_the_runtime(self):
        status, headers, _ = self.rt.request("GET", "/go")
        self.assertEqual(302, status)
        self.assertEqual("https://site.example.com/", headers["location"])

    def test_unknown_paths_are_the_apps_own_404(self):
        self.assertEqual(404, self.rt.request("GET", "/nope")[0])


class DjangoApp(unittest.TestCase):
    """A project exactly as `django-admin startproject` lays it out, plus one view."""

    @classmethod
    def setUpClass(cls):
        cls.runtimes = {}
        for protocol in ("wsgi", "asgi"):
            bundle = write_bundle({}, app={"runtime": "python", "entry": f"mysite.{protocol}:application",
                                           "protocol": protocol, "staticDirs": ["static/"]})
            app_dir = os.path.join(bundle, "python", "app")
            django_admin = shutil.which("django-admin") or "django-admin"
            subprocess.run([django_admin, "startproject", "mysite", app_dir], check=True)
            with open(os.path.join(app_dir, "mysite", "settings.py"), "a", encoding="utf-8") as f:
                f.write("\nALLOWED_HOSTS = ['site.example.com']\nDEBUG = False\n")
            with open(os.path.join(app_dir, "mysite", "views.py"), "w", encoding="utf-8") as f:
                f.write("from django.http import JsonResponse\n"
                        "def hello(request, name):\n"
                        "    return JsonResponse({'hello': name, 'host': request.get_host(),"
                        " 'uri': request.build_absolute_uri(), 'method': request.method})\n"
                        "def boom(request):\n"
                        "    raise ValueError('django secret')\n")
            with open(os.path.join(app_dir, "mysite", "urls.py"), "a", encoding="utf-8") as f:
                f.write("\nfrom . import views\nurlpatterns += [path('hello/<str:name>', views.hello),"
                        " path('boom', views.boom)]\n")
            cls.runtimes[protocol] = Runtime(bundle)

    @classmethod
    def tearDownClass(cls):
        for rt in cls.runtimes.values():
            rt.close()

    def test_a_view_answers_with_the_sites_host_over_wsgi_and_asgi(self):
        for protocol, rt in self.runtimes.items():
            with self.subTest(protocol):
                status, _, body = rt.request("GET", "/hello/ada?x=1")
                self.assertEqual(200, status, body)
                self.assertEqual({"hello": "ada", "host": "site.example.com",
                                  "uri": "https://site.example.com/hello/ada?x=1", "method": "GET"}, json.loads(body))

    def test_a_host_django_does_not_allow_is_its_400(self):
        for protocol, rt in self.runtimes.items():
            with self.subTest(protocol):
                self.assertEqual(400, rt.request("GET", "/hello/ada", host="evil.example.net")[0])

    def test_a_failing_view_is_djangos_500_without_the_error(self):
        for protocol, rt in self.runtimes.items():
            with self.subTest(protocol):
                status, _, body = rt.request("GET", "/boom")
                self.assertEqual(500, status)
                self.assertNotIn(b"django secret", body)

    def test_the_admin_is_served(self):
        status, headers, _ = self.runtimes["wsgi"].request("GET", "/admin/")
        self.assertEqual(302, status)
        self.assertIn("/admin/login/", headers["location"])


class AppWithoutLifespan(unittest.TestCase):
    def test_a_bare_asgi_app_that_refuses_lifespan_is_served(self):
        source = """
            async def app(scope, receive, send):
                if scope["type"] != "http":
                    raise ValueError("only http")
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": b"bare"})
        """
        rt = Runtime(write_bundle({"server_app.py": source},
                                  app={"runtime": "python", "entry": "server_app:app", "protocol": "asgi"}))
        self.addCleanup(rt.close)
        self.assertEqual((200, b"bare"), rt.request("GET", "/anything")[::2])
        rt.wait_for("miaobu-request GET /anything 200 ")
        rt.wait_for(" app\n")

    def test_a_flask_app_factory_is_called_once(self):
        source = """
            from flask import Flask
            calls = []

            def create_app():
                calls.append(1)
                app = Flask(__name__)
                app.add_url_rule("/", "home", lambda: f"made {len(calls)} time(s)")
                return app
        """
        rt = Runtime(write_bundle({"app/__init__.py": source},
                                  app={"runtime": "python", "entry": "app:create_app()", "protocol": "wsgi"}))
        self.addCleanup(rt.close)
        self.assertEqual(b"made 1 time(s)", rt.request("GET", "/")[2])
        self.assertEqual(b"made 1 time(s)", rt.request("GET", "/")[2])

    def test_stopping_the_runtime_runs_the_apps_lifespan_shutdown(self):
        source = """
            import sys
            async def app(scope, receive, send):
                if scope["type"] == "lifespan":
                    while True:
                        message = await receive()
                        if message["type"] == "lifespan.startup":
                            await send({"type": "lifespan.startup.complete"})
                        else:
                            print("shutting down cleanly", flush=True)
                            await send({"type": "lifespan.shutdown.complete"})
                            return
                await send({"type": "http.response.start", "status": 204, "headers": []})
                await send({"type": "http.response.body", "body": b""})
        """
        rt = Runtime(write_bundle({"main.py": source}, app={"runtime": "python", "entry": "main:app", "protocol": "asgi"}))
        self.addCleanup(rt.close)
        self.assertEqual(204, rt.request("GET", "/")[0])
        rt.process.terminate()
        rt.process.wait(timeout=10)
        rt.wait_for("shutting down cleanly")

    def test_an_app_whose_import_fails_answers_502_on_every_path(self):
        rt = Runtime(write_bundle({"main.py": "raise ImportError('missing dependency')\n"},
                                  app={"runtime": "python", "entry": "main:app", "protocol": "asgi"}))
        self.addCleanup(rt.close)
        status, _, body = rt.request("GET", "/")
        self.assertEqual(502, status)
        self.assertIn(b"This function crashed", body)
        self.assertNotIn(b"missing dependency", body)
        rt.wait_for("ImportError: missing dependency", stream="stderr")


if __name__ == "__main__":
    unittest.main()
