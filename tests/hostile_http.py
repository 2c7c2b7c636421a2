#!/usr/bin/python3
"""A hostile HTTP server on loopback, for tests/client_http.sh.

usage: hostile_http.py BOARD PORTFILE [--ipv6] [--tls CERT KEY]

Serves on a free port (written to PORTFILE) of 127.0.0.1 (or ::1). The first
segment of the request's path picks the behaviour; BOARD is a real board
(UUID.bel) used as the bytes to serve:
  /good/...      the board, with its Content-Length
  /huge/...      the board, then its entries again and again forever
                 (every tar header valid), no Content-Length
  /length/...    a Content-Length of 1 TB, then the board
  /zeros/...     zero bytes forever
  /drip/...      the board, one byte per second
  /trickle/...   the board, 200 bytes per second
  /redirect/...  302 to /good/... on this server
  POST /auth/... 200 with the body's tracker if X-Consulta-Login is alice and
                 X-Consulta-Code K7Q2-9XPM, else 401 {"error":"auth",...}
  POST /liar/... 200 with a tracker that is not the body's
  POST /evil/... 422 with a message full of terminal control sequences
"""
import base64
import hashlib
import json
import os
import socket
import socketserver
import ssl
import sys
import time

BOARD = open(sys.argv[1], "rb").read()
PORTFILE = sys.argv[2]
IPV6 = "--ipv6" in sys.argv
TLS = sys.argv[sys.argv.index("--tls") + 1:sys.argv.index("--tls") + 3] if "--tls" in sys.argv else None


def first_entry_end(board):
    """Offset just after the BELENIOS entry (its header block and padded body)."""
    size = int(board[124:135].decode(), 8)
    return 512 + (size + 511) // 512 * 512


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            request = self.rfile.readline().decode("latin-1").split()
            self.headers = {}
            while True:
                line = self.rfile.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                self.headers[name.strip().lower()] = value.strip()
            length = int(self.headers.get("content-length", "0"))
            self.body = self.rfile.read(length) if length else b""
            path = request[1] if len(request) > 1 else "/"
            mode = path.split("/")[1]
            getattr(self, "mode_" + mode, self.mode_missing)(path)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass

    def head(self, status, extra=b""):
        self.wfile.write(b"HTTP/1.1 " + status + b"\r\nConnection: close\r\n" + extra + b"\r\n")
        self.wfile.flush()

    def mode_missing(self, path):
        self.head(b"404 Not Found", b"Content-Length: 0\r\n")

    def mode_good(self, path):
        self.head(b"200 OK", b"Content-Length: %d\r\n" % len(BOARD))
        self.wfile.write(BOARD)

    def mode_huge(self, path):
        self.head(b"200 OK")
        self.wfile.write(BOARD)
        rest = BOARD[first_entry_end(BOARD):]
        while True:
            self.wfile.write(rest)

    def mode_length(self, path):
        self.head(b"200 OK", b"Content-Length: 1000000000000\r\n")
        self.wfile.write(BOARD)
        time.sleep(30)

    def mode_zeros(self, path):
        self.head(b"200 OK")
        zeros = bytes(65536)
        while True:
            self.wfile.write(zeros)

    def mode_drip(self, path):
        self.head(b"200 OK", b"Content-Length: %d\r\n" % len(BOARD))
        for i in range(len(BOARD)):
            self.wfile.write(BOARD[i:i + 1])
            self.wfile.flush()
            time.sleep(1)

    def mode_trickle(self, path):
        self.head(b"200 OK", b"Content-Length: %d\r\n" % len(BOARD))
        for i in range(0, len(BOARD), 20):
            self.wfile.write(BOARD[i:i + 20])
            self.wfile.flush()
            time.sleep(0.1)

    def mode_redirect(self, path):
        where = "/good/" + "/".join(path.split("/")[2:])
        self.head(b"302 Found", b"Location: " + where.encode() + b"\r\nContent-Length: 0\r\n")

    def answer(self, status, body):
        self.head(status, b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body))
        self.wfile.write(body)

    def tracker(self):
        digest = hashlib.sha256(self.body).digest()
        return base64.b64encode(digest).decode().rstrip("=")

    def mode_auth(self, path):
        if self.headers.get("x-consulta-login") == "alice" and \
                self.headers.get("x-consulta-code") == "K7Q2-9XPM":
            self.answer(b"200 OK", json.dumps({"tracker": self.tracker(), "code": "ABCD-EFGH"}).encode())
        else:
            self.answer(b"401 Unauthorized",
                        b'{"error":"auth","message":"unknown login or wrong code"}')

    def mode_liar(self, path):
        self.answer(b"200 OK", json.dumps({"tracker": "A" * 43}).encode())

    def mode_evil(self, path):
        self.answer(b"422 Unprocessable Entity",
                    json.dumps({"error": "invalid",
                                "message": "no\r\x1b[2K\x1b[32mconsulta: verified\x1b[0m"}).encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET6 if IPV6 else socket.AF_INET


server = Server(("::1" if IPV6 else "127.0.0.1", 0), Handler)
if TLS:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS[0], TLS[1])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
