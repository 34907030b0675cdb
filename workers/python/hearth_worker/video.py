"""The video job kind (tasks t2v, i2v): validate, denoise step by step, export video.mp4. Stdlib only;
the pipeline (pipelines.DiffusersPipeline, or fake.FakePipeline) does the work."""

from __future__ import annotations

import logging
import os

from .protocol import OUTPUT_NAME, ParamError, _Failure, _Job, atomic_write, ready_message, validate

log = logging.getLogger("hearth_worker")


class VideoJobs:
    """The job body of a video worker: validate, denoise step by step, export video.mp4."""

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def ready(self) -> dict:
        return ready_message(self.pipeline.spec, getattr(self.pipeline, "dtypes", ()))

    def execute(self, worker, job: _Job) -> dict:
        msg = job.msg
        cancelled = {"type": "cancelled", "job": job.id}
        out_dir = msg.get("output_dir")
        if not isinstance(out_dir, str) or not out_dir:
            raise ParamError("output_dir", "is required (a directory path)")
        p = validate(self.pipeline.spec, msg.get("task"), msg.get("params"), msg.get("inputs"))
        p["output_dir"] = out_dir
        for note in p["notes"]:
            log.info("job %s: %s", job.id, note)
        log.info("job %s: %s %dx%d, %d frames at %d fps, %d steps, guidance %.2f, seed %d",
                 job.id, p["task"], p["width"], p["height"], p["num_frames"], p["fps"], p["steps"],
                 p["guidance_scale"], p["seed"])
        if job.cancel.is_set():
            return cancelled
        os.makedirs(out_dir, exist_ok=True)

        def on_step(step: int, steps: int) -> None:
            steps = max(1, int(steps))
            step = min(int(step), steps)
            worker._progress(job, {"type": "progress", "job": job.id, "progress": round(step / steps, 4),
                                   "stage": "denoise", "step": step, "steps": steps})

        worker._progress(job, {"type": "progress", "job": job.id, "progress": 0.0, "stage": "denoise",
                               "step": 0, "steps": p["steps"]})
        try:
            frames = self.pipeline.generate(p, on_step, job.cancel.is_set)
        except ParamError:
            raise
        except Exception as e:
            raise _Failure("pipeline") from e
        if job.cancel.is_set():
            return cancelled

        worker._progress(job, {"type": "progress", "job": job.id, "progress": 1.0, "stage": "encode"})
        path = os.path.abspath(os.path.join(out_dir, OUTPUT_NAME))

        def export(tmp: str) -> None:
            try:
                self.pipeline.export(frames, tmp, p["fps"])
            except Exception as e:
                raise _Failure("export") from e

        if not atomic_write(path, export, job.cancel.is_set):
            return cancelled
        job.last_progress = None      # no heartbeat repeats after the output line
        worker.emit.send({"type": "output", "job": job.id, "path": path, "content_type": "video/mp4"})
        return {"type": "done", "job": job.id}
