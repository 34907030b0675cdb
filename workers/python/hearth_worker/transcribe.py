"""The transcription job kind (task "transcribe"/"translate"): params, limits and the job body. Stdlib only.

A transcriber (whisper.WhisperTranscriber, or a test double) offers:

    spec                       a TranscribeSpec (tasks, languages); read again after load()
    load()                     load the model once, before "ready"
    start(job, should_stop) -> Started
                               decode the audio and begin; Started.segments yields transcript.Segment
                               lazily, one decoding window after another, so the worker reports
                               progress and honours a cancel between segments (should_stop() turns
                               true on a cancel)
    cleanup()                  optional; called after every job
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from . import transcript
from .protocol import ParamError, _Failure, atomic_write, number, shapes

log = logging.getLogger("hearth_worker")

MAX_BEAM_SIZE = 10
DEFAULT_BEAM_SIZE = 5
MAX_AUDIO_SECONDS = 4 * 3600     # a sanity guard: four hours of audio is ~0.9 GB of decoded samples
MAX_PROMPT_CHARS = 4000          # Whisper keeps only the last 223 tokens of a prompt anyway


@dataclass(frozen=True)
class TranscribeSpec:
    name: str
    tasks: tuple                 # ("transcribe",), or ("transcribe", "translate") for a multilingual model
    languages: tuple = ()        # the only languages the model knows (("en",) for *.en models); () = Whisper's all
    diarize: bool = False        # whether "diarize": true can run (it never can yet, see diarize_unavailable)


@dataclass
class Started:
    language: str                # the language code used (detected when the job named none)
    duration: float              # seconds of audio
    segments: Iterator[transcript.Segment]


def limits(spec: TranscribeSpec) -> dict:
    """What validate() accepts, as advertised in "ready" (and printed by --describe)."""
    out = {"tasks": list(spec.tasks), "min_beam_size": 1, "max_beam_size": MAX_BEAM_SIZE,
           "min_temperature": 0.0, "max_temperature": 1.0, "max_prompt_chars": MAX_PROMPT_CHARS,
           "max_audio_seconds": MAX_AUDIO_SECONDS, "diarize": spec.diarize}
    if spec.languages:
        out["languages"] = list(spec.languages)
    return out


def ready_message(spec: TranscribeSpec) -> dict:
    from .protocol import PROTOCOL_VERSION
    return {"type": "ready", "protocol": PROTOCOL_VERSION, "tasks": list(spec.tasks), "limits": limits(spec)}


def diarize_unavailable() -> str:
    """Why "diarize": true cannot run here."""
    found = [m for m in ("whisperx", "pyannote.audio") if _importable(m)]
    if not found:
        return ("speaker diarization needs whisperx or pyannote.audio, and neither is installed in the "
                "worker's Python")
    return f"this worker does not run speaker diarization yet ({' and '.join(found)} installed but not wired in)"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):          # a parent package that is missing or broken
        return False


def _flag(params: dict, field: str, default: bool) -> bool:
    value = params.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ParamError(field, f"must be true or false, got {value!r}")
    return value


def validate(spec: TranscribeSpec, task: Optional[str], params: Any, inputs: Any) -> dict:
    """Checks a run's params/inputs; returns the normalised job dict. Raises ParamError naming the field."""
    if task is None:
        task = "transcribe"
    if task not in spec.tasks:
        why = " (an English-only model cannot translate)" if task == "translate" else ""
        raise ParamError("task", f"this worker ({spec.name}) serves {', '.join(spec.tasks)}, not {task!r}{why}")
    params, inputs = shapes(params, inputs)

    audio = inputs.get("audio")
    if not isinstance(audio, str) or not audio:
        raise ParamError("inputs.audio", "is required (a path to an audio or video file)")
    if not os.path.isfile(audio):
        raise ParamError("inputs.audio", f"no such file: {audio}")

    language = params.get("language")
    if language is not None:
        if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language.strip().lower()):
            raise ParamError("language", f"must be a language code such as \"en\", got {language!r}")
        language = language.strip().lower()
        if spec.languages and language not in spec.languages:
            raise ParamError("language", f"this model ({spec.name}) knows only {', '.join(spec.languages)}, "
                                         f"not {language!r}")
    prompt = params.get("prompt")
    if prompt is not None:
        if not isinstance(prompt, str):
            raise ParamError("prompt", "must be a string")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise ParamError("prompt", f"is {len(prompt)} characters, over the limit of {MAX_PROMPT_CHARS}")
        prompt = prompt or None
    temperature = number(params, "temperature", None, integer=False, lo=0, hi=1)
    beam_size = number(params, "beam_size", DEFAULT_BEAM_SIZE, integer=True, lo=1, hi=MAX_BEAM_SIZE)
    word_timestamps = _flag(params, "word_timestamps", True)
    vad_filter = _flag(params, "vad_filter", False)
    if _flag(params, "diarize", False) and not spec.diarize:
        raise ParamError("diarize", diarize_unavailable())

    return {"task": task, "audio": audio, "language": language, "prompt": prompt,
            "temperature": None if temperature is None else float(temperature), "beam_size": beam_size,
            "word_timestamps": word_timestamps, "vad_filter": vad_filter, "params": params}


class TranscribeJobs:
    """The job body of a transcription worker: validate, transcribe segment by segment, write four files."""

    def __init__(self, transcriber):
        self.transcriber = transcriber

    def ready(self) -> dict:
        return ready_message(self.transcriber.spec)

    def execute(self, worker, job) -> dict:
        msg = job.msg
        cancelled = {"type": "cancelled", "job": job.id}
        out_dir = msg.get("output_dir")
        if not isinstance(out_dir, str) or not out_dir:
            raise ParamError("output_dir", "is required (a directory path)")
        p = validate(self.transcriber.spec, msg.get("task"), msg.get("params"), msg.get("inputs"))
        p["output_dir"] = out_dir
        log.info("job %s: %s %s, language %s, beam %d, temperature %s, words %s, vad %s", job.id, p["task"],
                 p["audio"], p["language"] or "auto", p["beam_size"],
                 "fallback" if p["temperature"] is None else p["temperature"], p["word_timestamps"], p["vad_filter"])
        if job.cancel.is_set():
            return cancelled
        os.makedirs(out_dir, exist_ok=True)
        try:
            result = self._transcribe(worker, job, p)
        except ParamError:
            raise
        except Exception as e:
            raise _Failure("pipeline") from e
        if result is None or job.cancel.is_set():
            return cancelled
        written = _write_files(result, out_dir, job.cancel.is_set)
        if written is None:
            return cancelled
        job.last_progress = None      # no heartbeat repeats after the output lines
        for path, content_type in written:
            worker.emit.send({"type": "output", "job": job.id, "path": path, "content_type": content_type})
        return {"type": "done", "job": job.id}

    def _transcribe(self, worker, job, p: dict) -> Optional[transcript.Transcript]:
        """The segments, with a progress line after each; None once cancelled."""
        def progress(step: int, steps: int) -> None:
            worker._progress(job, {"type": "progress", "job": job.id, "progress": round(step / steps, 4),
                                   "stage": "transcribe", "step": step, "steps": steps})

        # Decoding the file (and detecting its language) comes before the first segment: a line for the
        # heartbeat to repeat meanwhile.
        worker._progress(job, {"type": "progress", "job": job.id, "progress": 0.0, "stage": "decode"})
        started = self.transcriber.start(p, job.cancel.is_set)   # decodes the file first (ParamError if it can't)
        if started.duration > MAX_AUDIO_SECONDS:
            raise ParamError("inputs.audio", f"{started.duration:.0f} s of audio is over the limit of "
                                             f"{MAX_AUDIO_SECONDS} s")
        log.info("job %s: %.2f s of audio, language %s", job.id, started.duration, started.language)
        steps = max(1, math.ceil(started.duration))
        progress(0, steps)
        segments = []
        for seg in started.segments:
            segments.append(_within(seg, started.duration))
            progress(min(steps, int(seg.end)), steps)
            if job.cancel.is_set():
                log.info("job %s cancelled after %.1f of %.1f s", job.id, seg.end, started.duration)
                return None
        progress(steps, steps)
        return transcript.Transcript(task=p["task"], language=started.language, duration=started.duration,
                                     segments=segments, word_timestamps=p["word_timestamps"])


def _write_files(result: transcript.Transcript, out_dir: str, cancelled) -> Optional[list]:
    """The four files, each written under a temporary name and renamed into place: [(path, content type)];
    None, leaving none of them, when cancelled() turns true first. A failure is the "export" error."""
    written = []
    try:
        for name, content_type, render in transcript.FILES:
            body = transcript.RENDERERS[render](result)
            path = os.path.abspath(os.path.join(out_dir, name))
            if not atomic_write(path, lambda tmp, b=body: _write_text(tmp, b), cancelled):
                break
            written.append((path, content_type))
    except Exception as e:
        _remove([path for path, _ in written])
        raise _Failure("export") from e
    if cancelled() or len(written) < len(transcript.FILES):
        _remove([path for path, _ in written])
        return None
    return written


def _within(seg: transcript.Segment, duration: float) -> transcript.Segment:
    """Whisper times the last window's text against the 30 s it pads that window to, so a file's last
    segment (and its words) can end well past the audio (tiny.en: 63.7 s in a 49.5 s file); clamped."""
    def clamp(t: float) -> float:
        return min(max(0.0, t), duration)
    seg.start, seg.end = clamp(seg.start), clamp(seg.end)
    for w in seg.words:
        w.start, w.end = clamp(w.start), clamp(w.end)
    return seg


def _write_text(path: str, body: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(body)


def _remove(paths) -> None:
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass
