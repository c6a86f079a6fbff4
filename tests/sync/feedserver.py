#!/usr/bin/env python3
"""feedserver.py - a small HTTPS server on 127.0.0.1 for the ploguard sync
tests.  It serves the files of --root and misbehaves on request, by path:

  /NAME                 the file, with ETag and Last-Modified; answers 304 to
                        a matching If-None-Match or If-Modified-Since
  /redirect/NAME        302 to /NAME (a legitimate redirect)
  /http-redirect/NAME   302 to http://127.0.0.1:PORT/NAME (plain HTTP)
  /loop/NAME            302 to itself, forever
  /status/CODE/NAME     answers CODE (404, 500...)
  /cut/NAME             announces the full length, sends half, closes
  /nolen/NAME           no Content-Length, body then close (--junk bytes of
                        junk when the file is "junk")
  /slow/NAME            the file in 4 KiB pieces every 20 ms
                        (cut, nolen and slow serve NAME.minisig normally)
  /noetag/NAME          the file, always 200, without ETag or Last-Modified
                        (a server that lost its validators)

--stall makes it a TCP listener that accepts connections and never answers.
Every request is logged as one line "METHOD PATH STATUS" to --log.
Loopback only; it exits after --lifetime seconds at the latest.

Accepted sockets get TCP_NODELAY before the TLS handshake (done in the
connection's own thread): without it Nagle's algorithm holds the small
records that follow the handshake (session tickets, the response headers)
until the client's delayed ACK, some 40 ms per exchange, which is what the
304 benchmark used to measure.  A file's ETag and Last-Modified are
computed once per (size, mtime, inode), not at every request.
"""
import argparse
import email.utils
import hashlib
import http.server
import os
import socket
import ssl
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--log", required=True)
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--lifetime", type=int, default=300)
    ap.add_argument("--stall", action="store_true")
    ap.add_argument("--junk", type=int, default=0)
    args = ap.parse_args()

    # Bounded: whatever happens to the test, the server goes away.
    killer = threading.Timer(args.lifetime, lambda: os._exit(0))
    killer.daemon = True
    killer.start()

    if args.stall:
        stall(args)
        return

    log_lock = threading.Lock()
    validators = Validators(args.root)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def note(self, status):
            with log_lock, open(args.log, "a") as fp:
                fp.write("%s %s %d\n" % (self.command, self.path, status))

        def file_ok(self, name):
            path = os.path.join(args.root, name)
            return "/" not in name and not name.startswith(".") and os.path.isfile(path)

        def file(self, name):
            if not self.file_ok(name):
                return None
            with open(os.path.join(args.root, name), "rb") as fp:
                return fp.read()

        def simple(self, status, body=b"", headers=()):
            self.note(status)
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            parts = self.path.split("?", 1)[0].lstrip("/").split("/")
            mode, name = ("plain", parts[0]) if len(parts) == 1 else (parts[0], parts[-1])
            if mode == "redirect":
                return self.simple(302, headers=[("Location", "/" + name)])
            if mode == "http-redirect":
                return self.simple(302, headers=[
                    ("Location", "http://127.0.0.1:%d/%s" % (args.port, name))])
            if mode == "loop":
                return self.simple(302, headers=[("Location", self.path)])
            if name.endswith(".minisig") and mode in ("cut", "nolen", "slow"):
                # These misbehave on the registry: its signature, fetched
                # first, comes normally so that the registry is fetched.
                mode = "plain"
            if mode == "status":
                return self.simple(int(parts[1]), b"error page\n")
            if name == "junk" and mode == "nolen":
                return self.junk()
            if mode not in ("cut", "nolen", "noetag"):
                return self.validated(mode, name)
            data = self.file(name)
            if data is None:
                return self.simple(404, b"not found\n")
            if mode == "cut":
                self.note(200)
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if mode == "noetag":
                return self.simple(200, data)
            if mode == "nolen":   # the only mode left
                self.note(200)
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True
                return

        def validated(self, mode, name):
            """The file with its validators; 304 when the client has it.
            The body is read only when it is sent."""
            tags = validators.get(name) if self.file_ok(name) else None
            if tags is None:
                return self.simple(404, b"not found\n")
            etag, lastmod = tags
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm is not None and inm == etag) or (inm is None and ims == lastmod):
                self.note(304)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            data = self.file(name)
            if data is None:
                return self.simple(404, b"not found\n")
            self.note(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", lastmod)
            self.end_headers()
            if mode == "slow":
                for i in range(0, len(data), 4096):
                    self.wfile.write(data[i:i + 4096])
                    self.wfile.flush()
                    time.sleep(0.02)
            else:
                self.wfile.write(data)

        def junk(self):
            self.note(200)
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            piece = b"x" * 65536
            sent = 0
            try:
                while sent < args.junk:
                    self.wfile.write(piece)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass
            self.close_connection = True

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self):
            conn, addr = self.socket.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn, addr

        def finish_request(self, request, client_address):
            # The handshake here, in the connection's thread, not in accept().
            tls = ctx.wrap_socket(request, server_side=True)
            try:
                self.RequestHandlerClass(tls, client_address, self)
            finally:
                try:
                    tls.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                tls.close()

        def handle_error(self, request, client_address):
            pass    # a client that hangs up on us is part of the tests

    srv = Server(("127.0.0.1", args.port), Handler)
    write_pid(args.pidfile)
    srv.serve_forever()


def stall(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", args.port))
    s.listen(16)
    write_pid(args.pidfile)
    held = []
    while True:
        conn, _ = s.accept()
        with open(args.log, "a") as fp:
            fp.write("ACCEPT - 0\n")
        held.append(conn)     # never read, never answer, never close


class Validators:
    """ETag and Last-Modified of the files of root, kept while the file's
    size, mtime and inode stay the same (the tests replace files by
    rename or rewrite them, which changes one of these)."""

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.cache = {}

    def get(self, name):
        """(etag, last_modified) of root/name, or None when it is gone."""
        path = os.path.join(self.root, name)
        try:
            st = os.stat(path)
        except OSError:
            return None
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        with self.lock:
            hit = self.cache.get(name)
            if hit is not None and hit[0] == key:
                return hit[1], hit[2]
        try:
            with open(path, "rb") as fp:
                etag = '"%s"' % hashlib.sha256(fp.read()).hexdigest()[:32]
        except OSError:
            return None
        lastmod = email.utils.formatdate(st.st_mtime, usegmt=True)
        with self.lock:
            self.cache[name] = (key, etag, lastmod)
        return etag, lastmod


def write_pid(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as fp:
        fp.write("%d\n" % os.getpid())
    os.rename(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
