"""Drives Hearth with the official OpenAI Python SDK, unchanged, and prints what it saw as JSON.

Run by OpenAiPythonSdkTest (which asserts on the report): OPENAI_BASE_URL points at Hearth's /v1,
argv[1] is a directory for the downloaded video. Every call the SDK makes goes over real HTTP.
"""
import json
import sys
import time

import openai

out_dir = sys.argv[1]
client = openai.OpenAI(api_key="unused", max_retries=0, timeout=120)
report = {"sdk_version": openai.__version__}

# chat, whole answer
chat = client.chat.completions.create(
    model="stories", messages=[{"role": "user", "content": "Once upon a time"}], max_tokens=16, seed=1)
report["chat"] = {
    "object": chat.object,
    "content": chat.choices[0].message.content,
    "role": chat.choices[0].message.role,
    "finish_reason": chat.choices[0].finish_reason,
    "completion_tokens": chat.usage.completion_tokens if chat.usage else None,
}

# chat, streamed
pieces, finish, chunks = [], None, 0
with client.chat.completions.create(
        model="stories", messages=[{"role": "user", "content": "Once upon a time"}], max_tokens=16, seed=1,
        stream=True) as stream:
    for chunk in stream:
        chunks += 1
        if chunk.choices:
            delta = chunk.choices[0].delta
            if delta.content:
                pieces.append(delta.content)
            if chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
report["stream"] = {"chunks": chunks, "text": "".join(pieces), "finish_reason": finish}

# embeddings, as floats and as base64 (the SDK's default encoding, decoded by the SDK)
emb = client.embeddings.create(model="all-minilm-l6-v2", input=["a cat", "a dog"])
report["embeddings"] = {"count": len(emb.data), "dims": len(emb.data[0].embedding),
                        "prompt_tokens": emb.usage.prompt_tokens}

# errors: each one a typed SDK exception, with Hearth's envelope
def error_of(call):
    try:
        call()
    except openai.APIStatusError as e:
        body = e.body if isinstance(e.body, dict) else {}
        return {"class": type(e).__name__, "status": e.status_code, "message": body.get("message"),
                "param": body.get("param"), "code": body.get("code")}
    return None

report["errors"] = {
    "unknown_model": error_of(lambda: client.chat.completions.create(
        model="no-such-model", messages=[{"role": "user", "content": "hi"}])),
    "bad_param": error_of(lambda: client.chat.completions.create(
        model="stories", messages=[{"role": "user", "content": "hi"}], temperature=-3)),
    "wrong_task": error_of(lambda: client.embeddings.create(model="stories", input="x")),
}

# videos: create, poll, download, list, delete
video = client.videos.create(model="testsrc", prompt="a paper boat on a pond", seconds="1", size="160x96")
created_status = video.status
deadline = time.monotonic() + 90
while video.status in ("queued", "in_progress") and time.monotonic() < deadline:
    time.sleep(0.1)
    video = client.videos.retrieve(video.id)
path = out_dir + "/sdk.mp4"
client.videos.download_content(video.id).write_to_file(path)
listed = [v.id for v in client.videos.list(limit=10).data]
deleted = client.videos.delete(video.id)
report["videos"] = {
    "created_status": created_status, "final_status": video.status, "progress": video.progress,
    "model": video.model, "seconds": video.seconds, "size": video.size, "downloaded": path,
    "listed": video.id in listed, "deleted": deleted.deleted,
    "after_delete": error_of(lambda: client.videos.retrieve(video.id)),
}

print(json.dumps(report))
