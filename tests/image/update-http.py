#!/usr/bin/env python3
"""update-http.py DIR PORTFILE: the fleet operator's update server for
tests/image/75-update-url.test. Serves the files of DIR over plain HTTP on
127.0.0.1 (a free port, written to PORTFILE); a missing file is a 404;
/stall/ANYTHING answers nothing (the request hangs until the client gives
up), for the timeout refusal; /endless/ANYTHING streams zeros with no
length until the client hangs up, and /huge/N answers a length of N bytes
then streams zeros like /endless/, for the size cap. Logs one line per
request to stdout."""
import http.server, os, sys, threading, time

root, portfile = sys.argv[1], sys.argv[2]


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def do_GET(self):
        if self.path.startswith("/stall/"):
            print("stall", self.path, flush=True)
            time.sleep(600)
            return
        if self.path.startswith(("/endless/", "/huge/")):
            self.send_response(200)
            if self.path.startswith("/huge/"):
                self.send_header("Content-Length", self.path[6:])
            self.end_headers()
            zeros = bytes(1 << 20)
            try:
                while True:
                    self.wfile.write(zeros)
            except OSError:
                return
        super().do_GET()

    def log_message(self, fmt, *args):
        print(fmt % args, flush=True)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
