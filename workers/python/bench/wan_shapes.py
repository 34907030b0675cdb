"""What a Wan 2.1 T2V job costs on this GPU, without downloading the model: a pipeline of Wan 2.1's
real shapes (the 1.3B or the 14B transformer config and the real VAE, random weights; a one-layer
UMT5 of the real width 4096 stands in for UMT5-XXL, whose 5.68 B parameters, 10.6 GiB in bf16, come
on top of the peaks printed) is saved as a download is laid out, then loaded and run through
hearth_worker's own adapter: load time, seconds per denoising step (two transformer passes: the
default guidance), VAE decode, MP4 export, and peak GPU memory — for bf16, fp8 (and bf16 with CPU
offload at 1.3B).

    python3 workers/python/bench/wan_shapes.py                 # 1.3B, 832x480, 81 frames
    WAN_SHAPE=14b python3 workers/python/bench/wan_shapes.py   # 14B: 29 GB of disk under /tmp, ~80 GiB of GPU to build
    BENCH_DEVICE=cpu python3 workers/python/bench/wan_shapes.py   # a dry run of the script at 32x32

Results go to stdout and $OUT/wan-<shape>.json (OUT defaults to /tmp); figures in BENCHMARKS.md."""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))     # workers/python
from hearth_worker import pipelines  # noqa: E402
from hearth_worker.protocol import validate  # noqa: E402
from tests_torch import tiny  # noqa: E402

OUT = os.environ.get("OUT", "/tmp")
DIR = "/tmp/hearth-wan-shapes"
DEV = os.environ.get("BENCH_DEVICE", "cuda")      # cpu: a dry run of this script, tiny sizes
CUDA = DEV == "cuda"
SHAPE = os.environ.get("WAN_SHAPE", "1.3b")     # or 14b: Wan 2.1 T2V 14B's transformer config
HEADS, FFN, LAYERS = (40, 13824, 40) if SHAPE == "14b" else (12, 8960, 30)


def sync():
    if CUDA:
        torch.cuda.synchronize()


def build():
    from diffusers import AutoencoderKLWan, WanPipeline, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel
    t0 = time.time()
    with torch.device(DEV):
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=HEADS, attention_head_dim=128, in_channels=16, out_channels=16,
            text_dim=4096, freq_dim=256, ffn_dim=FFN, num_layers=LAYERS, cross_attn_norm=True,
            qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024).to(torch.bfloat16)
        vae = AutoencoderKLWan()
    tok = tiny.tokenizer()
    te = UMT5EncoderModel(UMT5Config(vocab_size=len(tok), d_model=4096, d_kv=64, d_ff=64, num_layers=1,
                                     num_heads=4, relative_attention_num_buckets=8))
    pipe = WanPipeline(tokenizer=tok, text_encoder=te, vae=vae, scheduler=tiny.wan_scheduler(),
                       transformer=transformer)
    pipe.save_pretrained(DIR)
    n = sum(p.numel() for p in transformer.parameters())
    del pipe, transformer, vae, te
    if CUDA:
        torch.cuda.empty_cache()
    return {"transformer_params": n, "build_and_save_s": round(time.time() - t0, 1)}


def run(dtype, offload, frames, size="832x480", steps=4):
    if CUDA:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.time()
    p = pipelines.build("wan2.1-t2v", DIR, dtype=dtype, cpu_offload=offload, device=DEV)
    p.load()
    sync()
    load_s = time.time() - t0
    job = validate(p.spec, None, {"prompt": "a red fox in snow", "seed": 1, "size": size,
                                  "num_frames": frames, "fps": 16, "steps": steps}, None)
    job["output_dir"] = "/tmp"
    marks = []
    t1 = time.time()
    out = p.generate(job, lambda s, n: (sync(), marks.append(time.time())), lambda: False)
    t2 = time.time()
    p.export(out, f"/tmp/wan13-{dtype}-{offload}.mp4", 16)
    t3 = time.time()
    per_step = [round(b - a, 3) for a, b in zip([t1] + marks, marks)]
    r = {"dtype": dtype, "cpu_offload": offload, "size": size, "frames": len(out), "steps": steps,
         "load_s": round(load_s, 1), "step_s": per_step, "decode_s": round(t2 - marks[-1], 2),
         "export_s": round(t3 - t2, 2), "peak_allocated_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if CUDA else None,
         "peak_reserved_gib": round(torch.cuda.max_memory_reserved() / 2**30, 2) if CUDA else None}
    p.pipe = None
    p.cleanup()
    return r


if __name__ == "__main__":
    results = [build()]
    print(json.dumps(results[-1]), flush=True)
    variants = ((("bf16", False, 81, "832x480", 2), ("fp8", False, 81, "832x480", 2)) if SHAPE == "14b" else
                (("bf16", False, 81), ("fp8", False, 81), ("bf16", True, 33))) if CUDA else \
        (("bf16", False, 5, "32x32", 1), ("fp8", False, 5, "32x32", 1))
    for args in variants:
        try:
            results.append(run(*args))
        except Exception as e:  # report and go on: one failed variant should not hide the others
            results.append({"variant": list(args), "error": f"{type(e).__name__}: {str(e)[:400]}"})
        print(json.dumps(results[-1]), flush=True)
        with open(os.path.join(OUT, f"wan-{SHAPE}.json"), "w") as f:
            json.dump(results, f, indent=1)
