"""A chat-completions server with no added latency, for bench/bench.py.

Answers every POST with the same small completion and GET /v1/models with one model.
Writes the port it listens on to the file named by its first argument.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMPLETION = json.dumps({
    "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "bench-model",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the bench server."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 400, "completion_tokens": 7, "total_tokens": 407},
}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._answer(COMPLETION)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(b'{"object":"list","data":[{"id":"bench-model","object":"model"}]}')

    def log_message(self, *args) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
