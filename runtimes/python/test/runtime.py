"""Starts the real runtime (server.py) on a bundle written by the test and talks to it over HTTP."""

import http.client
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

SERVER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "server.py")


def write_bundle(files, functions=(), app=None):
    """A bundle as the Python bundler lays it out: functions.json, python/app/<files>."""
    bundle = tempfile.mkdtemp(prefix="miaobu-pyrt-")
    os.makedirs(os.path.join(bundle, "python", "app"))
    for path, text in files.items():
        full = os.path.join(bundle, "python", "app", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
    manifest = {"version": 1, "functions": [
        {"name": name, "route": route, "source": source, "runtime": "python", "entry": "python/app/" + source}
        for name, route, source in functions]}
    if app is not None:
        manifest["app"] = app
    with open(os.path.join(bundle, "functions.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    return bundle


class Runtime:
    """One server.py process; its stdout and stderr lines are kept for the test to read."""

    def __init__(self, bundle, env=None):
        self.bundle = bundle
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": "0", "LANG": "C.UTF-8"}
        environment.update(env or {})
        self.process = subprocess.Popen([sys.executable, SERVER, bundle], env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = [], []
        lines = queue.Queue()
        threading.Thread(target=self._drain, args=(self.process.stdout, self.stdout, lines), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.process.stderr, self.stderr, None), daemon=True).start()
        try:
            first = lines.get(timeout=20)
        except queue.Empty:
            self.close()
            raise AssertionError("the runtime did not start: " + "".join(self.stderr))
        if not first.startswith("miaobu-runtime listening on "):
            self.close()
            raise AssertionError("unexpected first line: " + first + "".join(self.stderr))
        self.port = int(first.rsplit(" ", 1)[1])

    @staticmethod
    def _drain(stream, into, lines):
        for line in stream:
            into.append(line)
            if lines is not None:
                lines.put(line)

    def request(self, method, path, function=None, headers=None, body=None, params=None,
                host="site.example.com", proto="https"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        all_headers = {"x-forwarded-host": host, "x-forwarded-proto": proto}
        if function is not None:
            all_headers["x-miaobu-function"] = function
        if params is not None:
            all_headers["x-miaobu-params"] = json.dumps(params)
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def wait_for(self, text, stream="stdout", timeout=5):
        lines = self.stdout if stream == "stdout" else self.stderr
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in lines):
                return
            time.sleep(0.02)
        raise AssertionError(f"{text!r} never appeared on {stream}: {''.join(lines)}")

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        shutil.rmtree(self.bundle, ignore_errors=True)


def has(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False
