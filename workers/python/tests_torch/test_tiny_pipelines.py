"""The worker on real diffusers: tiny Wan 2.1 pipelines with random weights (tests_torch/tiny.py),
saved as a real download is laid out, run on the CPU through `python -m hearth_worker`.

Run in the worker's venv (workers/python/bin/venv prints its python):
    $(workers/python/bin/venv) -m unittest discover -s workers/python/tests_torch -t workers/python -v
On a GPU box, HEARTH_TEST_DEVICE=cuda runs the same tests with `--device cuda`.
Without torch and diffusers these tests skip, naming that script; under CI=true they fail instead.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)                       # workers/python
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

try:
    import diffusers  # noqa: F401
    import torch  # noqa: F401
    MISSING = None
except ImportError as e:
    MISSING = f"{e}; build the worker's venv with workers/python/bin/venv and run these tests with its python"
    if os.environ.get("CI", "").lower() == "true":
        raise ImportError(f"CI=true but torch/diffusers are missing: {MISSING}") from e

from tests.test_protocol import Subprocess  # noqa: E402

DEVICE = os.environ.get("HEARTH_TEST_DEVICE", "cpu")
# What torch says when the --test-hooks "fail": "oom" tensor (1 PiB) cannot be had on DEVICE
OOM_TEXT = "CUDA out of memory" if DEVICE.startswith("cuda") else "can't allocate memory"

from hearth_worker import pipelines  # noqa: E402
from hearth_worker.protocol import ParamError, limits, validate  # noqa: E402


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=codec_name,width,height,nb_read_frames,r_frame_rate", "-of", "json", path],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    s = json.loads(out)["streams"][0]
    return s["codec_name"], s["width"], s["height"], int(s["nb_read_frames"]), s["r_frame_rate"]


class TinyModels:
    """Each tiny pipeline is built once per test run."""
    _tmp = None
    _dirs = {}

    @classmethod
    def dir(cls, pipeline):
        from tests_torch import tiny
        name = tiny.DOWNLOAD_OF.get(pipeline, pipeline)
        if name not in cls._dirs:
            if cls._tmp is None:
                cls._tmp = tempfile.TemporaryDirectory(prefix="hearth-tiny-")
            cls._dirs[name] = os.path.join(cls._tmp.name, name)
            tiny.save(name, cls._dirs[name])
        return cls._dirs[name]


class Worker(Subprocess):
    """`python -m hearth_worker` on a real pipeline."""

    def __init__(self, pipeline, model):
        super().__init__("--model", model, "--device", DEVICE, "--heartbeat", "0", "--test-hooks",
                         pipeline=pipeline)


@unittest.skipIf(MISSING, MISSING)
class WanThroughTheWorkerTest(unittest.TestCase):
    """The whole worker as Hearth starts it; I2V through Hearth is PythonDiffusersTest's."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def start(self, pipeline):
        w = Worker(pipeline, TinyModels.dir(pipeline))
        self.addCleanup(w.close)
        ready = w.next(timeout=180)
        self.assertEqual(ready["type"], "ready", w.log())
        self.assertEqual(ready["limits"], json.loads(json.dumps(
            limits(pipelines.VARIANTS[pipeline].spec, pipelines.DTYPES))))
        return w

    def run_job(self, w, job, task=None, inputs=None, **params):
        out = os.path.join(self.tmp.name, job)
        msg = {"type": "run", "job": job, "params": dict({"prompt": "a red fox in snow", "seed": 1}, **params),
               "output_dir": out}
        if task:
            msg["task"] = task
        if inputs:
            msg["inputs"] = inputs
        w.send(msg)
        return out

    def test_t2v_progress_per_step_mp4_cancel_oom_and_bad_params(self):
        w = self.start("wan2.1-t2v")

        out = self.run_job(w, "t1", size="48x32", num_frames=9, fps=8, steps=2)
        msgs = w.until("done", timeout=120)
        steps = [(m["step"], m["steps"]) for m in msgs if m["type"] == "progress" and m.get("stage") == "denoise"]
        self.assertEqual(steps, [(0, 2), (1, 2), (2, 2)])
        self.assertEqual([m["type"] for m in msgs][-2:], ["output", "done"])
        self.assertEqual(probe(os.path.join(out, "video.mp4")), ("h264", 48, 32, 9, "8/1"))

        # Held after step 1 (a --test-hooks param) until cancelled: ends there, nothing decoded.
        out = self.run_job(w, "t2", size="32x32", num_frames=5, steps=3, hold=True)
        self.assertEqual([m.get("step") for m in w.until("progress", timeout=60)][-1], 0)
        self.assertEqual(w.next(timeout=60)["step"], 1)
        w.send({"type": "cancel", "job": "t2"})
        self.assertEqual(w.next(timeout=60), {"type": "cancelled", "job": "t2"})
        self.assertFalse(os.path.exists(os.path.join(out, "video.mp4")))
        self.assertIn("cancelled after denoising step 1 of 3; the latents are not decoded", w.log())

        self.run_job(w, "t3", size="32x32", num_frames=5, steps=2, fail="oom")
        err = w.until("error", timeout=60)[-1]
        self.assertEqual(err["code"], "oom", err)
        self.assertIn(OOM_TEXT, err["message"])

        self.run_job(w, "t4", size="32x32", num_frames=5, steps=2, flow_shift="high")
        err = w.until("error", timeout=60)[-1]
        self.assertEqual((err["code"], err["param"]), ("bad_params", "flow_shift"), err)

        self.run_job(w, "t5", size="32x32", num_frames=5, steps=1)          # still serving after all that
        self.assertEqual(w.until("done", timeout=60)[-1], {"type": "done", "job": "t5"})
        w.send({"type": "shutdown"})
        self.assertEqual(w.wait(), 0)


@unittest.skipIf(MISSING, MISSING)
class CancelSkipsTheDecodeTest(unittest.TestCase):
    """Why the callback raises: diffusers' _interrupt flag skips steps but still runs the VAE decode."""

    def test_a_cancel_never_reaches_the_vae(self):
        p = pipelines.build("wan2.1-t2v", TinyModels.dir("wan2.1-t2v"), device=DEVICE)
        p.load()
        decodes = []
        decode = p.pipe.vae.decode
        p.pipe.vae.decode = lambda *a, **kw: decodes.append(1) or decode(*a, **kw)
        job = validate(p.spec, None, {"prompt": "x", "size": "32x32", "num_frames": 5, "steps": 3, "seed": 2}, None)
        job["output_dir"] = None

        seen = []
        self.assertIsNone(p.generate(job, lambda s, n: seen.append(s), lambda: len(seen) >= 1))
        self.assertEqual((seen, decodes), ([1], []))

        frames = p.generate(job, lambda s, n: seen.append(s), lambda: False)
        self.assertEqual((len(frames), decodes), (5, [1]))



@unittest.skipIf(MISSING, MISSING)
class EveryPipelineInProcessTest(unittest.TestCase):
    """The adapter on every other pipeline it supports (in-process: one torch import for all)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        from PIL import Image
        self.image = os.path.join(self.tmp.name, "in.png")
        Image.new("RGB", (40, 30), (200, 30, 30)).save(self.image)

    def make(self, name, parts=None, **params):
        p = pipelines.build(name, TinyModels.dir(name), device=DEVICE, parts=parts)
        p.load()
        task = p.spec.tasks[0]
        job = validate(p.spec, None, dict({"prompt": "a red fox in snow", "seed": 3}, **params),
                       {"image": self.image} if task == "i2v" else None)
        job["output_dir"] = self.tmp.name
        return p, job

    def video(self, p, job, sections=1):
        seen = []
        frames = p.generate(job, lambda s, n: seen.append((s, n)), lambda: False)
        total = sections * job["steps"]
        self.assertEqual(seen, [(i + 1, total) for i in range(total)])
        path = os.path.join(self.tmp.name, p.spec.name + ".mp4")
        p.export(frames, path, job["fps"])
        return probe(path)

    def test_wan21_i2v(self):
        p, job = self.make("wan2.1-i2v", size="32x32", seconds=1, fps=4, steps=2)
        self.assertEqual(self.video(p, job), ("h264", 32, 32, 5, "4/1"))     # 4 frames rounded to 4k+1

    def test_ltx_t2v_and_i2v(self):
        for name in ("ltx-t2v", "ltx-i2v"):
            with self.subTest(name):
                p, job = self.make(name, size="64x32", num_frames=9, fps=24, steps=2)
                self.assertEqual(self.video(p, job), ("h264", 64, 32, 9, "24/1"))

    def test_ltx2_t2v_and_i2v_with_their_audio_muxed(self):
        # 64x64: LTX-2's decoder pads by reflection, which needs latents of at least 2x2 (32x spatial).
        for name in ("ltx2-t2v", "ltx2-i2v"):
            with self.subTest(name):
                p, job = self.make(name, size="64x64", num_frames=9, fps=24, steps=2)
                self.assertEqual(self.video(p, job), ("h264", 64, 64, 9, "24/1"))
                out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                                      "stream=codec_name,channels,sample_rate", "-of", "json",
                                      os.path.join(self.tmp.name, name + ".mp4")],
                                     capture_output=True, text=True, timeout=60, check=True).stdout
                audio = json.loads(out)["streams"][0]
                self.assertEqual((audio["codec_name"], audio["channels"], audio["sample_rate"]), ("aac", 2, "16000"))
                self.assertEqual(os.listdir(self.tmp.name).count(name + ".mp4"), 1)
                self.assertEqual([f for f in os.listdir(self.tmp.name) if f.endswith((".wav", ".video.mp4"))], [])

    def test_fp8_and_fp16_store_the_transformer_so_and_make_a_video(self):
        import torch
        for dtype, stored in (("fp8", torch.float8_e4m3fn), ("fp16", torch.float16)):
            with self.subTest(dtype):
                p = pipelines.build("wan2.1-t2v", TinyModels.dir("wan2.1-t2v"), dtype=dtype, device=DEVICE)
                p.load()
                weights = {n: w.dtype for n, w in p.pipe.transformer.named_parameters() if n.endswith(".weight")}
                self.assertEqual(weights["blocks.0.attn1.to_q.weight"], stored)
                job = validate(p.spec, None, {"prompt": "a red fox in snow", "seed": 3, "size": "32x32",
                                              "num_frames": 5, "fps": 8, "steps": 2}, None)
                job["output_dir"] = self.tmp.name
                self.assertEqual(self.video(p, job), ("h264", 32, 32, 5, "8/1"))

    def test_framepack_counts_progress_over_its_sections_and_keeps_the_frames_asked(self):
        # The transformer and the image encoder from directories of their own, as from their repositories
        from diffusers import DiffusionPipeline
        whole = DiffusionPipeline.from_pretrained(TinyModels.dir("framepack-i2v"))
        transformer, encoder = (os.path.join(self.tmp.name, d) for d in ("transformer", "redux"))
        whole.transformer.save_pretrained(transformer)
        whole.feature_extractor.save_pretrained(os.path.join(encoder, "feature_extractor"))
        whole.image_encoder.save_pretrained(os.path.join(encoder, "image_encoder"))
        # 21 frames in sections of (3 - 1) * 4 + 1 = 9 frames: three sections of 2 steps, 37 frames made
        p, job = self.make("framepack-i2v", parts={"transformer": transformer, "image_encoder": encoder},
                           size="48x32", num_frames=21, fps=30, steps=2, latent_window_size=3)
        self.assertEqual(p.pipe.transformer.config["_name_or_path"], transformer)
        self.assertEqual(self.video(p, job, sections=3), ("h264", 48, 32, 21, "30/1"))

    def test_wan22_5b_t2v_and_i2v_from_one_download(self):
        for name in ("wan2.2-5b-t2v", "wan2.2-5b-i2v"):
            with self.subTest(name):
                p, job = self.make(name, size="64x32", num_frames=9, fps=24, steps=2)
                self.assertTrue(p.pipe.config["expand_timesteps"])
                self.assertEqual(self.video(p, job), ("h264", 64, 32, 9, "24/1"))

    def test_wan22_runs_both_experts_with_guidance_scale_2(self):
        for name in ("wan2.2-t2v", "wan2.2-i2v"):
            with self.subTest(name):
                p, job = self.make(name, size="48x32", num_frames=5, fps=16, steps=4, guidance_scale_2=2.0)
                calls = {"transformer": 0, "transformer_2": 0}
                for part in calls:
                    module = getattr(p.pipe, part)
                    module.register_forward_pre_hook(lambda m, a, part=part: calls.__setitem__(part, calls[part] + 1))
                self.assertEqual(self.video(p, job), ("h264", 48, 32, 5, "16/1"))
                self.assertGreater(calls["transformer"], 0)
                self.assertGreater(calls["transformer_2"], 0)
                self.assertEqual(p.pipe._guidance_scale_2, 2.0)
        p, job = self.make("wan2.1-t2v", size="32x32", num_frames=5, steps=1, guidance_scale_2=2.0)
        with self.assertRaises(ParamError) as e:                  # one transformer: nothing to steer
            p.generate(job, lambda s, n: None, lambda: False)
        self.assertEqual(e.exception.field, "guidance_scale_2")


if __name__ == "__main__":
    unittest.main()
