"""The real pipelines: diffusers Wan 2.1, Wan 2.2, LTX-Video, LTX-2 and FramePack, built lazily.

torch, diffusers, transformers and PIL are imported only inside load()/generate()/export(), so
the protocol layer and its tests need nothing beyond the standard library.
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import time
from dataclasses import dataclass
from typing import Optional

from .protocol import ParamError, PipelineSpec, number

log = logging.getLogger("hearth_worker")

DTYPES = ("bf16", "fp16", "fp8")


@dataclass(frozen=True)
class Variant:
    spec: PipelineSpec
    family: str          # "wan", "ltx", "ltx2" or "framepack"
    class_name: str      # the diffusers pipeline class
    # Wan 2.2 A14B: the guidance of transformer_2 (the low-noise expert) when a job names none.
    default_guidance_2: Optional[float] = None
    # Wan 2.1: flow_shift 3.0 below 720p, 5.0 from 720p (diffusers' Wan docs); Wan 2.2 keeps its
    # scheduler config's own unless a job names one.
    shift_by_size: bool = False


def _wan(name, task, cls, steps):
    return Variant(PipelineSpec(name=name, tasks=(task,), default_size=(832, 480), size_multiple=16,
                                frame_step=4, default_fps=16, default_seconds=5.0, default_steps=steps,
                                default_guidance=5.0), "wan", cls, shift_by_size=True)


def _wan22(name, task, cls, guidance, guidance_2):
    # Wan 2.2 A14B (two experts: transformer for high noise, transformer_2 for low noise), as its
    # model card runs it: 1280x720, 81 frames at 16 fps, 40 steps.
    return Variant(PipelineSpec(name=name, tasks=(task,), default_size=(1280, 720), size_multiple=16,
                                frame_step=4, default_fps=16, default_seconds=5.0, default_steps=40,
                                default_guidance=guidance), "wan", cls, default_guidance_2=guidance_2)


def _wan22_5b(name, task, cls):
    # Wan 2.2 TI2V-5B: one transformer, timesteps expanded per latent frame, a VAE of 16x spatial
    # compression (so sizes in multiples of 32); its model card runs 1280x704, 121 frames at 24 fps.
    # One download serves both tasks: the i2v class loads the same directory.
    return Variant(PipelineSpec(name=name, tasks=(task,), default_size=(1280, 704), size_multiple=32,
                                frame_step=4, default_fps=24, default_seconds=5.0, default_steps=50,
                                default_guidance=5.0), "wan", cls)


def _framepack():
    # FramePack (HunyuanVideo I2V, guidance-distilled) as its demo runs it: 30 fps, 25 steps, distilled
    # guidance 10; it generates sections of latent_window_size (9) latent frames.
    return Variant(PipelineSpec(name="framepack-i2v", tasks=("i2v",), default_size=(832, 480), size_multiple=16,
                                frame_step=4, default_fps=30, default_seconds=5.0, default_steps=25,
                                default_guidance=10.0), "framepack", "HunyuanVideoFramepackPipeline")


def _ltx(name, task, cls):
    return Variant(PipelineSpec(name=name, tasks=(task,), default_size=(704, 480), size_multiple=32,
                                frame_step=8, default_fps=24, default_seconds=5.0, default_steps=50,
                                default_guidance=3.0), "ltx", cls)


def _ltx2(name, task, cls):
    # LTX-2 (video with audio, one transformer for both) at LTX2Pipeline's own call defaults: 768x512,
    # 121 frames at 24 fps, 30 steps, guidance 3.0; sizes in multiples of 32, frames 8k+1 (its VAE's
    # 32x spatial and 8x temporal compression; check_inputs refuses other sizes).
    return Variant(PipelineSpec(name=name, tasks=(task,), default_size=(768, 512), size_multiple=32,
                                frame_step=8, default_fps=24, default_seconds=5.0, default_steps=30,
                                default_guidance=3.0), "ltx2", cls)


VARIANTS = {
    "wan2.1-t2v": _wan("wan2.1-t2v", "t2v", "WanPipeline", 50),
    "wan2.1-i2v": _wan("wan2.1-i2v", "i2v", "WanImageToVideoPipeline", 40),
    "wan2.2-t2v": _wan22("wan2.2-t2v", "t2v", "WanPipeline", 4.0, 3.0),
    "wan2.2-i2v": _wan22("wan2.2-i2v", "i2v", "WanImageToVideoPipeline", 3.5, 3.5),
    "wan2.2-5b-t2v": _wan22_5b("wan2.2-5b-t2v", "t2v", "WanPipeline"),
    "wan2.2-5b-i2v": _wan22_5b("wan2.2-5b-i2v", "i2v", "WanImageToVideoPipeline"),
    "framepack-i2v": _framepack(),
    "ltx-t2v": _ltx("ltx-t2v", "t2v", "LTXPipeline"),
    "ltx-i2v": _ltx("ltx-i2v", "i2v", "LTXImageToVideoPipeline"),
    "ltx2-t2v": _ltx2("ltx2-t2v", "t2v", "LTX2Pipeline"),
    "ltx2-i2v": _ltx2("ltx2-i2v", "i2v", "LTX2ImageToVideoPipeline"),
}
CHOICES = tuple(VARIANTS) + ("whisper", "fake")


def spec_of(name: str, model: str = None):
    """A pipeline's spec without building it (imports nothing heavy): a PipelineSpec, or for whisper a
    transcribe.TranscribeSpec (English-only or not, as far as the model's name or directory tells)."""
    if name == "fake":
        from .fake import SPEC
        return SPEC
    if name == "whisper":
        from .whisper import spec_for
        return spec_for(model)
    return VARIANTS[name].spec


def build(name: str, model: str = None, dtype: str = "bf16", cpu_offload: bool = False,
          device: str = None, fake_step_delay: float = 0.01, test_hooks: bool = False, parts=None,
          compute_type: str = None):
    """parts: FramePack's weights from other repositories than --model, {"transformer": …, "image_encoder": …}.
    device: None is the pipeline's default (cuda for diffusers, auto for whisper). compute_type: whisper only."""
    if name == "fake":
        from .fake import FakePipeline
        return FakePipeline(step_delay=fake_step_delay)
    if name == "whisper":
        if not model:
            raise ValueError("--model is required (a faster-whisper model directory, a size such as large-v3, "
                             "or a Hugging Face id such as Systran/faster-whisper-large-v3)")
        if cpu_offload or any((parts or {}).values()):
            raise ValueError("--cpu-offload, --transformer and --image-encoder are for the diffusers pipelines")
        from .whisper import WhisperTranscriber
        return WhisperTranscriber(model, device or "auto", compute_type, test_hooks)
    if compute_type:
        raise ValueError("--compute-type is for the whisper pipeline; the diffusers pipelines take --dtype")
    device = device or "cuda"
    if name not in VARIANTS:
        raise ValueError(f"unknown pipeline {name!r}; choose one of {', '.join(CHOICES)}")
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
    if not model:
        raise ValueError("--model is required (a local directory or a Hugging Face id)")
    parts = {k: v for k, v in (parts or {}).items() if v}
    if parts and VARIANTS[name].family != "framepack":
        raise ValueError(f"--{'/--'.join(k.replace('_', '-') for k in parts)} is for framepack-i2v only")
    return DiffusersPipeline(VARIANTS[name], model, dtype, cpu_offload, device, test_hooks, parts)


class _Frames(list):
    """Frames with the audio LTX-2 makes alongside: .audio (channels, samples) floats in [-1, 1], .sample_rate."""
    audio = None
    sample_rate = None


def _write_wav(path: str, audio, sample_rate: int) -> None:
    import wave
    import numpy as np

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").T      # (samples, channels), interleaved
    with wave.open(path, "wb") as w:
        w.setnchannels(pcm.shape[1])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(np.ascontiguousarray(pcm).tobytes())


class _Stopped(Exception):
    """Raised from the step callback to end a cancelled job before the VAE decode."""

    def __init__(self, step: int, steps: int):
        super().__init__(f"cancelled after step {step} of {steps}")
        self.step, self.steps = step, steps


class DiffusersPipeline:
    dtypes = DTYPES          # advertised in ready's limits
    def __init__(self, variant: Variant, model: str, dtype: str, cpu_offload: bool, device: str,
                 test_hooks: bool = False, parts=None):
        self.variant = variant
        self.spec = variant.spec
        self.model = model
        self.dtype = dtype
        self.cpu_offload = cpu_offload
        self.device = device
        self.test_hooks = test_hooks
        self.parts = parts or {}
        self.model_flow_shift = None
        self.pipe = None

    def load(self) -> None:
        import torch
        import diffusers

        v = self.variant
        compute = torch.float16 if self.dtype == "fp16" else torch.bfloat16
        kwargs = {"torch_dtype": compute}
        if v.family == "wan":
            # The Wan VAE (and the I2V CLIP image encoder) run in fp32, as diffusers' Wan docs advise.
            log.info("loading Wan VAE (fp32) from %s", self.model)
            kwargs["vae"] = diffusers.AutoencoderKLWan.from_pretrained(
                self.model, subfolder="vae", torch_dtype=torch.float32)
            # Wan 2.1 I2V has a CLIP image encoder; Wan 2.2 I2V has none (null in model_index.json).
            has_encoder = (diffusers.DiffusionPipeline.load_config(self.model).get("image_encoder") or [None])[0]
            if v.class_name == "WanImageToVideoPipeline" and has_encoder:
                from transformers import CLIPVisionModel
                log.info("loading Wan image encoder (fp32)")
                kwargs["image_encoder"] = CLIPVisionModel.from_pretrained(
                    self.model, subfolder="image_encoder", torch_dtype=torch.float32)
        if self.parts.get("transformer"):
            log.info("loading the FramePack transformer from %s", self.parts["transformer"])
            kwargs["transformer"] = diffusers.HunyuanVideoFramepackTransformer3DModel.from_pretrained(
                self.parts["transformer"], torch_dtype=compute)
        if self.parts.get("image_encoder"):
            from transformers import SiglipImageProcessor, SiglipVisionModel
            log.info("loading the SigLIP image encoder from %s", self.parts["image_encoder"])
            kwargs["feature_extractor"] = SiglipImageProcessor.from_pretrained(
                self.parts["image_encoder"], subfolder="feature_extractor")
            kwargs["image_encoder"] = SiglipVisionModel.from_pretrained(
                self.parts["image_encoder"], subfolder="image_encoder", torch_dtype=compute)
        log.info("loading %s from %s (%s)", v.class_name, self.model, self.dtype)
        pipe = getattr(diffusers, v.class_name).from_pretrained(self.model, **kwargs)

        if self.dtype == "fp8":
            if not hasattr(pipe.transformer, "enable_layerwise_casting"):
                raise RuntimeError("--dtype fp8 needs diffusers >= 0.33 (ModelMixin.enable_layerwise_casting)")
            for name in ("transformer", "transformer_2"):       # Wan 2.2 A14B has two
                if getattr(pipe, name, None) is not None:
                    log.info("%s weights stored as float8_e4m3fn, computed in %s", name, self.dtype)
                    getattr(pipe, name).enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                                 compute_dtype=compute)

        if self.cpu_offload:
            log.info("model CPU offload on %s", self.device)
            pipe.enable_model_cpu_offload(device=self.device)
        else:
            pipe.to(self.device)
        pipe.set_progress_bar_config(disable=True)
        self.model_flow_shift = pipe.scheduler.config.get("flow_shift")     # restored for jobs naming none
        self.pipe = pipe

    def _set_wan_flow_shift(self, job: dict) -> None:
        # Wan 2.1's recommended flow shift: 3.0 for 480p, 5.0 for 720p (diffusers' Wan docs).
        shift = job["params"].get("flow_shift")
        if shift is None:
            if self.variant.shift_by_size:
                shift = 5.0 if job["width"] * job["height"] >= 1280 * 720 else 3.0
            else:                     # the model's own, not what an earlier job asked for
                shift = self.model_flow_shift
            if shift is None:
                return
        elif isinstance(shift, bool) or not isinstance(shift, (int, float)) or not 0 < shift <= 20:
            raise ParamError("flow_shift", f"must be a number in (0, 20], got {shift!r}")
        config = self.pipe.scheduler.config
        if "flow_shift" not in config:
            log.info("scheduler %s has no flow_shift; left as is", type(self.pipe.scheduler).__name__)
        elif config["flow_shift"] != shift:
            log.info("flow_shift %s -> %s", config["flow_shift"], shift)
            self.pipe.scheduler = type(self.pipe.scheduler).from_config(config, flow_shift=float(shift))

    def _guidance_2(self, job: dict, args: dict) -> None:
        """Wan 2.2 A14B: guidance_scale_2 steers transformer_2, the low-noise expert."""
        given = number(job["params"], "guidance_scale_2", None, integer=False, lo=0, hi=100)
        if (getattr(self.pipe, "config", None) or {}).get("boundary_ratio") is None:
            if given is not None:
                raise ParamError("guidance_scale_2", f"{self.spec.name} has one transformer; "
                                                     "guidance_scale_2 is for Wan 2.2's two (transformer_2)")
            return
        value = given if given is not None else self.variant.default_guidance_2
        if value is not None:
            log.info("guidance_scale_2 %.2f for transformer_2 (below the boundary ratio %s)",
                     value, self.pipe.config["boundary_ratio"])
            args["guidance_scale_2"] = float(value)

    def generate(self, job, on_step, should_stop):
        import torch

        pipe = self.pipe
        steps = job["steps"]
        sections = 1           # FramePack denoises section after section, each with all the steps
        done = [0]

        def callback(p, i, t, callback_kwargs):
            done[0] += 1
            step, total = done[0], sections * (getattr(p, "_num_timesteps", None) or steps)
            on_step(step, total)
            if self.test_hooks:
                self._test_hooks(job, step, should_stop)
            if should_stop():
                # Raised, not p._interrupt: with the interrupt flag diffusers skips the remaining
                # steps but still decodes the partial latents with the VAE (seconds to minutes).
                raise _Stopped(step, total)
            return callback_kwargs

        args = dict(prompt=job["prompt"], negative_prompt=job["negative_prompt"],
                    width=job["width"], height=job["height"], num_frames=job["num_frames"],
                    num_inference_steps=steps, guidance_scale=job["guidance_scale"],
                    generator=torch.Generator(device="cpu").manual_seed(job["seed"]),
                    callback_on_step_end=callback)
        if self.variant.family == "wan":
            self._set_wan_flow_shift(job)
            self._guidance_2(job, args)
        elif self.variant.family == "framepack":
            # Guidance-distilled: guidance_scale is the distilled guidance, and without true CFG
            # (true_cfg_scale 1) there is no negative prompt.
            window = number(job["params"], "latent_window_size", 9, integer=True, lo=1, hi=33)
            if args.pop("negative_prompt"):
                log.info("negative_prompt ignored: FramePack runs without true CFG")
            args["latent_window_size"] = window
            frames_per_section = (window - 1) * pipe.vae_scale_factor_temporal + 1
            sections = max(1, -(-job["num_frames"] // frames_per_section))
        elif self.variant.family == "ltx2":
            args["frame_rate"] = job["fps"]
            # STG perturbs the blocks the pipeline names by default (LTX-2.3's); a model with fewer
            # blocks (the tests' tiny one) gets its last block instead.
            layers = pipe.transformer.config.num_layers
            blocks = inspect.signature(pipe.__call__).parameters["spatio_temporal_guidance_blocks"].default
            if blocks and max(blocks) >= layers:
                log.info("STG blocks %s past the transformer's %d blocks; using block %d", blocks, layers, layers - 1)
                args["spatio_temporal_guidance_blocks"] = [layers - 1]
            if job["image"]:
                import importlib.util
                if importlib.util.find_spec("av") is None:
                    # LTX-2 re-encodes the conditioning image with H.264 (PyAV) as in its training data.
                    log.info("PyAV (av) not installed: the conditioning image is used without its H.264 "
                             "re-compression (image_crf=0)")
                    args["image_crf"] = 0
        else:
            # frame_rate scales LTX's positional encoding; decode_* are for 0.9.1+ VAEs with timestep
            # conditioning (ignored by VAEs without it).
            args["frame_rate"] = job["fps"]
            accepted = inspect.signature(pipe.__call__).parameters
            for key, value in (("decode_timestep", 0.03), ("decode_noise_scale", 0.025)):
                if key in accepted:          # diffusers >= 0.32
                    args[key] = value
        if job["image"]:
            from PIL import Image, ImageOps
            try:
                with Image.open(job["image"]) as im:
                    image = ImageOps.exif_transpose(im).convert("RGB")
            except Exception as e:  # noqa: BLE001
                raise ParamError("inputs.image", f"cannot read image: {e}") from e
            # Scale and centre-crop to the requested size, so the aspect ratio is not distorted.
            args["image"] = ImageOps.fit(image, (job["width"], job["height"]), Image.Resampling.LANCZOS)
        if should_stop():
            return None
        try:
            with torch.inference_mode():
                out = pipe(**args)
        except _Stopped as stop:
            log.info("cancelled after denoising step %d of %d; the latents are not decoded", stop.step, stop.steps)
            return None
        frames = out.frames[0]
        if getattr(out, "audio", None) is not None:         # LTX-2: a waveform (batch, channels, samples)
            frames = _Frames(frames)
            frames.audio = out.audio[0].float().cpu().numpy()
            frames.sample_rate = int(pipe.vocoder.config.output_sampling_rate)
        if len(frames) > job["num_frames"]:      # FramePack makes whole sections
            log.info("%d frames made, keeping the %d asked for", len(frames), job["num_frames"])
            frames = frames[:job["num_frames"]]
        return frames

    def _test_hooks(self, job, step, should_stop) -> None:
        """Only with --test-hooks: params "hold": true waits after the first step until a file named
        "release" appears in the output directory or the job is cancelled (so a test, not the
        machine's speed, decides when a job moves on); "fail": "oom" asks the device for an
        impossible 1 PiB tensor, so a real out-of-memory error comes out of torch."""
        import torch

        params = job["params"]
        if step == 1 and params.get("hold") is True:
            release = os.path.join(job["output_dir"], "release")
            log.info("holding after step 1 until %s exists or the job is cancelled", release)
            while not os.path.exists(release) and not should_stop():
                time.sleep(0.05)
        if step == 1 and params.get("fail") == "oom":
            torch.empty(1 << 50, dtype=torch.uint8, device=self.device)

    def export(self, frames, path, fps) -> None:
        from diffusers.utils import export_to_video
        audio = getattr(frames, "audio", None)
        if audio is None:
            export_to_video(frames, path, fps=fps)
            return
        # LTX-2: the video through diffusers, the audio as a 16-bit WAV, muxed into one MP4 by the
        # ffmpeg imageio-ffmpeg brings (the video stream copied, the audio encoded as AAC).
        import subprocess
        import imageio_ffmpeg
        base = path[:-len(".mp4")] if path.endswith(".mp4") else path
        video, wav = base + ".video.mp4", base + ".audio.wav"
        try:
            export_to_video(list(frames), video, fps=fps)
            _write_wav(wav, audio, frames.sample_rate)
            done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-i", video, "-i", wav,
                                   "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac",
                                   "-f", "mp4", path], capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"ffmpeg could not mux the audio: {done.stderr.strip()[-500:]}")
            log.info("muxed %d audio channel(s) at %d Hz into the MP4", audio.shape[0], frames.sample_rate)
        finally:
            for f in (video, wav):
                if os.path.exists(f):
                    os.remove(f)

    def cleanup(self) -> None:
        if self.cpu_offload and self.pipe is not None:
            # After an exception or interrupt the offload hooks may leave a model on the GPU.
            self.pipe.maybe_free_model_hooks()
        gc.collect()
        import torch
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
