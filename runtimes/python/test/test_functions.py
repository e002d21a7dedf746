"""Python functions (api/*.py) served by the real runtime over HTTP."""

import http.client
import json
import socket
import unittest

from runtime import Runtime, write_bundle

WSGI_ECHO = """
    import json

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        seen = {
            "method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"], "query": environ["QUERY_STRING"],
            "host": environ["HTTP_HOST"], "server_name": environ["SERVER_NAME"], "server_port": environ["SERVER_PORT"],
            "scheme": environ["wsgi.url_scheme"], "body": body.decode(),
            "headers": sorted(k for k in environ if k.startswith("HTTP_")),
            "token_in_env": "MIAOBU_EDGE_TOKEN" in __import__("os").environ,
        }
        data = json.dumps(seen).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
"""

ASGI_STREAM = """
    async def app(scope, receive, send):
        assert scope["type"] == "http"
        message = await receive()
        await send({"type": "http.response.start", "status": 201,
                    "headers": [(b"content-type", b"text/plain"), (b"x-scheme", scope["scheme"].encode()),
                                (b"x-host", dict(scope["headers"])[b"host"]), (b"x-query", scope["query_string"])]})
        for part in (b"one ", b"two ", message["body"]):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
"""

HANDLER_CLASS = """
    from http.server import BaseHTTPRequestHandler
    from urllib.parse import urlparse, parse_qs

    class handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(("hello " + query.get("name", ["nobody"])[0] + " from " + self.headers["Host"]).encode())

        def do_POST(self):
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            self.send_response(202)
            self.end_headers()
            self.wfile.write(body[::-1])
"""

CRASH = """
    def app(environ, start_response):
        raise RuntimeError("database password is hunter2")
"""

SHOUT = """
    import os
    SECRET_SEEN = os.environ.get("MIAOBU_EDGE_TOKEN")

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [repr(SECRET_SEEN).encode(), b" ", os.environ.get("GREETING", "").encode()]
"""


class PythonFunctions(unittest.TestCase):
    def start(self, files, functions, env=None):
        runtime = Runtime(write_bundle(files, functions), env)
        self.addCleanup(runtime.close)
        return runtime

    def test_wsgi_app_sees_the_sites_host_https_and_its_body_but_no_platform_header(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        status, headers, body = rt.request("POST", "/api/echo?x=1", function="api/echo", body=b"ping",
                                           headers={"Content-Type": "text/plain"})
        self.assertEqual(200, status)
        seen = json.loads(body)
        self.assertEqual("POST", seen["method"])
        self.assertEqual("/api/echo", seen["path"])
        self.assertEqual("x=1", seen["query"])
        self.assertEqual("site.example.com", seen["host"])
        self.assertEqual("site.example.com", seen["server_name"])
        self.assertEqual("443", seen["server_port"])
        self.assertEqual("https", seen["scheme"])
        self.assertEqual("ping", seen["body"])
        self.assertFalse([h for h in seen["headers"] if "MIAOBU" in h or "FORWARDED_HOST" in h], seen["headers"])
        rt.wait_for("miaobu-request POST /api/echo 200 ")

    def test_asgi_app_streams_its_body_chunks(self):
        rt = self.start({"api/stream.py": ASGI_STREAM}, [("api/stream", "/api/stream", "api/stream.py")])
        status, headers, body = rt.request("PUT", "/api/stream?q=2", function="api/stream", body=b"three")
        self.assertEqual(201, status)
        self.assertEqual(b"one two three", body)
        self.assertEqual("chunked", headers.get("transfer-encoding"))
        self.assertEqual("https", headers["x-scheme"])
        self.assertEqual("site.example.com", headers["x-host"])
        self.assertEqual("q=2", headers["x-query"])

    def test_vercel_handler_class_answers_get_and_post(self):
        rt = self.start({"api/hello.py": HANDLER_CLASS}, [("api/hello", "/api/hello", "api/hello.py")])
        status, _, body = rt.request("GET", "/api/hello?name=ada", function="api/hello")
        self.assertEqual((200, b"hello ada from site.example.com"), (status, body))
        status, _, body = rt.request("POST", "/api/hello", function="api/hello", body=b"abc")
        self.assertEqual((202, b"cba"), (status, body))
        rt.wait_for("miaobu-request POST /api/hello 202 ")

    def test_dynamic_segments_reach_the_function_as_query_parameters(self):
        rt = self.start({"api/users/[id].py": HANDLER_CLASS, "api/[...slug].py": WSGI_ECHO},
                        [("api/users/[id]", "/api/users/[id]", "api/users/[id].py"),
                         ("api/[...slug]", "/api/[...slug]", "api/[...slug].py")])
        status, _, body = rt.request("GET", "/api/users/42", function="api/users/[id]", params={"name": "42"})
        self.assertEqual((200, b"hello 42 from site.example.com"), (status, body))
        status, _, body = rt.request("GET", "/api/a/b?keep=1", function="api/[...slug]", params={"slug": ["a", "b"]})
        self.assertEqual("keep=1&slug=a&slug=b", json.loads(body)["query"])

    def test_a_query_parameter_of_the_same_name_wins_over_the_segment(self):
        rt = self.start({"api/users/[id].py": HANDLER_CLASS}, [("api/users/[id]", "/api/users/[id]", "api/users/[id].py")])
        _, _, body = rt.request("GET", "/api/users/42?name=query", function="api/users/[id]", params={"name": "42"})
        self.assertEqual(b"hello query from site.example.com", body)

    def test_a_crash_answers_502_naming_the_function_and_keeps_the_error_out_of_the_page(self):
        rt = self.start({"api/boom.py": CRASH}, [("api/boom", "/api/boom", "api/boom.py")])
        status, headers, body = rt.request("GET", "/api/boom", function="api/boom")
        self.assertEqual(502, status)
        self.assertIn(b"This function crashed", body)
        self.assertIn(b"api/boom", body)
        self.assertNotIn(b"hunter2", body)
        self.assertNotIn(b"Traceback", body)
        rt.wait_for("RuntimeError: database password is hunter2", stream="stderr")
        rt.wait_for("Traceback", stream="stderr")
        rt.wait_for("miaobu-request GET /api/boom 502 ")

    def test_a_module_that_fails_to_import_answers_502_and_others_still_answer(self):
        rt = self.start({"api/broken.py": "import not_a_module_anywhere\n", "api/echo.py": WSGI_ECHO},
                        [("api/broken", "/api/broken", "api/broken.py"), ("api/echo", "/api/echo", "api/echo.py")])
        status, _, body = rt.request("GET", "/api/broken", function="api/broken")
        self.assertEqual(502, status)
        self.assertNotIn(b"not_a_module_anywhere", body)
        rt.wait_for("ModuleNotFoundError", stream="stderr")
        self.assertEqual(200, rt.request("GET", "/api/echo", function="api/echo")[0])

    def test_a_module_without_a_handler_answers_502_and_says_what_to_define(self):
        rt = self.start({"api/empty.py": "x = 1\n"}, [("api/empty", "/api/empty", "api/empty.py")])
        self.assertEqual(502, rt.request("GET", "/api/empty", function="api/empty")[0])
        rt.wait_for("defines no `app`", stream="stderr")

    def test_with_an_edge_token_requests_without_it_get_403_and_user_code_never_sees_it(self):
        rt = self.start({"api/shout.py": SHOUT}, [("api/shout", "/api/shout", "api/shout.py")],
                        env={"MIAOBU_EDGE_TOKEN": "s3cret-token", "GREETING": "hi"})
        self.assertEqual(403, rt.request("GET", "/api/shout", function="api/shout")[0])
        self.assertEqual(403, rt.request("GET", "/api/shout", function="api/shout",
                                         headers={"x-miaobu-edge-token": "s3cret-tokem"})[0])
        self.assertEqual(403, rt.request("GET", "/api/shout", function="api/shout",
                                         headers={"x-miaobu-edge-token": "s3cret-token-and-more"})[0])
        status, _, body = rt.request("GET", "/api/shout", function="api/shout",
                                     headers={"x-miaobu-edge-token": "s3cret-token"})
        self.assertEqual((200, b"None hi"), (status, body))

    def test_the_token_cannot_be_read_from_the_processs_environment_block_either(self):
        source = """
            def app(environ, start_response):
                start_response("200 OK", [])
                with open("/proc/self/environ", "rb") as f:
                    block = f.read()
                with open("/proc/self/cmdline", "rb") as f:
                    block += f.read()
                return [b"leaked" if b"s3cret-token" in block else b"hidden"]
        """
        rt = self.start({"api/peek.py": source}, [("api/peek", "/api/peek", "api/peek.py")],
                        env={"MIAOBU_EDGE_TOKEN": "s3cret-token"})
        status, _, body = rt.request("GET", "/api/peek", function="api/peek", headers={"x-miaobu-edge-token": "s3cret-token"})
        self.assertEqual((200, b"hidden"), (status, body))

    def test_the_token_is_not_passed_on_to_the_function(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")],
                        env={"MIAOBU_EDGE_TOKEN": "tok"})
        _, _, body = rt.request("GET", "/api/echo", function="api/echo", headers={"x-miaobu-edge-token": "tok"})
        seen = json.loads(body)
        self.assertFalse(seen["token_in_env"])
        self.assertNotIn("HTTP_X_MIAOBU_EDGE_TOKEN", seen["headers"])

    def test_bodies_over_4_5_mb_get_413_without_reaching_the_function(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        status, _, _ = rt.request("POST", "/api/echo", function="api/echo", body=b"x" * (4_718_592 + 1))
        self.assertEqual(413, status)
        status, _, body = rt.request("POST", "/api/echo", function="api/echo", body=b"x" * 4_718_592)
        self.assertEqual(200, status)
        self.assertEqual(4_718_592, len(json.loads(body)["body"]))

    def test_a_client_that_expects_100_continue_is_told_413_before_sending_a_large_body(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        with socket.create_connection(("127.0.0.1", rt.port), timeout=10) as s:
            s.sendall(b"POST /api/echo HTTP/1.1\r\nHost: x\r\nx-miaobu-function: api/echo\r\n"
                      b"Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
            answer = s.recv(65536)
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:80])

    def test_a_chunked_request_body_reaches_the_function_whole(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        conn = http.client.HTTPConnection("127.0.0.1", rt.port, timeout=10)
        conn.request("POST", "/api/echo", body=iter([b"abc", b"def"]), encode_chunked=True,
                     headers={"x-miaobu-function": "api/echo", "Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        self.assertEqual(200, response.status)
        self.assertEqual("abcdef", json.loads(response.read())["body"])
        conn.close()

    def test_a_malformed_body_length_is_400_and_never_reaches_the_function(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        for framing in (b"Content-Length: -5\r\n\r\n", b"Content-Length: ten\r\n\r\n",
                        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"):
            with self.subTest(framing=framing), socket.create_connection(("127.0.0.1", rt.port), timeout=10) as s:
                s.sendall(b"POST /api/echo HTTP/1.1\r\nHost: x\r\nx-miaobu-function: api/echo\r\n" + framing)
                self.assertTrue(s.recv(65536).startswith(b"HTTP/1.1 400 "))
        self.assertFalse(any("miaobu-request POST /api/echo 200" in line for line in rt.stdout))

    def test_an_unknown_function_name_is_404(self):
        rt = self.start({"api/echo.py": WSGI_ECHO}, [("api/echo", "/api/echo", "api/echo.py")])
        self.assertEqual(404, rt.request("GET", "/api/other", function="api/other")[0])
        self.assertEqual(404, rt.request("GET", "/", function=None)[0])  # no app in this bundle

    def test_the_module_loads_once_and_keeps_its_state_between_requests(self):
        counter = """
            count = 0
            def app(environ, start_response):
                global count
                count += 1
                start_response("200 OK", [])
                return [str(count).encode()]
        """
        rt = self.start({"api/count.py": counter}, [("api/count", "/api/count", "api/count.py")])
        bodies = [rt.request("GET", "/api/count", function="api/count")[2] for _ in range(3)]
        self.assertEqual([b"1", b"2", b"3"], bodies)

    def test_functions_import_the_projects_own_modules_and_read_its_files(self):
        files = {"lib/greeting.py": "def greet():\n    return open('message.txt').read().strip()\n",
                 "lib/__init__.py": "", "message.txt": "from a file\n",
                 "api/greet.py": """
                    from lib.greeting import greet
                    def app(environ, start_response):
                        start_response("200 OK", [])
                        return [greet().encode()]
                 """}
        rt = self.start(files, [("api/greet", "/api/greet", "api/greet.py")])
        self.assertEqual(b"from a file", rt.request("GET", "/api/greet", function="api/greet")[2])

    def test_head_requests_get_headers_only(self):
        rt = self.start({"api/stream.py": ASGI_STREAM}, [("api/stream", "/api/stream", "api/stream.py")])
        status, _, body = rt.request("HEAD", "/api/stream", function="api/stream")
        self.assertEqual((201, b""), (status, body))


if __name__ == "__main__":
    unittest.main()
