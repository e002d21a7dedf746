"""Miaobu's Python runtime: one HTTP server per deployment that answers its Python functions and its web app.

    python3 runtimes/python/server.py <bundleDir>

The same program runs in local mode (the local host starts it) and on Function Compute. It reads the bundle's
functions.json, loads each function (``api/*.py``: a WSGI or ASGI ``app``/``application``, or Vercel's
``class handler(BaseHTTPRequestHandler)``) and the web app (``module:object``) on their first request, and answers
what the edge proxies to it (docs/functions.md; the protocol between the edge and the runtimes is fixed in
DESIGN.md). Standard library only: a deployment's own dependencies are the only third-party code it imports.
"""

import asyncio
import hmac
import html
import http.server
import importlib
import importlib.util
import inspect
import io
import json
import os
import queue
import re
import socketserver
import sys
import threading
import time
import traceback
import urllib.parse

MAX_BODY = 4_718_592  # 4.5 MB, the request body limit of Vercel and of FC's HTTP triggers
DRAIN_LIMIT = 64 * 1024 * 1024  # what is read of a refused body at most, so its sender sees the 413
EDGE_TOKEN_HEADER = "x-miaobu-edge-token"
# What the edge adds for the runtime alone: never shown to the user's code.
PLATFORM_HEADERS = {"x-miaobu-function", "x-miaobu-params", EDGE_TOKEN_HEADER, "x-forwarded-host", "x-forwarded-proto"}
# Hop-by-hop headers (RFC 9110 §7.6.1): this server frames the response itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}
APP_NAME = "app"


class Crash(Exception):
    """The user's code failed before it produced a response."""


class Manifest:
    def __init__(self, bundle_dir):
        with open(os.path.join(bundle_dir, "functions.json"), encoding="utf-8") as f:
            data = json.load(f)
        self.functions = {f["name"]: f for f in data.get("functions") or [] if f.get("runtime") == "python"}
        app = data.get("app")
        self.app = app if app and app.get("runtime") == "python" else None


class Loader:
    """Imports each function and the app once, on its first request, and keeps what it imported."""

    def __init__(self, bundle_dir, manifest, asgi_loop):
        self.bundle_dir = bundle_dir
        self.manifest = manifest
        self.asgi_loop = asgi_loop
        self.loaded = {}
        self.lock = threading.Lock()

    def get(self, name):
        target = self.loaded.get(name)
        if target is not None:
            return target
        with self.lock:
            target = self.loaded.get(name)
            if target is None:
                target = self._load_app() if name is None else self._load_function(self.manifest.functions[name])
                self.loaded[name] = target
            return target

    def _load_function(self, function):
        path = os.path.join(self.bundle_dir, function["entry"])
        module_name = "miaobu_function_" + re.sub(r"\W", "_", function["name"])
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        handler = getattr(module, "handler", None)
        if inspect.isclass(handler) and issubclass(handler, http.server.BaseHTTPRequestHandler):
            return HandlerClass(handler)
        for attr in ("app", "application", "handler"):
            candidate = getattr(module, attr, None)
            if candidate is not None and callable(candidate):
                return self._wrap(candidate, None)
        raise Crash(f"{function['source']} defines no `app` (WSGI or ASGI), `application` "
                    f"or `class handler(BaseHTTPRequestHandler)`")

    def _load_app(self):
        app = self.manifest.app
        module_name, _, attrs = app["entry"].partition(":")
        target = importlib.import_module(module_name)
        for attr in (attrs or "app").split("."):
            # `create_app()`: an app factory, called once (as gunicorn's `module:create_app()`)
            target = getattr(target, attr[:-2])() if attr.endswith("()") else getattr(target, attr)
        return self._wrap(target, app.get("protocol"))

    def _wrap(self, app, protocol):
        if protocol == "asgi" or (protocol != "wsgi" and is_asgi(app)):
            return AsgiApp(app, self.asgi_loop)
        return WsgiApp(app)


def is_asgi(app):
    """ASGI 3 callables are coroutine functions (or objects whose __call__ is); WSGI ones are plain callables."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)
    return inspect.iscoroutinefunction(call)


class Request:
    """One request as the user's code sees it: the site's host, the platform's headers gone."""

    def __init__(self, method, target, version, headers, body, client, params):
        self.method = method
        self.version = version
        self.body = body
        self.client = client
        forwarded_host = (headers.get("x-forwarded-host") or "").split(",")[0].strip()
        proto = (headers.get("x-forwarded-proto") or "http").split(",")[0].strip().lower()
        self.scheme = proto if proto in ("http", "https") else "http"
        self.headers = [(k, v) for k, v in headers.items() if k.lower() not in PLATFORM_HEADERS]
        if forwarded_host:
            self.headers = [(k, v) for k, v in self.headers if k.lower() != "host"] + [("Host", forwarded_host)]
        self.host = forwarded_host or headers.get("host") or "localhost"
        raw_path, _, query = target.partition("?")
        self.raw_path = raw_path or "/"
        self.query = with_params(query, params)

    @property
    def target(self):
        return self.raw_path + ("?" + self.query if self.query else "")

    def server_name_port(self):
        name, _, port = self.host.rpartition(":")
        if name and port.isdigit() and not self.host.endswith("]"):
            return name, int(port)
        return self.host, 443 if self.scheme == "https" else 80


def with_params(query, params):
    """The route's dynamic segments as query parameters, as Vercel gives them to Python functions (a query
    parameter of the same name wins); a catch-all's segments repeat its name."""
    if not params:
        return query
    present = {k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)}
    extra = []
    for key, value in params.items():
        if key in present:
            continue
        for v in value if isinstance(value, list) else [value]:
            extra.append((key, str(v)))
    added = urllib.parse.urlencode(extra)
    return "&".join(p for p in (query, added) if p)


class Response:
    """Writes a response to the client as the user's code produces it: chunked when its length is unknown."""

    def __init__(self, handler, head):
        self.handler = handler
        self.head = head
        self.status = None
        self.started = False
        self.chunked = False

    def start(self, status, headers):
        self.status = status
        self.headers = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]

    def _send_head(self):
        h = self.handler
        h.send_response_only(self.status)
        names = {k.lower() for k, _ in self.headers}
        for k, v in self.headers:
            h.send_header(k, v)
        if "content-length" not in names and not self.head and self.status not in (204, 304):
            if h.request_version == "HTTP/1.1":
                self.chunked = True
                h.send_header("Transfer-Encoding", "chunked")
            else:
                h.close_connection = True
        if "date" not in names:
            h.send_header("Date", h.date_time_string())
        h.end_headers()
        self.started = True

    def write(self, data):
        if not self.started:
            self._send_head()
        if not data or self.head:
            return
        if self.chunked:
            self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            self.handler.wfile.write(data)
        self.handler.wfile.flush()

    def finish(self):
        if not self.started:
            self._send_head()
        if self.chunked:
            self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()


class WsgiApp:
    """PEP 3333."""

    def __init__(self, app):
        self.app = app

    def serve(self, request, response):
        environ = self.environ(request)
        pending = []

        def start_response(status, headers, exc_info=None):
            if exc_info and response.started:
                raise exc_info[1].with_traceback(exc_info[2])
            pending[:] = [int(status.split(" ", 1)[0]), headers]
            response.start(*pending)
            return response.write

        try:
            result = self.app(environ, start_response)
            try:
                for chunk in result:
                    if chunk:
                        if not pending:
                            raise Crash("the WSGI app produced a body before calling start_response")
                        response.write(chunk)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except BaseException as e:
            if response.started:
                raise BrokenResponse() from e
            raise
        if not pending:
            raise Crash("the WSGI app returned without calling start_response")
        response.finish()

    @staticmethod
    def environ(request):
        path = urllib.parse.unquote_to_bytes(request.raw_path).decode("latin-1")
        name, port = request.server_name_port()
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": request.query,
            "SERVER_NAME": name,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": request.version,
            "REMOTE_ADDR": request.client[0],
            "REMOTE_PORT": str(request.client[1]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": request.scheme,
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for k, v in request.headers:
            key = k.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = v
                continue
            key = "HTTP_" + key
            environ[key] = environ[key] + "," + v if key in environ else v
        environ["CONTENT_LENGTH"] = str(len(request.body)) if request.body else environ.get("CONTENT_LENGTH", "")
        environ.setdefault("CONTENT_TYPE", "")
        return environ


class AsgiApp:
    """ASGI 3 (asgi.readthedocs.io "HTTP & WebSocket" and "Lifespan"): the app runs on one event loop thread;
    each request's thread writes what the app sends as it is sent."""

    def __init__(self, app, loop):
        self.app = app
        self.loop = loop
        self.lifespan_state = {}
        self.lifespan_shutdown = None
        asyncio.run_coroutine_threadsafe(self.startup(), loop.loop).result()

    async def startup(self):
        """Runs the app's lifespan startup once; an app that does not speak lifespan raises, and is served anyway."""
        started = asyncio.get_running_loop().create_future()
        shutdown = asyncio.Event()
        self.lifespan_shutdown = shutdown
        sent_startup = False

        async def receive():
            nonlocal sent_startup
            if not sent_startup:
                sent_startup = True
                return {"type": "lifespan.startup"}
            await shutdown.wait()
            return {"type": "lifespan.shutdown"}

        async def send(message):
            kind = message.get("type")
            if kind == "lifespan.startup.complete" and not started.done():
                started.set_result(None)
            elif kind == "lifespan.startup.failed" and not started.done():
                started.set_exception(Crash("the app's lifespan startup failed: " + message.get("message", "")))

        async def run():
            scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.lifespan_state}
            try:
                await self.app(scope, receive, send)
            except BaseException:
                if not started.done():
                    started.set_result(None)  # no lifespan support: the spec says serve without it
                else:
                    traceback.print_exc()
            if not started.done():
                started.set_result(None)

        self.lifespan_task = asyncio.get_running_loop().create_task(run())
        await started

    def shutdown(self, timeout=5):
        if self.lifespan_shutdown is not None:
            self.loop.loop.call_soon_threadsafe(self.lifespan_shutdown.set)
            try:
                asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(self.lifespan_task), timeout),
                                                 self.loop.loop).result(timeout + 1)
            except BaseException:
                pass

    def scope(self, request):
        name, port = request.server_name_port()
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.version.partition("/")[2] or "1.1",
            "method": request.method,
            "scheme": request.scheme,
            "path": urllib.parse.unquote_to_bytes(request.raw_path).decode("utf-8", "replace"),
            "raw_path": request.raw_path.encode("latin-1", "replace"),
            "query_string": request.query.encode("latin-1", "replace"),
            "root_path": "",
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1", "replace")) for k, v in request.headers],
            "client": [request.client[0], request.client[1]],
            "server": [name, port],
            "state": dict(self.lifespan_state),
        }

    def serve(self, request, response):
        messages = queue.Queue()
        # Created and set on the loop's thread only (asyncio.Event is not thread-safe).
        finished = {"done": False, "event": None}
        body_sent = False

        async def receive():
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            if not finished["done"]:
                finished["event"] = finished["event"] or asyncio.Event()
                await finished["event"].wait()
            return {"type": "http.disconnect"}

        async def send(message):
            messages.put(("message", message))

        async def run():
            try:
                await self.app(self.scope(request), receive, send)
                messages.put(("end", None))
            except BaseException as e:
                messages.put(("error", e))

        def mark_finished():
            finished["done"] = True
            if finished["event"] is not None:
                finished["event"].set()

        asyncio.run_coroutine_threadsafe(run(), self.loop.loop)
        try:
            self._write(messages, response, lambda: self.loop.loop.call_soon_threadsafe(mark_finished))
        finally:
            self.loop.loop.call_soon_threadsafe(mark_finished)

    @staticmethod
    def _write(messages, response, on_finished):
        """Writes what the app sends until the app returns: what it does after its response (background tasks,
        an error a framework re-raises after answering 500) still belongs to the request."""
        status = None
        finished = False
        while True:
            kind, item = messages.get()
            if kind == "error":
                if response.started:
                    raise BrokenResponse() from item
                raise item
            if kind == "end":
                if status is None:
                    raise Crash("the ASGI app returned without sending a response")
                if not finished:
                    response.finish()
                return
            kind = item.get("type")
            if kind == "http.response.start" and status is None:
                status = item["status"]
                headers = [(bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in item.get("headers", [])]
                response.start(status, headers)
            elif kind == "http.response.body" and status is not None and not finished:
                response.write(bytes(item.get("body", b"")))
                if not item.get("more_body", False):
                    response.finish()
                    finished = True
                    on_finished()


class BrokenResponse(Exception):
    """The user's code failed after its response had begun: the connection is closed mid-response."""


class HandlerClass:
    """Vercel's ``class handler(BaseHTTPRequestHandler)``: the class reads the request and writes the raw HTTP
    response itself, so it gets the request (as the user's code should see it) through a socket-like object
    whose output goes straight to the client."""

    def __init__(self, cls):
        self.cls = cls

    def serve(self, request, response):
        lines = [f"{request.method} {request.target} {request.version}"]
        for k, v in request.headers:
            if k.lower() not in ("content-length", "transfer-encoding"):
                lines.append(f"{k}: {v}")
        lines.append(f"Content-Length: {len(request.body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + request.body
        connection = _Connection(raw, response.handler.wfile)
        try:
            self.cls(connection, tuple(request.client), _Server(request))
        except BaseException as e:
            if connection.written:
                raise BrokenResponse() from e
            raise
        if not connection.written:
            raise Crash("the handler class wrote no response")
        response.status = connection.status()
        response.started = True
        # The class's own framing (often HTTP/1.0 with no length) ends at the connection's close.
        response.handler.close_connection = True


class _Connection:
    def __init__(self, raw, out):
        self.raw = raw
        self.out = out
        self.first = b""
        self.written = False

    def makefile(self, mode="rb", *args, **kwargs):
        return io.BytesIO(self.raw)

    def sendall(self, data):
        if not self.written or len(self.first) < 64:
            self.first += bytes(data[:64])
        self.written = True
        self.out.write(data)
        self.out.flush()

    def status(self):
        match = re.match(rb"HTTP/\d(?:\.\d)? (\d{3})", self.first)
        return int(match.group(1)) if match else 200

    def settimeout(self, *args):
        pass

    def setsockopt(self, *args):
        pass

    def close(self):
        pass


class _Server:
    def __init__(self, request):
        self.server_name, self.server_port = request.server_name_port()
        self.server_address = (self.server_name, self.server_port)


class EventLoop:
    """The one event loop every ASGI app of the deployment runs on, in its own thread."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="asgi", daemon=True).start()


def crash_page(name):
    label = html.escape(name)
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>502 This function crashed</title></head>"
            f"<body><h1>This function crashed</h1><p><code>{label}</code> failed while answering this request. "
            f"The deployment's function log has the error.</p></body></html>").encode("utf-8")


def simple_page(title, text):
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>").encode("utf-8")


def make_handler(state):
    class RuntimeHandler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes: with Nagle's algorithm a keep-alive connection's next
        # response waits for the client's delayed ACK (40 ms a request on Linux).
        disable_nagle_algorithm = True
        server_version = "miaobu-runtime"
        sys_version = ""

        def log_message(self, format, *args):
            pass  # one miaobu-request line per request instead

        def handle_one_request(self):
            try:
                self.raw_requestline = self.rfile.readline(65537)
                if len(self.raw_requestline) > 65536:
                    self.send_error(414)
                    return
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if not self.parse_request():
                    return
                self.answer()
                self.wfile.flush()
            except (ConnectionError, TimeoutError):
                self.close_connection = True

        def answer(self):
            started = time.monotonic()
            name = self.headers.get("x-miaobu-function")
            label = name or APP_NAME
            status = self._answer(name, label)
            ms = int((time.monotonic() - started) * 1000)
            path = self.path.split("?", 1)[0]
            print(f"miaobu-request {self.command} {path} {status} {ms}ms {label}", flush=True)

        def _answer(self, name, label):
            if state.token is not None:
                given = self.headers.get(EDGE_TOKEN_HEADER, "")
                if not hmac.compare_digest(given.encode("utf-8", "replace"), state.token.encode("utf-8")):
                    return self.page(403, simple_page("403 Forbidden", "This runtime answers its edge only."))
            if name is None and state.manifest.app is None or name is not None and name not in state.manifest.functions:
                return self.page(404, simple_page("404 Not Found", "No such function in this deployment."))
            try:
                body = self.read_body()
            except ValueError:
                self.close_connection = True
                return self.page(400, simple_page("400 Bad Request", "The request's body is not framed as HTTP/1.1 says."))
            if body is None:
                return self.page(413, simple_page("413 Payload Too Large",
                                                  "Request bodies to functions are limited to 4.5 MB."))
            try:
                params = json.loads(self.headers.get("x-miaobu-params") or "{}")
                if not isinstance(params, dict):
                    params = {}
            except ValueError:
                params = {}
            headers = {}
            for k, v in self.headers.items():
                headers[k] = headers[k] + ", " + v if k in headers and k.lower() != "host" else v
            headers = _CaseInsensitive(headers)
            request = Request(self.command, self.path, self.request_version, headers, body, self.client_address,
                              params if name is not None else {})
            response = Response(self, self.command == "HEAD")
            try:
                target = state.loader.get(name)
                target.serve(request, response)
                return response.status
            except BrokenResponse as e:
                print(f"miaobu: {label} failed after its response had begun:", file=sys.stderr)
                traceback.print_exception(type(e.__cause__), e.__cause__, e.__cause__.__traceback__)
                sys.stderr.flush()
                self.close_connection = True
                return response.status
            except (ConnectionError, TimeoutError):
                raise
            except BaseException:
                print(f"miaobu: {label} crashed:", file=sys.stderr)
                traceback.print_exc()
                sys.stderr.flush()
                return self.page(502, crash_page(label))

        def read_body(self):
            """The whole body (functions get at most 4.5 MB), or None when it is larger."""
            if getattr(self, "body_refused", False):
                return None
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                chunks, total = [], 0
                while True:
                    size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline(65537).strip():
                            pass
                        return b"".join(chunks)
                    total += size
                    if total > MAX_BODY:
                        self.discard(size)
                        return None
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline(3)
            length = int(self.headers.get("content-length") or 0)
            if length < 0:
                raise ValueError("negative Content-Length")
            if length > MAX_BODY:
                self.discard(length)
                return None
            return self.rfile.read(length) if length > 0 else b""

        def discard(self, length):
            """Reads (a bounded part of) a refused body before answering, so that the client, still sending,
            gets the 413 rather than a reset connection; then the connection closes."""
            self.close_connection = True
            left = min(length, DRAIN_LIMIT)
            self.connection.settimeout(5)
            try:
                while left > 0:
                    data = self.rfile.read(min(left, 65536))
                    if not data:
                        break
                    left -= len(data)
            except OSError:
                pass

        def handle_expect_100(self):
            """A client that asks first is told 413 before it sends a body that is too large."""
            try:
                too_large = int(self.headers.get("content-length") or 0) > MAX_BODY
            except ValueError:
                too_large = False
            if too_large:
                self.close_connection = True
                self.body_refused = True  # no 100 Continue: the body never comes
                return True
            return super().handle_expect_100()

        def page(self, status, body):
            self.send_response_only(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Date", self.date_time_string())
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return status

    return RuntimeHandler


class _CaseInsensitive(dict):
    def get(self, key, default=None):
        for k, v in self.items():
            if k.lower() == key.lower():
                return v
        return default


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128


class State:
    pass


TOKEN_FD_OPTION = "--edge-token-fd"


def hide_token(argv):
    """Runs this program again without MIAOBU_EDGE_TOKEN in its environment, handing the token over through a
    pipe: removing it from os.environ alone would leave it in /proc/self/environ, where the user's code could
    read it. Returns only when there is no token to hide."""
    token = os.environ.get("MIAOBU_EDGE_TOKEN")
    if token is None:
        return
    read_end, write_end = os.pipe()
    os.write(write_end, token.encode("utf-8"))  # far below a pipe's buffer
    os.close(write_end)
    os.set_inheritable(read_end, True)
    env = {k: v for k, v in os.environ.items() if k != "MIAOBU_EDGE_TOKEN"}
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), argv[1], TOKEN_FD_OPTION, str(read_end)], env)


def read_token(argv):
    if len(argv) == 4 and argv[2] == TOKEN_FD_OPTION:
        fd = int(argv[3])
        with os.fdopen(fd, "rb") as pipe:
            return pipe.read().decode("utf-8") or None
    return None


def main(argv):
    if len(argv) not in (2, 4):
        print("usage: server.py <bundleDir>", file=sys.stderr)
        return 2
    bundle_dir = os.path.abspath(argv[1])
    state = State()
    # The token is the edge's, never the deployment's: out of the environment before any user code loads.
    state.token = read_token(argv)
    if state.token is None and os.environ.get("MIAOBU_EDGE_TOKEN"):
        hide_token(argv)
    on_fc = "FC_CUSTOM_LISTEN_PORT" in os.environ or "FC_FUNCTION_NAME" in os.environ
    port = int(os.environ.get("FC_CUSTOM_LISTEN_PORT") or os.environ.get("PORT") or 9000)
    host = os.environ.get("HOST") or ("0.0.0.0" if on_fc else "127.0.0.1")
    state.manifest = Manifest(bundle_dir)
    app_dir = os.path.join(bundle_dir, "python", "app")
    for path in (os.path.join(bundle_dir, "python", "packages"), app_dir)[::-1]:
        sys.path.insert(0, path)  # packages first, then the project's own modules
    if os.path.isdir(app_dir):
        os.chdir(app_dir)  # files the code opens by relative path are the project's, as on Vercel
    state.loader = Loader(bundle_dir, state.manifest, EventLoop())
    server = Server((host, port), make_handler(state))
    print(f"miaobu-runtime listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for target in list(state.loader.loaded.values()):
            if isinstance(target, AsgiApp):
                target.shutdown()
    return 0


def stop(signum, frame):
    raise KeyboardInterrupt()  # out of serve_forever, through the app's lifespan shutdown


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, stop)
    sys.exit(main(sys.argv))
