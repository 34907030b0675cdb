"""Protocol tests for hearth_worker, standard library only.

Run: python3 -m unittest discover -s workers/python -t workers/python -v

Two kinds: the real worker as a subprocess (`python3 -m hearth_worker --pipeline fake`), and the
Worker loop in-process with test pipelines.
"""

import io
import json
import logging
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)                       # workers/python
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from hearth_worker import fake, pipelines, protocol  # noqa: E402
from hearth_worker.protocol import ParamError, Worker, error_code, frames_for, validate  # noqa: E402

TIMEOUT = 20
TYPES = {"ready", "progress", "output", "done", "error", "cancelled"}


def run_msg(job, out_dir, task="t2v", inputs=None, **params):
    params.setdefault("prompt", "a red fox in snow")
    params.setdefault("steps", 5)
    params.setdefault("seconds", 1)
    msg = {"type": "run", "job": job, "task": task, "params": params, "output_dir": out_dir}
    if inputs is not None:
        msg["inputs"] = inputs
    return msg


class Harness:
    """What Hearth sees: protocol lines as parsed JSON, one at a time, with a timeout."""

    def __init__(self):
        self.lines = queue.Queue()
        self.raw = []

    def feed(self, line):
        self.raw.append(line)
        self.lines.put(line)

    def next(self, timeout=TIMEOUT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no protocol line within %ss" % timeout) from None
        return json.loads(line)

    def until(self, kind, timeout=TIMEOUT):
        """Messages up to and including the first of type `kind`."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.next(max(0.01, deadline - time.monotonic()))
            seen.append(msg)
            if msg["type"] == kind:
                return seen

    def no_more(self, wait=0.3):
        try:
            line = self.lines.get(timeout=wait)
        except queue.Empty:
            return
        raise AssertionError("unexpected protocol line: %s" % line)


class Subprocess(Harness):
    def __init__(self, *extra, env=None, pipeline="fake"):
        super().__init__()
        # ROOT first, then whatever PYTHONPATH already held (where torch or diffusers may come from)
        path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)
        e = dict(os.environ, PYTHONPATH=path, PYTHONUNBUFFERED="1")
        e.update(env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "hearth_worker", "--pipeline", pipeline, *extra],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=e)
        self.stderr = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.feed), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _pump(stream, sink):
        for raw in stream:
            sink(raw.decode("utf-8", "replace").rstrip("\n"))

    def send(self, msg):
        data = msg if isinstance(msg, str) else json.dumps(msg)
        self.proc.stdin.write(data.encode() + b"\n")
        self.proc.stdin.flush()

    def wait(self, timeout=TIMEOUT):
        return self.proc.wait(timeout=timeout)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for s in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                s.close()
            except OSError:
                pass

    def log(self):
        time.sleep(0.1)
        return "\n".join(self.stderr)


class InProcess(Harness):
    """Worker.serve() on a thread, stdin a pipe, stdout a collecting stream."""

    def __init__(self, pipeline, heartbeat=0):
        super().__init__()
        r, w = os.pipe()
        self._in = os.fdopen(w, "wb", buffering=0)
        self._out = os.fdopen(r, "rb")
        self.worker = Worker(pipeline, self._out, _LineSink(self.feed), heartbeat=heartbeat)
        self.rc = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.rc = self.worker.serve()

    def send(self, msg):
        self._in.write((msg if isinstance(msg, str) else json.dumps(msg)).encode() + b"\n")

    def eof(self):
        if not self._in.closed:
            self._in.close()

    def close(self):
        self.eof()
        self.thread.join(TIMEOUT)
        time.sleep(0.05)                                  # let the stdin reader thread see EOF
        self._out.close()

    def join(self):
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "worker did not exit"
        return self.rc


class _LineSink(io.TextIOBase):
    def __init__(self, feed):
        self._feed, self._buf = feed, ""

    def writable(self):
        return True

    def write(self, s):
        self._buf += s
        while "\n" in self._buf:
            line, self._buf = self._buf.split("\n", 1)
            self._feed(line)
        return len(s)


# ---------------------------------------------------------------------------------------------


class SubprocessTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, "out")

    def start(self, *extra):
        w = Subprocess(*extra)
        self.addCleanup(w.close)
        self.assertEqual(w.next(), {"type": "ready", "protocol": 1, "tasks": ["t2v", "i2v"],
                                    "limits": protocol.limits(fake.SPEC, fake.FakePipeline.dtypes)})
        return w

    def test_run_progress_output_done_and_stdout_is_only_protocol(self):
        w = self.start()
        w.send(run_msg("j_1", self.out, steps=6, seconds=2, fps=16, seed=7))
        msgs = w.until("done")
        progress = [m for m in msgs if m["type"] == "progress"]
        denoise = [m for m in progress if m["stage"] == "denoise"]
        self.assertEqual([m["step"] for m in denoise], [0, 1, 2, 3, 4, 5, 6])
        self.assertTrue(all(m["steps"] == 6 and m["job"] == "j_1" for m in denoise))
        values = [m["progress"] for m in progress]
        self.assertEqual(values, sorted(values))
        self.assertEqual(values[-1], 1.0)
        self.assertEqual(progress[-1]["stage"], "encode")
        output = [m for m in msgs if m["type"] == "output"]
        self.assertEqual(len(output), 1)
        path = os.path.join(os.path.realpath(self.out), "video.mp4")
        self.assertEqual(os.path.realpath(output[0]["path"]), path)
        self.assertEqual(output[0]["content_type"], "video/mp4")
        self.assertEqual(msgs[-2]["type"], "output")
        with open(path, "rb") as f:
            self.assertTrue(f.read().startswith(fake.MAGIC))
        self.assertEqual(os.listdir(self.out), ["video.mp4"])      # no temp file left behind
        w.send({"type": "shutdown"})
        self.assertEqual(w.wait(), 0)
        for line in w.raw:
            self.assertIn(json.loads(line)["type"], TYPES, line)
        log = w.log()
        self.assertIn("library noise on stdout during load", log)
        self.assertIn("library noise on stdout during generate", log)
        self.assertIn("native write to fd 1", log)
        self.assertIn("using 33", log)                              # 2s x 16fps = 32 -> 4k+1 = 33

    def test_bad_params_names_the_field(self):
        w = self.start()
        w.send(run_msg("j_b", self.out, size="830x480"))
        err = w.next()
        while err["type"] == "progress":
            err = w.next()
        self.assertEqual(err["type"], "error")
        self.assertEqual(err["code"], "bad_params")
        self.assertEqual(err["job"], "j_b")
        self.assertEqual(err["param"], "size")
        self.assertIn("size", err["message"])
        self.assertIn("16", err["message"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "video.mp4")))

    def test_cancel_mid_run_leaves_no_output(self):
        w = self.start("--fake-step-delay", "0.05")
        w.send(run_msg("j_c", self.out, steps=200))
        while True:
            m = w.next()
            if m["type"] == "progress" and m["step"] >= 3:
                break
        w.send({"type": "cancel", "job": "j_c"})
        msgs = w.until("cancelled")
        self.assertEqual(msgs[-1], {"type": "cancelled", "job": "j_c"})
        self.assertFalse([m for m in msgs if m["type"] in ("output", "done", "error")])
        self.assertLess(max(m.get("step", 0) for m in msgs), 200)
        self.assertEqual(os.listdir(self.out) if os.path.isdir(self.out) else [], [])
        w.no_more()
        # the model stays loaded: the next job runs
        w.send(run_msg("j_c2", self.out))
        self.assertEqual(w.until("done")[-1], {"type": "done", "job": "j_c2"})

    def test_oom_is_reported_as_oom(self):
        w = self.start()
        w.send(run_msg("j_o", self.out, steps=4, fake_fail="oom"))
        err = w.until("error")[-1]
        self.assertEqual(err["code"], "oom")
        self.assertIn("out of memory", err["message"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "video.mp4")))

    def test_busy_while_a_job_runs(self):
        w = self.start("--fake-step-delay", "0.05")
        w.send(run_msg("j_1", self.out, steps=40))
        w.send(run_msg("j_2", os.path.join(self.tmp.name, "out2")))
        msgs = w.until("error")
        self.assertEqual(msgs[-1]["job"], "j_2")
        self.assertEqual(msgs[-1]["code"], "busy")
        self.assertEqual(w.until("done")[-1], {"type": "done", "job": "j_1"})

    def test_malformed_line_is_logged_and_loop_continues(self):
        w = self.start()
        w.send("this is {not json")
        w.send("[1, 2]")
        w.send(run_msg("j_m", self.out))
        self.assertEqual(w.until("done")[-1], {"type": "done", "job": "j_m"})
        log = w.log()
        self.assertIn("not JSON", log)
        self.assertIn("this is {not json", log)

    def test_shutdown_exits_zero(self):
        w = self.start()
        w.send({"type": "shutdown"})
        self.assertEqual(w.wait(), 0)
        self.assertEqual(len(w.raw), 1)

    def test_eof_exits_zero(self):
        w = self.start()
        w.proc.stdin.close()
        self.assertEqual(w.wait(), 0)

    def test_eof_during_a_job_cancels_it_and_exits_zero(self):
        w = self.start("--fake-step-delay", "0.05")
        w.send(run_msg("j_e", self.out, steps=200))
        w.until("progress")
        w.proc.stdin.close()
        self.assertEqual(w.until("cancelled")[-1]["job"], "j_e")
        self.assertEqual(w.wait(), 0)
        self.assertFalse(os.path.exists(os.path.join(self.out, "video.mp4")))

    def test_bad_command_line_exits_non_zero(self):
        p = subprocess.run([sys.executable, "-m", "hearth_worker", "--pipeline", "wan2.1-t2v"],
                           env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, b"")
        self.assertIn(b"--model is required", p.stderr)


# ---------------------------------------------------------------------------------------------


class OutOfMemoryError(RuntimeError):
    """Stands in for torch.cuda.OutOfMemoryError (recognised by class name)."""


class ScriptedPipeline(fake.FakePipeline):
    noise = False
    def __init__(self, fail_load=None, fail_generate=None, fail_export=None, step_delay=0.0):
        super().__init__(step_delay=step_delay)
        self.fail_load, self.fail_generate, self.fail_export = fail_load, fail_generate, fail_export
        self.jobs = []
        self.cleanups = 0

    def load(self):
        if self.fail_load:
            raise self.fail_load
        super().load()

    def generate(self, job, on_step, should_stop):
        self.jobs.append(job)
        if self.fail_generate:
            on_step(1, job["steps"])
            raise self.fail_generate
        return super().generate(job, on_step, should_stop)

    def export(self, frames, path, fps):
        if self.fail_export:
            with open(path, "wb") as f:
                f.write(b"partial")
            raise self.fail_export
        super().export(frames, path, fps)

    def cleanup(self):
        self.cleanups += 1


class InProcessTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, "out")
        # the worker's log, captured instead of printed
        self.log = []
        logger = logging.getLogger("hearth_worker")
        handler = logging.Handler()
        handler.emit = lambda record: self.log.append(record.getMessage())
        logger.addHandler(handler)
        old = logger.propagate, logger.level
        logger.propagate = False
        logger.setLevel(logging.INFO)
        self.addCleanup(lambda: (logger.removeHandler(handler), setattr(logger, "propagate", old[0]),
                                 logger.setLevel(old[1])))

    def start(self, pipeline, heartbeat=0):
        w = InProcess(pipeline, heartbeat=heartbeat)
        self.addCleanup(w.close)
        self.assertEqual(w.next()["type"], "ready")
        return w

    def test_happy_path_then_second_job_and_eof(self):
        p = ScriptedPipeline()
        w = self.start(p)
        w.send(run_msg("j_1", self.out, size="640x368", seed=42, negative_prompt="blurry"))
        msgs = w.until("done")
        self.assertEqual(msgs[-2]["type"], "output")
        job = p.jobs[0]
        self.assertEqual((job["width"], job["height"], job["seed"], job["negative_prompt"]),
                         (640, 368, 42, "blurry"))
        # the next run right after "done" is accepted (never "busy")
        w.send(run_msg("j_2", os.path.join(self.tmp.name, "o2")))
        self.assertEqual(w.until("done")[-1]["job"], "j_2")
        self.assertEqual(p.cleanups, 2)
        w.eof()
        self.assertEqual(w.join(), 0)

    def test_oom_by_class_name(self):
        w = self.start(ScriptedPipeline(fail_generate=OutOfMemoryError("Tried to allocate 2 GiB")))
        w.send(run_msg("j_x", self.out))
        err = w.until("error")[-1]
        self.assertEqual(err["job"], "j_x")
        self.assertEqual(err["code"], "oom")
        self.assertIn("OutOfMemoryError", err["message"])

    def test_pipeline_and_export_failures(self):
        w = self.start(ScriptedPipeline(fail_generate=ValueError("shapes do not match")))
        w.send(run_msg("j_p", self.out))
        err = w.until("error")[-1]
        self.assertEqual(err["code"], "pipeline")
        self.assertIn("shapes do not match", err["message"])

        w2 = self.start(ScriptedPipeline(fail_export=OSError("disk full")))
        w2.send(run_msg("j_x", self.out))
        err = w2.until("error")[-1]
        self.assertEqual(err["code"], "export")
        self.assertEqual(os.listdir(self.out), [])                 # the partial temp file is removed

    def test_load_failure_reports_and_returns_1(self):
        w = InProcess(ScriptedPipeline(fail_load=OutOfMemoryError("CUDA out of memory")))
        self.addCleanup(w.close)
        err = w.next()
        self.assertEqual((err["type"], err["job"], err["code"]), ("error", None, "oom"))
        self.assertEqual(w.join(), 1)

    def test_bad_params(self):
        img = os.path.join(self.tmp.name, "in.png")
        cases = [
            ({"prompt": ""}, "prompt"),
            ({"prompt": None}, "prompt"),
            ({"size": "832x481"}, "size"),
            ({"size": "big"}, "size"),
            ({"size": "8x480"}, "size"),
            ({"steps": 0}, "steps"),
            ({"steps": "30"}, "steps"),
            ({"fps": 12.5}, "fps"),
            ({"seconds": -1}, "seconds"),
            ({"seconds": 100000}, "seconds"),
            ({"guidance_scale": True}, "guidance_scale"),
            ({"seed": -3}, "seed"),
        ]
        w = self.start(ScriptedPipeline())
        for i, (params, field) in enumerate(cases):
            w.send(run_msg("j_%d" % i, self.out, **params))
            err = w.until("error")[-1]
            self.assertEqual((err["job"], err["code"], err["param"]), ("j_%d" % i, "bad_params", field), params)
            self.assertIn(field, err["message"])
        w.send(run_msg("j_task", self.out, task="t2i"))
        self.assertEqual(w.until("error")[-1]["param"], "task")
        w.send(run_msg("j_i2v", self.out, task="i2v"))
        self.assertEqual(w.until("error")[-1]["param"], "inputs.image")
        w.send(run_msg("j_i2v2", self.out, task="i2v", inputs={"image": img}))
        err = w.until("error")[-1]
        self.assertEqual(err["param"], "inputs.image")
        self.assertIn("no such file", err["message"])
        w.send({"type": "run", "job": "j_nodir", "params": {"prompt": "x"}})
        self.assertEqual(w.until("error")[-1]["param"], "output_dir")

    def test_i2v_with_image(self):
        img = os.path.join(self.tmp.name, "in.png")
        with open(img, "wb") as f:
            f.write(b"\x89PNG fake")
        p = ScriptedPipeline()
        w = self.start(p)
        w.send(run_msg("j_i", self.out, task="i2v", inputs={"image": img}))
        self.assertEqual(w.until("done")[-1]["job"], "j_i")
        self.assertEqual(p.jobs[0]["image"], img)

    def test_cancel_and_unknown_messages(self):
        w = self.start(ScriptedPipeline(step_delay=0.05))
        w.send({"type": "cancel", "job": "nobody"})           # not running: ignored
        w.send({"type": "dance"})
        w.send({"no": "type"})
        w.send("{broken")
        w.send(run_msg("j_c", self.out, steps=100))
        w.until("progress")
        w.send({"type": "cancel", "job": "someone-else"})
        w.send({"type": "cancel", "job": "j_c"})
        msgs = w.until("cancelled")
        self.assertEqual(msgs[-1]["job"], "j_c")
        self.assertFalse(os.path.exists(os.path.join(self.out, "video.mp4")))
        w.send({"type": "shutdown"})
        self.assertEqual(w.join(), 0)
        log = "\n".join(self.log)
        for text in ("cancel for nobody ignored", "unknown message type 'dance'", "without a type",
                     "not JSON", "cancel requested for j_c"):
            self.assertIn(text, log)

    def test_heartbeat_repeats_progress_while_silent(self):
        release = threading.Event()

        class Silent(ScriptedPipeline):
            def generate(self, job, on_step, should_stop):
                on_step(1, 2)
                release.wait(TIMEOUT)                         # e.g. a long VAE decode, until the test ends it
                return super().generate(job, lambda s, n: None, should_stop)

        w = self.start(Silent(), heartbeat=0.2)
        w.send(run_msg("j_h", self.out, steps=2))
        repeats = 0
        while repeats < 3:                                    # the job stays silent until we have seen them
            m = w.next()
            self.assertNotIn(m["type"], ("done", "error"), m)
            if m["type"] == "progress" and m.get("step") == 1:
                repeats += 1
        release.set()
        self.assertEqual(w.until("done")[-1], {"type": "done", "job": "j_h"})


class ValidationTest(unittest.TestCase):
    WAN = pipelines.VARIANTS["wan2.1-t2v"].spec
    LTX = pipelines.VARIANTS["ltx-t2v"].spec

    def test_defaults(self):
        j = validate(self.WAN, None, {"prompt": "p"}, None)
        self.assertEqual((j["task"], j["width"], j["height"], j["num_frames"], j["fps"]), ("t2v", 832, 480, 81, 16))
        j = validate(self.LTX, "t2v", {"prompt": "p"}, {})
        self.assertEqual((j["width"], j["height"], j["num_frames"], j["fps"]), (704, 480, 121, 24))
        self.assertEqual(j["guidance_scale"], 3.0)

    def test_frame_rounding(self):
        self.assertEqual(frames_for(self.WAN, 5, 16), 81)
        self.assertEqual(frames_for(self.WAN, 2, 16), 33)
        self.assertEqual(frames_for(self.WAN, 0.05, 16), 5)
        self.assertEqual(frames_for(self.LTX, 2, 24), 49)
        self.assertEqual(frames_for(self.LTX, 10, 25), 249)
        j = validate(self.LTX, None, {"prompt": "p", "seconds": 2, "fps": 24, "seed": 1}, None)
        self.assertEqual(j["num_frames"], 49)
        self.assertEqual(len(j["notes"]), 1)
        self.assertIn("8k+1", j["notes"][0])
        j = validate(self.WAN, None, {"prompt": "p", "num_frames": 81, "seed": 1}, None)
        self.assertEqual((j["num_frames"], j["notes"]), (81, []))

    def test_size_multiples(self):
        validate(self.WAN, None, {"prompt": "p", "size": "1280x720"}, None)
        with self.assertRaises(ParamError) as e:
            validate(self.LTX, None, {"prompt": "p", "size": "1280x720"}, None)   # 720 is not a multiple of 32
        self.assertEqual(e.exception.field, "size")
        self.assertIn("32", str(e.exception))
        j = validate(self.LTX, None, {"prompt": "p", "size": "1216x704"}, None)
        self.assertEqual((j["width"], j["height"]), (1216, 704))

    def test_i2v_specs(self):
        spec = pipelines.VARIANTS["wan2.1-i2v"].spec
        self.assertEqual(spec.tasks, ("i2v",))
        with self.assertRaises(ParamError) as e:
            validate(spec, None, {"prompt": "p"}, None)
        self.assertEqual(e.exception.field, "inputs.image")

    def test_error_code(self):
        self.assertEqual(error_code(OutOfMemoryError("x")), "oom")
        self.assertEqual(error_code(MemoryError()), "oom")
        self.assertEqual(error_code(RuntimeError("CUDA out of memory. Tried to allocate")), "oom")
        self.assertIsNone(error_code(ValueError("nope")))
        try:
            try:
                raise OutOfMemoryError("inner")
            except OutOfMemoryError as inner:
                raise RuntimeError("wrapped") from inner
        except RuntimeError as outer:
            self.assertEqual(error_code(outer), "oom")

    def test_real_pipelines_import_no_torch(self):
        p = pipelines.build("wan2.1-t2v", "/models/none", "fp8", True, "cuda")
        self.assertEqual(p.spec.name, "wan2.1-t2v")
        self.assertNotIn("torch", sys.modules)
        self.assertNotIn("diffusers", sys.modules)
        with self.assertRaises(ValueError):
            pipelines.build("wan2.1-t2v", None)
        with self.assertRaises(ValueError):
            pipelines.build("ltx-t2v", "m", dtype="int4")
        self.assertEqual(set(pipelines.CHOICES),
                         {"wan2.1-t2v", "wan2.1-i2v", "wan2.2-t2v", "wan2.2-i2v", "wan2.2-5b-t2v", "wan2.2-5b-i2v",
                          "framepack-i2v", "ltx-t2v", "ltx-i2v", "ltx2-t2v", "ltx2-i2v", "whisper", "fake"})
        with self.assertRaises(ValueError):
            pipelines.build("wan2.1-t2v", "m", parts={"transformer": "t"})


if __name__ == "__main__":
    unittest.main()


class LimitsTest(unittest.TestCase):
    """The limits a worker advertises are the rules validate() applies: at each limit a job passes,
    one past it fails as bad_params naming the same field Hearth names."""

    def job(self, spec, **params):
        inputs = {"image": os.path.abspath(__file__)} if spec.tasks[0] == "i2v" else {}   # any file will do
        return validate(spec, None, dict({"prompt": "a cat", "seed": 1}, **params), inputs)

    def refused(self, spec, field, **params):
        with self.assertRaises(ParamError) as e:
            self.job(spec, **params)
        self.assertEqual(e.exception.field, field)

    def test_every_pipeline_advertises_what_validate_accepts(self):
        specs = [fake.SPEC] + [v.spec for v in pipelines.VARIANTS.values()]
        for spec in specs:
            with self.subTest(spec.name):
                lim = protocol.limits(spec)
                self.assertEqual(lim["tasks"], list(spec.tasks))
                defaults = self.job(spec)                        # a job naming nothing runs at the defaults
                self.assertEqual((defaults["width"] % lim["size_multiple"], defaults["height"] % lim["size_multiple"],
                                  (defaults["num_frames"] - 1) % lim["frame_step"]), (0, 0, 0))
                m = lim["size_multiple"]
                self.assertEqual(m, spec.size_multiple)
                self.job(spec, size=f"{m * 20}x{m * 10}")
                self.refused(spec, "size", size=f"{m * 20 + 2}x{m * 10}")
                self.job(spec, size=f"{lim['max_side']}x{m}")
                self.refused(spec, "size", size=f"{lim['max_side'] + m}x{m}")
                self.job(spec, steps=lim["max_steps"])
                self.refused(spec, "steps", steps=lim["max_steps"] + 1)
                self.job(spec, fps=lim["max_fps"], seconds=1)
                self.refused(spec, "fps", fps=lim["max_fps"] + 1)
                self.job(spec, seed=lim["min_seed"])
                self.job(spec, seed=lim["max_seed"])
                self.refused(spec, "seed", seed=lim["min_seed"] - 1)
                self.refused(spec, "seconds", seconds=lim["max_seconds"] + 1, fps=1)
                fps = 16
                longest = (lim["max_frames"] - 1) / fps          # max_frames is frame_step·k + 1
                self.assertEqual(self.job(spec, fps=fps, seconds=longest)["num_frames"], lim["max_frames"])
                self.refused(spec, "seconds", fps=fps, seconds=longest + lim["frame_step"] / fps)

    def test_describe_prints_the_limits_of_ready_without_loading(self):
        out = subprocess.run([sys.executable, "-m", "hearth_worker", "--pipeline", "wan2.1-t2v", "--describe"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
        self.assertEqual(json.loads(out), protocol.limits(pipelines.VARIANTS["wan2.1-t2v"].spec, pipelines.DTYPES))

    def test_ready_carries_the_limits_and_the_dtypes(self):
        msg = protocol.ready_message(fake.SPEC, ("bf16",))
        self.assertEqual(msg["tasks"], ["t2v", "i2v"])
        self.assertEqual(msg["limits"]["size_multiple"], 16)
        self.assertEqual(msg["limits"]["dtypes"], ["bf16"])
        self.assertNotIn("dtypes", protocol.limits(fake.SPEC))
