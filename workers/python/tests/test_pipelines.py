"""The diffusers adapter against stand-in torch/diffusers/transformers/PIL modules.

This machine has no torch; these tests check which diffusers calls the adapter makes (dtype,
fp8 layerwise casting, CPU offload, arguments, interrupt flag, export), not diffusers itself.
"""

import os
import sys
import types
import unittest
from contextlib import nullcontext
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from hearth_worker import pipelines  # noqa: E402
from hearth_worker.protocol import ParamError, validate  # noqa: E402


def stand_ins():
    calls = []
    torch = types.ModuleType("torch")
    torch.bfloat16, torch.float16, torch.float32, torch.float8_e4m3fn = "bf16", "fp16", "fp32", "fp8"

    class Generator:
        def __init__(self, device):
            self.device = device

        def manual_seed(self, seed):
            self.seed = seed
            return self

    torch.Generator = Generator
    torch.inference_mode = nullcontext
    torch.cuda = types.SimpleNamespace(is_available=lambda: False)

    class Transformer:
        def enable_layerwise_casting(self, **kw):
            calls.append(("layerwise_casting", kw))

    class Scheduler:
        def __init__(self, config):
            self.config = config

        @classmethod
        def from_config(cls, config, **kw):
            calls.append(("scheduler", kw))
            return cls(dict(config, **kw))

    class Pipe:
        steps_run = None

        def __init__(self, name, kw):
            self.name, self.kw = name, kw
            self.transformer = Transformer()
            self.scheduler = Scheduler({"flow_shift": 3.0})

        def to(self, device):
            calls.append(("to", device))
            return self

        def enable_model_cpu_offload(self, device=None):
            calls.append(("cpu_offload", device))

        def set_progress_bar_config(self, **kw):
            pass

        def maybe_free_model_hooks(self):
            calls.append(("free_hooks",))

        def __call__(self, prompt=None, negative_prompt=None, height=0, width=0, num_frames=0,
                     num_inference_steps=0, guidance_scale=0, generator=None, callback_on_step_end=None,
                     image=None, frame_rate=None, decode_timestep=None, decode_noise_scale=None):
            calls.append(("call", dict(prompt=prompt, negative_prompt=negative_prompt, height=height,
                                       width=width, num_frames=num_frames, steps=num_inference_steps,
                                       guidance_scale=guidance_scale, seed=generator.seed, image=image,
                                       frame_rate=frame_rate, decode_timestep=decode_timestep)))
            self._interrupt = False
            self._num_timesteps = num_inference_steps
            ran = 0
            for i in range(num_inference_steps):
                if self._interrupt:
                    continue
                ran += 1
                callback_on_step_end(self, i, 1000 - i, {"latents": None})
            Pipe.steps_run = ran
            calls.append(("decode",))
            return types.SimpleNamespace(frames=[["frame"] * num_frames])

    def pipeline_class(name):
        class P:
            @classmethod
            def from_pretrained(cls, model, **kw):
                calls.append(("from_pretrained", name, model, kw))
                return Pipe(name, kw)
        return P

    class Part:
        def __init__(self, name):
            self.name = name

        def from_pretrained(self, model, subfolder=None, torch_dtype=None):
            calls.append(("part", self.name, subfolder, torch_dtype))
            return self.name

    diffusers = types.ModuleType("diffusers")
    for n in ("WanPipeline", "WanImageToVideoPipeline", "LTXPipeline", "LTXImageToVideoPipeline"):
        setattr(diffusers, n, pipeline_class(n))
    diffusers.AutoencoderKLWan = Part("vae")
    diffusers.DiffusionPipeline = types.SimpleNamespace(
        load_config=lambda model: {"image_encoder": ["transformers", "CLIPVisionModel"]})
    utils = types.ModuleType("diffusers.utils")
    utils.export_to_video = lambda frames, path, fps: calls.append(("export", len(frames), path, fps))
    diffusers.utils = utils
    transformers = types.ModuleType("transformers")
    transformers.CLIPVisionModel = Part("image_encoder")

    class Img:
        def __init__(self, path):
            self.path = path

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def convert(self, mode):
            return self

    pil = types.ModuleType("PIL")
    pil.Image = types.SimpleNamespace(open=Img, Resampling=types.SimpleNamespace(LANCZOS="lanczos"))
    pil.ImageOps = types.SimpleNamespace(exif_transpose=lambda im: im,
                                         fit=lambda im, size, method: ("fitted", im.path, size, method))
    modules = {"torch": torch, "diffusers": diffusers, "diffusers.utils": utils,
               "transformers": transformers, "PIL": pil}
    return calls, modules, Pipe


class DiffusersAdapterTest(unittest.TestCase):
    def setUp(self):
        self.calls, modules, self.Pipe = stand_ins()
        patcher = mock.patch.dict(sys.modules, modules)
        patcher.start()
        self.addCleanup(patcher.stop)

    def of(self, kind):
        return [c for c in self.calls if c[0] == kind]

    def test_wan_t2v_fp8_on_gpu(self):
        p = pipelines.build("wan2.1-t2v", "/models/wan", "fp8", False, "cuda")
        p.load()
        self.assertEqual(self.of("part"), [("part", "vae", "vae", "fp32")])
        (_, cls, model, kw), = self.of("from_pretrained")
        self.assertEqual((cls, model, kw["torch_dtype"], kw["vae"]), ("WanPipeline", "/models/wan", "bf16", "vae"))
        self.assertEqual(self.of("layerwise_casting"),
                         [("layerwise_casting", {"storage_dtype": "fp8", "compute_dtype": "bf16"})])
        self.assertEqual(self.of("to"), [("to", "cuda")])
        self.assertEqual(self.of("cpu_offload"), [])

        job = validate(p.spec, None, {"prompt": "a fox", "size": "1280x720", "steps": 4, "seed": 9,
                                      "seconds": 2, "fps": 16}, None)
        progress = []
        frames = p.generate(job, lambda s, n: progress.append((s, n)), lambda: False)
        self.assertEqual(progress, [(1, 4), (2, 4), (3, 4), (4, 4)])
        (_, call), = self.of("call")
        self.assertEqual((call["width"], call["height"], call["num_frames"], call["steps"], call["seed"]),
                         (1280, 720, 33, 4, 9))
        self.assertIsNone(call["frame_rate"])
        self.assertEqual(self.of("scheduler"), [("scheduler", {"flow_shift": 5.0})])   # 720p
        p.export(frames, "/out/x.mp4", 16)
        self.assertEqual(self.of("export"), [("export", 33, "/out/x.mp4", 16)])
        p.cleanup()
        self.assertEqual(self.of("free_hooks"), [])

    def test_cancel_raises_from_the_step_callback_so_nothing_is_decoded(self):
        p = pipelines.build("wan2.1-t2v", "m", "bf16", True, "cuda:1")
        p.load()
        self.assertEqual(self.of("cpu_offload"), [("cpu_offload", "cuda:1")])
        self.assertEqual(self.of("layerwise_casting"), [])
        job = validate(p.spec, None, {"prompt": "x", "steps": 10, "seed": 1}, None)
        progress = []
        frames = p.generate(job, lambda s, n: progress.append(s), lambda: len(progress) >= 3)
        self.assertIsNone(frames)
        self.assertEqual(progress, [1, 2, 3])
        self.assertIsNone(self.Pipe.steps_run)                # the pipeline call ended at step 3
        self.assertEqual(self.of("decode"), [])               # _interrupt would still have decoded
        self.assertEqual(self.of("scheduler"), [])            # 480p keeps flow_shift 3.0
        p.cleanup()
        self.assertEqual(self.of("free_hooks"), [("free_hooks",)])
        with self.assertRaises(ParamError):
            p.generate(dict(job, params={"flow_shift": "high"}), lambda s, n: None, lambda: False)

    def test_wan22_flow_shift_of_one_job_does_not_stick_to_the_next(self):
        p = pipelines.build("wan2.2-t2v", "m", "fp8", False, "cuda")
        p.load()
        self.assertEqual(len(self.of("layerwise_casting")), 1)       # the stand-in has no transformer_2
        for shift in (8.0, None):
            params = {"prompt": "x", "steps": 1, "seed": 1}
            if shift:
                params["flow_shift"] = shift
            p.generate(validate(p.spec, None, params, None), lambda s, n: None, lambda: False)
        self.assertEqual(self.of("scheduler"), [("scheduler", {"flow_shift": 8.0}), ("scheduler", {"flow_shift": 3.0})])
        job = validate(p.spec, None, {"prompt": "x", "steps": 1, "seed": 1, "guidance_scale_2": "a"}, None)
        with self.assertRaises(ParamError) as e:
            p.generate(job, lambda s, n: None, lambda: False)
        self.assertEqual(e.exception.field, "guidance_scale_2")

    def test_wan_i2v_and_ltx(self):
        p = pipelines.build("wan2.1-i2v", "m", "fp16", False, "cuda")
        p.load()
        self.assertIn(("part", "image_encoder", "image_encoder", "fp32"), self.calls)
        self.assertEqual(self.of("from_pretrained")[0][3]["torch_dtype"], "fp16")
        job = validate(p.spec, None, {"prompt": "x", "steps": 1, "seed": 1}, {"image": __file__})
        p.generate(job, lambda s, n: None, lambda: False)
        self.assertEqual(self.of("call")[0][1]["image"], ("fitted", __file__, (832, 480), "lanczos"))

        self.calls.clear()
        p = pipelines.build("ltx-t2v", "Lightricks/LTX-Video")
        p.load()
        self.assertEqual(self.of("part"), [])
        self.assertEqual(self.of("from_pretrained")[0][1:3], ("LTXPipeline", "Lightricks/LTX-Video"))
        job = validate(p.spec, None, {"prompt": "x", "steps": 2, "seed": 1}, None)
        frames = p.generate(job, lambda s, n: None, lambda: False)
        call = self.of("call")[0][1]
        self.assertEqual((call["width"], call["height"], call["num_frames"], call["frame_rate"],
                          call["decode_timestep"]), (704, 480, 121, 24, 0.03))
        self.assertEqual(len(frames), 121)


if __name__ == "__main__":
    unittest.main()
