"""The official OpenAI Python SDK, unchanged, against Hearth's audio routes (OpenAiPythonSdkAudioTest).

Usage: python openai_python_audio.py <dir> <audio file>; OPENAI_BASE_URL points at Hearth's /v1.
Prints one JSON report of what the SDK returned; the Java test judges it.
"""
import json
import os
import sys

import openai
from openai import OpenAI

out_dir, audio = sys.argv[1], sys.argv[2]
client = OpenAI(api_key="unused")
report = {}

with open(audio, "rb") as f:
    report["text"] = client.audio.transcriptions.create(model="pocketsphinx-en-us", file=f).text

with open(audio, "rb") as f:
    v = client.audio.transcriptions.create(model="pocketsphinx-en-us", file=f, response_format="verbose_json",
                                           timestamp_granularities=["word", "segment"])
report["verbose"] = {"text": v.text, "duration": v.duration, "segments": len(v.segments or []),
                     "words": [w.word for w in (v.words or [])]}

with open(audio, "rb") as f:
    report["srt"] = client.audio.transcriptions.create(model="pocketsphinx-en-us", file=f, response_format="srt")

speech = client.audio.speech.create(model="espeak-ng", voice="alloy", input="Hello from the OpenAI SDK.",
                                    response_format="wav")
path = os.path.join(out_dir, "sdk-speech.wav")
speech.write_to_file(path)
report["speech_file"] = path

try:
    client.audio.speech.create(model="espeak-ng", voice="not a voice!", input="x")
    report["bad_voice"] = "accepted"
except openai.BadRequestError as e:
    report["bad_voice"] = {"status": e.status_code, "message": str(e)}

print(json.dumps(report))
