"""A fake of vLLM's OpenAI server for Hearth's tests (no GPU, no vLLM here): the routes Hearth uses,
sleep mode included. Like vLLM, /sleep, /wake_up and /is_sleeping exist only with
VLLM_SERVER_DEV_MODE=1, and /sleep reads its level from the query string. Every call is logged
to stdout, so a test can read what Hearth asked for in the model's log.

    python3 fake_vllm.py --port 8000 --name my-model
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

state = {"sleeping": False}


def say(line):
    print("fake vllm: " + line, flush=True)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def dev_mode(self):
        if os.environ.get("VLLM_SERVER_DEV_MODE") != "1":
            self.answer(404, {"detail": "Not Found"})
            return False
        return True

    def do_GET(self):
        path = urlparse(self.path).path
        if path == "/health":
            self.answer(200, {})
        elif path == "/v1/models":
            self.answer(200, {"object": "list", "data": [{"id": ARGS.name, "object": "model"}]})
        elif path == "/is_sleeping" and self.dev_mode():
            self.answer(200, {"is_sleeping": state["sleeping"]})
        elif path != "/is_sleeping":
            self.answer(404, {"detail": "Not Found"})

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if url.path == "/sleep" and self.dev_mode():
            level = parse_qs(url.query).get("level", ["1"])[0]
            state["sleeping"] = True
            say("sleep level=" + level)
            self.answer(200, {})
        elif url.path == "/wake_up" and self.dev_mode():
            state["sleeping"] = False
            say("wake_up")
            self.answer(200, {})
        elif url.path == "/v1/chat/completions":
            if state["sleeping"]:
                self.answer(503, {"error": {"message": "the engine is sleeping"}})
                return
            say("chat")
            self.answer(200, {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": ARGS.name,
                              "choices": [{"index": 0, "message": {"role": "assistant", "content": "fake vllm answer"},
                                           "finish_reason": "stop"}],
                              "usage": {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4}})
        elif url.path not in ("/sleep", "/wake_up"):
            self.answer(404, {"detail": "Not Found"})


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--enable-sleep-mode", action="store_true")
    ARGS = ap.parse_args()
    say("serving %s on %d, sleep mode %s, dev mode %s" % (ARGS.name, ARGS.port,
        "on" if ARGS.enable_sleep_mode else "off", os.environ.get("VLLM_SERVER_DEV_MODE", "off")))
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()
