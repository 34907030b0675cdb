"""Drives Hearth's /v1/responses with the official OpenAI Python SDK, unchanged, and prints what it saw
as JSON: client.responses.create whole, streamed, continued by previous_response_id, and its typed
error for an unknown previous response. Run by ResponsesPythonSdkTest, which judges the report;
OPENAI_BASE_URL points at Hearth's /v1.
"""
import json

import openai

client = openai.OpenAI(api_key="unused", max_retries=0, timeout=120)
report = {"sdk_version": openai.__version__}

whole = client.responses.create(model="stories", input="Once upon a time", max_output_tokens=12,
                                temperature=0)
report["whole"] = {
    "id": whole.id,
    "object": whole.object,
    "status": whole.status,
    "output_text": whole.output_text,
    "output_types": [item.type for item in whole.output],
    "input_tokens": whole.usage.input_tokens if whole.usage else None,
    "output_tokens": whole.usage.output_tokens if whole.usage else None,
}

types, deltas, done_text, final = [], [], None, None
stream = client.responses.create(model="stories", input="Once upon a time", max_output_tokens=12,
                                 temperature=0, stream=True)
for event in stream:
    types.append(event.type)
    if event.type == "response.output_text.delta":
        deltas.append(event.delta)
    elif event.type == "response.output_text.done":
        done_text = event.text
    elif event.type in ("response.completed", "response.incomplete"):
        final = event.response
report["stream"] = {
    "types": types,
    "deltas": "".join(deltas),
    "done_text": done_text,
    "final_output_text": final.output_text if final else None,
    "final_status": final.status if final else None,
}

continued = client.responses.create(model="stories", input="And then?", max_output_tokens=4,
                                    previous_response_id=whole.id)
report["continued"] = {"status": continued.status, "input_tokens": continued.usage.input_tokens}

try:
    client.responses.create(model="stories", input="Hi", previous_response_id="resp_unknown")
    report["unknown_previous"] = {"class": None}
except openai.APIStatusError as e:
    report["unknown_previous"] = {"class": type(e).__name__, "status": e.status_code,
                                  "param": (e.body or {}).get("param"), "message": e.message}

print(json.dumps(report))
