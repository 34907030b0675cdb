"""A fake of vLLM's OpenAI server for Hearth's tests (no GPU, no vLLM here): the routes Hearth uses,
sleep mode and the Responses API included (/v1/responses answers a canned Response, whole or as
events ending in response.completed, and logs the body it was sent). Like vLLM, /sleep, /wake_up and /is_sleeping exist only with
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
        body = self.rfile.read(length)
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
        elif url.path == "/v1/responses":
            request = json.loads(body)
            say("responses " + json.dumps(request, sort_keys=True))
            self.response_api(request)
        elif url.path not in ("/sleep", "/wake_up"):
            self.answer(404, {"detail": "Not Found"})


    def response_api(self, request):
        text = "fake vllm response"
        message = {"type": "message", "id": "msg_fake", "status": "completed", "role": "assistant",
                   "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]}
        response = {"id": "resp_fakevllm", "object": "response", "created_at": 1, "status": "completed",
                    "model": request.get("model"), "output": [message], "error": None, "incomplete_details": None,
                    "instructions": None, "metadata": {}, "parallel_tool_calls": True, "temperature": None,
                    "top_p": None, "tool_choice": "auto", "tools": [],
                    "usage": {"input_tokens": 2, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 3,
                              "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 5}}
        if not request.get("stream"):
            self.answer(200, response)
            return
        created = dict(response, status="in_progress", output=[], usage=None)
        events = [{"type": "response.created", "response": created},
                  {"type": "response.output_item.added", "output_index": 0,
                   "item": dict(message, status="in_progress", content=[])},
                  {"type": "response.output_text.delta", "item_id": "msg_fake", "output_index": 0,
                   "content_index": 0, "delta": text, "logprobs": []},
                  {"type": "response.output_item.done", "output_index": 0, "item": message},
                  {"type": "response.completed", "response": response}]
        if request.get("max_output_tokens"):  # as OpenAI does when the limit cuts the answer short
            events[-1] = {"type": "response.incomplete",
                          "response": dict(response, status="incomplete",
                                           incomplete_details={"reason": "max_output_tokens"})}
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for n, e in enumerate(events):
            e["sequence_number"] = n
            self.wfile.write(("event: %s\ndata: %s\n\n" % (e["type"], json.dumps(e))).encode())
            self.wfile.flush()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--enable-sleep-mode", action="store_true")
    ap.add_argument("--enable-auto-tool-choice", action="store_true")
    ap.add_argument("--tool-call-parser")
    ARGS = ap.parse_args()
    say("serving %s on %d, sleep mode %s, dev mode %s, tool call parser %s" % (ARGS.name, ARGS.port,
        "on" if ARGS.enable_sleep_mode else "off", os.environ.get("VLLM_SERVER_DEV_MODE", "off"),
        ARGS.tool_call_parser if ARGS.enable_auto_tool_choice else "off"))
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()
