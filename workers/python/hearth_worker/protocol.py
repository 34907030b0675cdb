"""Hearth's worker protocol (DESIGN.md, "Worker protocol"): JSON lines on stdin/stdout, stderr is the log.

Standard library only. The job loop drives a small pipeline interface, so tests inject a fake. Two
kinds of pipeline, told apart by the type of their spec (once, in job_kind): a video pipeline (a
PipelineSpec, below) and a transcriber (a transcribe.TranscribeSpec, see transcribe.py). A video
pipeline offers:

    spec                       a PipelineSpec (tasks, defaults, size and frame-count rules)
    load()                     load the model once, before "ready"
    generate(job, on_step, should_stop) -> frames
                               job is the dict from validate(); call on_step(step, steps) after each
                               denoising step; stop early when should_stop() is true
    export(frames, path, fps)  write the MP4 at path (the worker renames it into place)
    cleanup()                  optional; called after every job (free caches)
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import random
import re
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional, TextIO

PROTOCOL_VERSION = 1
OUTPUT_NAME = "video.mp4"
MAX_FRAMES = 1025          # a sanity guard, far above what these models are trained for
MAX_SIDE = 4096
MAX_STEPS = 1000
MAX_SECONDS = 600
MAX_FPS = 120
MAX_SEED = 2**63 - 1

log = logging.getLogger("hearth_worker")


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    tasks: tuple                 # e.g. ("t2v",)
    default_size: tuple          # (width, height)
    size_multiple: int           # width and height must be multiples of this
    frame_step: int              # num_frames must be frame_step * k + 1
    default_fps: int
    default_seconds: float
    default_steps: int
    default_guidance: float


def limits(spec: "PipelineSpec", dtypes=()) -> dict:
    """What validate() accepts, as advertised in "ready" (and printed by --describe).

    Hearth refuses a job that breaks these at submit (when declared under the model's limits:) and
    again before sending it to a worker that advertised them, so bad_params from here is rare.
    """
    out = {"tasks": list(spec.tasks), "size_multiple": spec.size_multiple, "max_side": MAX_SIDE,
           "frame_step": spec.frame_step, "max_frames": MAX_FRAMES, "max_steps": MAX_STEPS,
           "max_seconds": MAX_SECONDS, "max_fps": MAX_FPS, "min_seed": 0, "max_seed": MAX_SEED}
    if dtypes:
        out["dtypes"] = list(dtypes)
    return out


def ready_message(spec: "PipelineSpec", dtypes=()) -> dict:
    return {"type": "ready", "protocol": PROTOCOL_VERSION, "tasks": list(spec.tasks),
            "limits": limits(spec, dtypes)}


class ParamError(ValueError):
    """A bad job parameter; reported as code "bad_params" naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


# ---------------------------------------------------------------------------------------------
# Parameters


def number(params: dict, field: str, default, *, integer: bool, lo, hi):
    """params[field] checked as a number in [lo, hi] (an integer when asked); default when absent."""
    value = params.get(field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(field, f"must be a number, got {json.dumps(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParamError(field, "must be finite")
    if integer:
        if isinstance(value, float):
            if not value.is_integer():
                raise ParamError(field, f"must be an integer, got {value}")
            value = int(value)
    if not (lo <= value <= hi):
        raise ParamError(field, f"must be between {lo} and {hi}, got {value}")
    return value


def frames_for(spec: PipelineSpec, seconds: float, fps: int) -> int:
    """seconds × fps rounded to the nearest count the model accepts (frame_step·k + 1, k ≥ 1)."""
    wanted = max(1, round(seconds * fps))
    k = max(1, round((wanted - 1) / spec.frame_step))
    return spec.frame_step * k + 1


def shapes(params: Any, inputs: Any) -> tuple:
    """A run's params and inputs as dicts (absent ones empty); ParamError when either is not an object."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ParamError("params", "must be an object")
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict):
        raise ParamError("inputs", "must be an object")
    return params, inputs


def validate(spec: PipelineSpec, task: Optional[str], params: Any, inputs: Any) -> dict:
    """Checks a run's params/inputs against the pipeline; returns the normalised job dict.

    Raises ParamError naming the first bad field. Notes for the log go in job["notes"].
    """
    notes = []
    if task is None:
        task = spec.tasks[0]
    if task not in spec.tasks:
        raise ParamError("task", f"this worker ({spec.name}) serves {', '.join(spec.tasks)}, not {task!r}")
    params, inputs = shapes(params, inputs)

    prompt = params.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise ParamError("prompt", "is required (a non-empty string)")
    negative = params.get("negative_prompt")
    if negative is not None and not isinstance(negative, str):
        raise ParamError("negative_prompt", "must be a string")

    size = params.get("size")
    if size is None:
        width, height = spec.default_size
    else:
        m = re.fullmatch(r"\s*(\d+)\s*[xX*]\s*(\d+)\s*", size) if isinstance(size, str) else None
        if not m:
            raise ParamError("size", f"must be \"WIDTHxHEIGHT\", e.g. \"{spec.default_size[0]}x{spec.default_size[1]}\"; got {json.dumps(size)}")
        width, height = int(m.group(1)), int(m.group(2))
    mult = spec.size_multiple
    for side, v in (("width", width), ("height", height)):
        if v < mult or v > MAX_SIDE:
            raise ParamError("size", f"{side} {v} out of range {mult}..{MAX_SIDE}")
        if v % mult:
            raise ParamError("size", f"{spec.name} needs width and height in multiples of {mult}; "
                                     f"{width}x{height} has {side} {v} (try {round(v / mult) * mult or mult})")

    fps = number(params, "fps", spec.default_fps, integer=True, lo=1, hi=MAX_FPS)
    explicit = number(params, "num_frames", None, integer=True, lo=1, hi=MAX_FRAMES)
    if explicit is not None:
        wanted = explicit
        num_frames = frames_for(spec, explicit / fps, fps)
        source = f"num_frames={explicit}"
    else:
        seconds = number(params, "seconds", spec.default_seconds, integer=False, lo=0.01, hi=MAX_SECONDS)
        wanted = max(1, round(seconds * fps))
        num_frames = frames_for(spec, seconds, fps)
        source = f"{seconds}s at {fps} fps = {wanted} frames"
    if num_frames > MAX_FRAMES:
        raise ParamError("seconds", f"{source} is over the limit of {MAX_FRAMES} frames")
    if num_frames != wanted:
        notes.append(f"{source}; {spec.name} needs {spec.frame_step}k+1 frames, using {num_frames} "
                     f"({num_frames / fps:.2f}s)")

    steps = number(params, "steps", spec.default_steps, integer=True, lo=1, hi=MAX_STEPS)
    guidance = float(number(params, "guidance_scale", spec.default_guidance, integer=False, lo=0, hi=100))
    seed = number(params, "seed", None, integer=True, lo=0, hi=MAX_SEED)
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
        notes.append(f"no seed given, using {seed}")

    image = None
    if task == "i2v":
        image = inputs.get("image")
        if not isinstance(image, str) or not image:
            raise ParamError("inputs.image", "is required for i2v (a path to an image file)")
        if not os.path.isfile(image):
            raise ParamError("inputs.image", f"no such file: {image}")
    elif inputs.get("image") is not None:
        notes.append("inputs.image ignored for t2v")

    return {
        "task": task, "prompt": prompt, "negative_prompt": negative,
        "width": width, "height": height, "num_frames": num_frames, "fps": fps,
        "steps": steps, "guidance_scale": guidance, "seed": seed, "image": image,
        "params": params, "notes": notes,
    }


def error_code(exc: BaseException) -> Optional[str]:
    """"oom" for out-of-memory errors, recognised without importing torch; else None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        names = {c.__name__ for c in type(exc).__mro__}
        if "OutOfMemoryError" in names or "MemoryError" in names:
            return "oom"
        text = str(exc)
        # CUDA's allocator, cuBLAS, and torch's CPU allocator (a RuntimeError, not OutOfMemoryError)
        if "CUDA out of memory" in text or "CUBLAS_STATUS_ALLOC_FAILED" in text \
                or "can't allocate memory" in text:
            return "oom"
        exc = exc.__cause__ or exc.__context__
    return None


# ---------------------------------------------------------------------------------------------
# Output


class Emitter:
    """Writes one JSON object per line to the protocol stream, flushed, from any thread."""

    def __init__(self, out: TextIO):
        self._out = out
        self._lock = threading.Lock()
        self.last_write = time.monotonic()

    def send(self, msg: dict) -> None:
        line = json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
        with self._lock:
            try:
                self._out.write(line + "\n")
                self._out.flush()
            except (BrokenPipeError, ValueError, OSError) as e:   # Hearth went away
                log.warning("could not write to Hearth: %s", e)
            self.last_write = time.monotonic()


# ---------------------------------------------------------------------------------------------
# The worker


class _Job:
    def __init__(self, msg: dict):
        self.msg = msg
        self.id = msg["job"]
        self.cancel = threading.Event()
        self.last_progress: Optional[dict] = None


class Worker:
    """Loads the pipeline, says ready, then runs one job at a time until shutdown or EOF.

    The main thread runs jobs; a reader thread reads stdin so that a cancel (or a second run,
    answered "busy") is seen while the pipeline runs. A heartbeat thread repeats the last progress
    line when a job has been silent for `heartbeat` seconds (e.g. during VAE decode), so Hearth's
    stall_timeout only fires for a worker that is really stuck.
    """

    def __init__(self, pipeline, stdin, out: TextIO, heartbeat: float = 15.0):
        self.pipeline = pipeline
        self.spec = pipeline.spec
        self.kind = job_kind(pipeline)
        self.stdin = stdin
        self.emit = Emitter(out)
        self.heartbeat = heartbeat
        self._lock = threading.Lock()
        self._current: Optional[_Job] = None
        self._jobs: "queue.Queue[Optional[_Job]]" = queue.Queue()
        self._stopping = False

    # -- entry point -------------------------------------------------------------------------

    def serve(self) -> int:
        log.info("loading pipeline %s", self.spec.name)
        started = time.monotonic()
        try:
            self.pipeline.load()
        except BaseException as e:  # noqa: BLE001 - report anything, then exit non-zero
            if isinstance(e, KeyboardInterrupt):
                raise
            log.error("loading %s failed:\n%s", self.spec.name, traceback.format_exc())
            self.emit.send({"type": "error", "job": None, "code": error_code(e) or "load",
                            "message": f"loading {self.spec.name} failed: {type(e).__name__}: {e}"})
            return 1
        log.info("pipeline %s loaded in %.1fs", self.spec.name, time.monotonic() - started)
        self.spec = self.pipeline.spec          # a loaded model may narrow it (an English-only Whisper)
        self.emit.send(self.kind.ready())

        threading.Thread(target=self._read_loop, name="hearth-stdin", daemon=True).start()
        if self.heartbeat and self.heartbeat > 0:
            threading.Thread(target=self._heartbeat_loop, name="hearth-heartbeat", daemon=True).start()
        while True:
            job = self._jobs.get()
            if job is None:
                break
            self._run(job)
        log.info("exiting")
        return 0

    # -- stdin ------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        try:
            for raw in self.stdin:
                if isinstance(raw, bytes):
                    raw = raw.decode("utf-8", errors="replace")
                line = raw.strip()
                if not line:
                    continue
                try:
                    msg = json.loads(line)
                except ValueError as e:
                    log.warning("ignoring a line that is not JSON (%s): %.200s", e, line)
                    continue
                if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
                    log.warning("ignoring a message without a type: %.200s", line)
                    continue
                if self._handle(msg) == "stop":
                    return
            log.info("stdin closed")
        except Exception:  # noqa: BLE001
            log.error("stdin reader failed:\n%s", traceback.format_exc())
        self._stop()

    def _handle(self, msg: dict) -> Optional[str]:
        kind = msg["type"]
        if kind == "run":
            job_id = msg.get("job")
            if not isinstance(job_id, str) or not job_id:
                log.warning("run without a job id ignored")
                self.emit.send({"type": "error", "job": None, "code": "bad_request",
                                "message": "run needs a \"job\" id"})
                return None
            with self._lock:
                busy = self._current
                if busy is None and not self._stopping:
                    self._current = _Job(msg)
                    self._jobs.put(self._current)
                    return None
            why = f"busy with job {busy.id}" if busy else "shutting down"
            log.warning("run %s refused: %s", job_id, why)
            self.emit.send({"type": "error", "job": job_id, "code": "busy",
                            "message": f"this worker runs one job at a time and is {why}"})
        elif kind == "cancel":
            with self._lock:
                job = self._current
                if job is not None and job.id == msg.get("job"):
                    log.info("cancel requested for %s", job.id)
                    job.cancel.set()
                    return None
            log.info("cancel for %s ignored: not running", msg.get("job"))
        elif kind == "shutdown":
            log.info("shutdown requested")
            self._stop()
            return "stop"
        else:
            log.warning("ignoring unknown message type %r", kind)
        return None

    def _stop(self) -> None:
        with self._lock:
            self._stopping = True
            if self._current is not None:
                log.info("cancelling %s before exit", self._current.id)
                self._current.cancel.set()
        self._jobs.put(None)

    def _heartbeat_loop(self) -> None:
        while True:
            time.sleep(min(1.0, self.heartbeat / 4))
            with self._lock:          # under the lock, so no repeat can follow the job's last line
                job = self._current
                if job is not None and job.last_progress is not None \
                        and time.monotonic() - self.emit.last_write >= self.heartbeat:
                    self.emit.send(job.last_progress)

    # -- one job ----------------------------------------------------------------------------

    def _progress(self, job: _Job, msg: dict) -> None:
        job.last_progress = msg
        self.emit.send(msg)

    def _run(self, job: _Job) -> None:
        started = time.monotonic()
        try:
            final = self.kind.execute(self, job)
        except ParamError as e:
            log.warning("job %s: bad params: %s", job.id, e)
            final = {"type": "error", "job": job.id, "code": "bad_params", "param": e.field, "message": str(e)}
        except _Failure as f:
            e = f.__cause__
            log.error("job %s failed in %s:\n%s", job.id, f.stage,
                      "".join(traceback.format_exception(type(e), e, e.__traceback__)))
            final = {"type": "error", "job": job.id, "code": error_code(e) or f.stage,
                     "message": f"{type(e).__name__}: {e}"[:2000]}
        except Exception as e:  # noqa: BLE001 - the worker survives its own bugs too
            log.error("job %s failed:\n%s", job.id, traceback.format_exc())
            final = {"type": "error", "job": job.id, "code": error_code(e) or "internal",
                     "message": f"{type(e).__name__}: {e}"[:2000]}
        finally:
            cleanup = getattr(self.pipeline, "cleanup", None)
            if cleanup is not None:
                try:
                    cleanup()
                except Exception:  # noqa: BLE001
                    log.warning("cleanup after %s failed:\n%s", job.id, traceback.format_exc())
        log.info("job %s %s in %.1fs", job.id, final.get("code", final["type"]), time.monotonic() - started)
        with self._lock:          # free before the last line, so Hearth's next run is never "busy"
            self._current = None
        self.emit.send(final)


class _Failure(Exception):
    """Wraps an exception from a pipeline stage; the stage ("pipeline", "export") is the error code."""

    def __init__(self, stage: str):
        super().__init__(stage)
        self.stage = stage


def atomic_write(path: str, write: Callable[[str], None], cancelled: Callable[[], bool] = lambda: False) -> bool:
    """write(tmp) to a hidden temporary name beside path (same extension), then rename it into place,
    so Hearth never sees half a file. Returns False, leaving nothing, when cancelled() turns true
    before the rename; the temporary file is removed on every path."""
    name = os.path.basename(path)
    tmp = os.path.join(os.path.dirname(path), f".{name}.{os.getpid()}.tmp{os.path.splitext(name)[1]}")
    try:
        write(tmp)
        if cancelled():
            return False
        os.replace(tmp, path)
        return True
    finally:
        if os.path.exists(tmp):
            try:
                os.remove(tmp)
            except OSError:
                pass


def job_kind(pipeline):
    """The ready message and job body for a pipeline, chosen once by the type of its spec."""
    from .transcribe import TranscribeJobs, TranscribeSpec      # here: both import this module
    from .video import VideoJobs
    if isinstance(pipeline.spec, TranscribeSpec):
        return TranscribeJobs(pipeline)
    if isinstance(pipeline.spec, PipelineSpec):
        return VideoJobs(pipeline)
    raise TypeError(f"unknown pipeline spec {type(pipeline.spec).__name__}")
