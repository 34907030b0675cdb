"""The `fake` pipeline: a TEST DOUBLE, not a model.

It loads nothing, "denoises" by sleeping, and writes a tiny text file (not a playable video) as
its "MP4". It exists so the protocol can be tested end to end without torch or a GPU. It also
prints to stdout on purpose, like chatty libraries do, to prove those prints never reach the
protocol stream.

Test hooks in a run's params: "fake_fail": "oom" | "error" | "export" makes it fail that way;
"fake_step_delay": seconds per step (default: the --fake-step-delay option).
"""

from __future__ import annotations

import json
import os
import sys
import time

from .protocol import PipelineSpec

SPEC = PipelineSpec(name="fake", tasks=("t2v", "i2v"), default_size=(832, 480), size_multiple=16,
                    frame_step=4, default_fps=16, default_seconds=5.0, default_steps=30,
                    default_guidance=5.0)

MAGIC = b"HEARTH-FAKE-VIDEO (test double, not a video)\n"


class OutOfMemoryError(RuntimeError):
    """Named like torch.cuda.OutOfMemoryError, which the worker recognises by class name."""


class FakePipeline:
    spec = SPEC
    dtypes = ("bf16", "fp16", "fp8")   # the --dtype choices, advertised in ready like the real pipelines
    noise = True          # print to stdout like a chatty library (must end up in the log)

    def __init__(self, step_delay: float = 0.01):
        self.step_delay = step_delay
        self.loaded = False

    def load(self) -> None:
        if self.noise:
            print("fake pipeline: library noise on stdout during load")
            sys.stdout.flush()
            os.write(1, b"fake pipeline: native write to fd 1\n")     # like C code or a child process
        self.loaded = True

    def generate(self, job, on_step, should_stop):
        if self.noise:
            print("fake pipeline: library noise on stdout during generate")
        params = job.get("params") or {}
        delay = float(params.get("fake_step_delay", self.step_delay))
        fail = params.get("fake_fail")
        steps = job["steps"]
        for i in range(steps):
            if should_stop():            # like diffusers' interrupt flag: remaining steps skipped
                break
            time.sleep(delay)
            if fail == "oom" and i == steps // 2:
                raise OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB (fake)")
            if fail == "error" and i == steps // 2:
                raise RuntimeError("fake pipeline failure")
            on_step(i + 1, steps)
        return {"frames": job["num_frames"], "size": [job["width"], job["height"]], "seed": job["seed"],
                "prompt": job["prompt"], "task": job["task"], "image": job["image"],
                "fail": fail}

    def export(self, frames, path, fps) -> None:
        if frames.get("fail") == "export":
            raise OSError("fake export failure")
        with open(path, "wb") as f:
            f.write(MAGIC)
            f.write(json.dumps(dict(frames, fps=fps)).encode() + b"\n")

    def cleanup(self) -> None:
        pass
