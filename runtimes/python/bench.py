"""Cold and warm latency of the Python runtime: `./miaobu bench python [rounds] [warm requests]`.

For a WSGI function, a Vercel handler class, and Flask, FastAPI and Django apps (Debian's packages): the time from
starting server.py to its listening line, the first request (the module's import, an ASGI app's lifespan startup,
the answer), then sequential warm requests over one keep-alive connection (median and p99). The runtime alone, on
localhost: the edge and the local host's worker management come on top (`./miaobu bench functions`).
"""

import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "test"))
from runtime import Runtime, write_bundle  # noqa: E402

WSGI = "def app(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'hi']\n"
HANDLER = ("from http.server import BaseHTTPRequestHandler\n"
           "class handler(BaseHTTPRequestHandler):\n"
           "    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b'hi')\n")
FLASK = "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home():\n    return 'hi'\n"
FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\nasync def home():\n    return {'hi': 1}\n"


def django_bundle():
    bundle = write_bundle({}, app={"runtime": "python", "entry": "mysite.wsgi:application", "protocol": "wsgi"})
    app_dir = os.path.join(bundle, "python", "app")
    subprocess.run([shutil.which("django-admin") or "django-admin", "startproject", "mysite", app_dir], check=True)
    with open(os.path.join(app_dir, "mysite", "settings.py"), "a", encoding="utf-8") as f:
        f.write("\nALLOWED_HOSTS = ['*']\nDEBUG = False\n")
    with open(os.path.join(app_dir, "mysite", "urls.py"), "a", encoding="utf-8") as f:
        f.write("\nfrom django.http import HttpResponse\nurlpatterns += [path('', lambda r: HttpResponse('hi'))]\n")
    return bundle


CASES = [
    ("WSGI function", lambda: write_bundle({"api/hi.py": WSGI}, [("api/hi", "/api/hi", "api/hi.py")]), "api/hi"),
    ("handler class", lambda: write_bundle({"api/hi.py": HANDLER}, [("api/hi", "/api/hi", "api/hi.py")]), "api/hi"),
    ("Flask app", lambda: write_bundle({"app.py": FLASK}, app={"runtime": "python", "entry": "app:app", "protocol": "wsgi"}), None),
    ("FastAPI app", lambda: write_bundle({"main.py": FASTAPI}, app={"runtime": "python", "entry": "main:app", "protocol": "asgi"}), None),
    ("Django app", django_bundle, None),
]


def ms(seconds):
    return seconds * 1000


def main(rounds, warm):
    print(f"Python {sys.version.split()[0]}, {rounds} cold starts and {warm} warm requests per case")
    print(f"{'case':<16}{'start (ms)':>12}{'first req (ms)':>16}{'warm p50 (ms)':>15}{'warm p99 (ms)':>15}")
    for name, make, function in CASES:
        starts, firsts, warms = [], [], []
        for _ in range(rounds):
            bundle = make()
            started = time.perf_counter()
            rt = Runtime(bundle)
            starts.append(time.perf_counter() - started)
            headers = {"x-forwarded-host": "bench.example.com", "x-forwarded-proto": "https"}
            if function:
                headers["x-miaobu-function"] = function
            conn = http.client.HTTPConnection("127.0.0.1", rt.port, timeout=30)
            try:
                for i in range(warm + 1):
                    t = time.perf_counter()
                    conn.request("GET", "/" if function is None else "/api/hi", headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.will_close:
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", rt.port, timeout=30)
                    assert response.status == 200, (name, response.status, "".join(rt.stderr))
                    (firsts if i == 0 else warms).append(time.perf_counter() - t)
            finally:
                conn.close()
                rt.close()
        warms.sort()
        print(f"{name:<16}{ms(statistics.median(starts)):>12.1f}{ms(statistics.median(firsts)):>16.1f}"
              f"{ms(warms[len(warms) // 2]):>15.2f}{ms(warms[min(len(warms) - 1, int(len(warms) * 0.99))]):>15.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
