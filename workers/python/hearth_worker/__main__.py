"""python3 -m hearth_worker --pipeline wan2.1-t2v --model /models/Wan2.1-T2V-14B-Diffusers [--dtype fp8]
   python3 -m hearth_worker --pipeline whisper --model /models/faster-whisper-large-v3 [--device cuda]
   python3 -m hearth_worker --pipeline wan2.1-t2v --describe     (its limits as JSON; loads nothing)

stdout carries protocol lines only: the real stdout is kept for the protocol, and file
descriptor 1 plus sys.stdout are pointed at stderr, so prints from libraries (and from native
code or child processes that inherit fd 1) land in the log instead.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys

from . import __version__
from .pipelines import CHOICES, DTYPES, build, spec_of
from .protocol import Worker, limits
from .transcribe import limits as transcribe_limits


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="hearth_worker", description="Hearth worker: video (diffusers) and transcription (faster-whisper)")
    ap.add_argument("--pipeline", required=True, choices=CHOICES,
                    help="which pipeline; 'whisper' transcribes audio; 'fake' is a test double that writes "
                         "a tiny non-video file")
    ap.add_argument("--model", help="local model directory or Hugging Face id (diffusers format; for whisper a "
                                    "faster-whisper (CTranslate2) directory, a size such as large-v3 or a "
                                    "Hugging Face id such as Systran/faster-whisper-large-v3)")
    ap.add_argument("--transformer", help="framepack-i2v: the FramePack transformer (a directory or Hugging Face "
                                           "id, e.g. lllyasviel/FramePackI2V_HY) when --model is HunyuanVideo's")
    ap.add_argument("--image-encoder", help="framepack-i2v: a directory or id with feature_extractor/ and "
                                             "image_encoder/ (SigLIP, e.g. lllyasviel/flux_redux_bfl)")
    ap.add_argument("--dtype", choices=DTYPES, default="bf16",
                    help="bf16 (default), fp16, or fp8 (transformer weights stored in float8_e4m3fn, "
                         "computed in bf16)")
    ap.add_argument("--cpu-offload", action="store_true",
                    help="enable_model_cpu_offload: keep only the active model on the GPU")
    ap.add_argument("--device", help="torch device (default cuda); whisper: cuda, cpu or auto (default auto: "
                                     "cuda when CTranslate2 sees a GPU)")
    ap.add_argument("--compute-type", help="whisper: CTranslate2's compute type (default float16 on cuda, int8 on "
                                           "cpu; also int8_float16, int8_float32, float32, bfloat16)")
    ap.add_argument("--heartbeat", type=float, default=15.0,
                    help="repeat the last progress line after this many silent seconds in a job (0: off)")
    ap.add_argument("--fake-step-delay", type=float, default=0.01, help=argparse.SUPPRESS)
    ap.add_argument("--test-hooks", action="store_true", help=argparse.SUPPRESS)   # params hold, fail
    ap.add_argument("--describe", action="store_true",
                    help="print the pipeline's limits (the 'limits' of its ready message) as JSON and exit, "
                         "loading nothing: paste them under the model's limits: in hearth.yaml")
    ap.add_argument("--version", action="version", version=f"hearth_worker {__version__}")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.describe:
        if args.pipeline == "whisper":
            print(json.dumps(transcribe_limits(spec_of(args.pipeline, args.model))))
        else:
            print(json.dumps(limits(spec_of(args.pipeline), DTYPES)))
        sys.stdout.flush()
        return 0
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s hearth_worker %(levelname)s %(message)s")
    log = logging.getLogger("hearth_worker")

    # Keep the real stdout for the protocol; everything else that writes to stdout goes to stderr.
    sys.stdout.flush()
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    protocol_out = io.TextIOWrapper(io.FileIO(proto_fd, "w"), encoding="utf-8", newline="\n",
                                    line_buffering=True)
    sys.stdout = sys.stderr

    try:
        pipeline = build(args.pipeline, args.model, args.dtype, args.cpu_offload, args.device,
                         fake_step_delay=args.fake_step_delay, test_hooks=args.test_hooks,
                         parts={"transformer": args.transformer, "image_encoder": args.image_encoder},
                         compute_type=args.compute_type)
    except ValueError as e:
        log.error("%s", e)
        return 2
    code = Worker(pipeline, sys.stdin.buffer, protocol_out, heartbeat=args.heartbeat).serve()
    protocol_out.flush()
    return code


def console_main() -> None:
    rc = main()
    sys.stderr.flush()
    # os._exit: the stdin reader is a daemon thread blocked in a read; a normal interpreter
    # shutdown can abort on stdin's lock ("could not acquire lock ... at interpreter shutdown").
    os._exit(rc)


if __name__ == "__main__":
    console_main()
