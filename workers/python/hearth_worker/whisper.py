"""The `whisper` pipeline: Whisper speech-to-text through faster-whisper (CTranslate2), built lazily.

faster_whisper and ctranslate2 are imported only inside load()/start(), so the protocol layer and
--describe need nothing beyond the standard library.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from typing import Iterator, Optional

from . import transcript
from .protocol import ParamError
from .transcribe import Started, TranscribeSpec

log = logging.getLogger("hearth_worker")

DEVICES = ("cuda", "cpu", "auto")
# Whisper's English-only checkpoints (*.en) have 51864 tokens; the multilingual ones 51865 (large-v3: 51866).
MULTILINGUAL_VOCABULARY = 51865


def english_only(model: Optional[str]) -> bool:
    """Whether a model is English-only, before loading it: a local CTranslate2 directory by its vocabulary
    size, a name or hub id ("tiny.en", "Systran/faster-whisper-tiny.en") by its ".en" ending."""
    if model and os.path.isdir(model):
        for name in ("vocabulary.txt", "vocabulary.json"):
            path = os.path.join(model, name)
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    if name.endswith(".json"):
                        import json
                        size = len(json.load(f))
                    else:
                        size = len(f.read().splitlines())
                return size < MULTILINGUAL_VOCABULARY
    return bool(model) and os.path.basename(model.rstrip("/")).endswith(".en")


def spec_for(model: Optional[str], multilingual: Optional[bool] = None) -> TranscribeSpec:
    if multilingual is None:
        multilingual = not english_only(model)
    if multilingual:
        return TranscribeSpec(name="whisper", tasks=("transcribe", "translate"))
    return TranscribeSpec(name="whisper", tasks=("transcribe",), languages=("en",))


class WhisperTranscriber:
    """One faster-whisper model, loaded once; each job decodes its file and yields segments lazily."""

    def __init__(self, model: str, device: str = "auto", compute_type: Optional[str] = None,
                 test_hooks: bool = False):
        if device not in DEVICES:
            raise ValueError(f"--device {device!r}: the whisper pipeline runs on {', '.join(DEVICES)}")
        self.model_name = model
        self.device = device
        self.compute_type = compute_type
        self.test_hooks = test_hooks
        self.spec = spec_for(model)
        self.model = None
        self.languages = ()

    def load(self) -> None:
        import ctranslate2
        from faster_whisper import WhisperModel

        device = self.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        compute = self.compute_type or ("float16" if device == "cuda" else "int8")
        log.info("loading faster-whisper %s on %s (%s)", self.model_name, device, compute)
        # str(): faster-whisper hands the path to CTranslate2, which refuses a pathlib.Path.
        self.model = WhisperModel(str(self.model_name), device=device, compute_type=compute)
        multilingual = bool(self.model.model.is_multilingual)
        self.spec = spec_for(self.model_name, multilingual)
        self.languages = tuple(self.model.supported_languages)
        self.device, self.compute_type = device, compute
        log.info("whisper model loaded: %s, tasks %s", "multilingual" if multilingual else "English-only",
                 ", ".join(self.spec.tasks))

    def start(self, job: dict, should_stop) -> Started:
        from faster_whisper import decode_audio

        if job["language"] is not None and job["language"] not in self.languages:
            raise ParamError("language", f"Whisper does not know the language {job['language']!r}")
        rate = self.model.feature_extractor.sampling_rate
        try:
            audio = decode_audio(job["audio"], sampling_rate=rate)
        except MemoryError:
            raise                                # the "oom" error, not the file's fault
        except Exception as e:  # noqa: BLE001 - PyAV's errors for a file it cannot read are many
            raise ParamError("inputs.audio", f"cannot decode audio: {type(e).__name__}: {e}") from e
        options = dict(language=job["language"], task=job["task"], beam_size=job["beam_size"],
                       initial_prompt=job["prompt"], word_timestamps=job["word_timestamps"],
                       vad_filter=job["vad_filter"])
        if job["temperature"] is not None:       # else faster-whisper's fallback 0.0, 0.2 … 1.0
            options["temperature"] = job["temperature"]
        segments, info = self.model.transcribe(audio, **options)
        found = _segments(segments)
        if self.test_hooks and job["params"].get("hold") is True:
            found = _held(found, job["output_dir"], should_stop)
        return Started(language=info.language, duration=float(info.duration), segments=found)

    def cleanup(self) -> None:
        gc.collect()


def _held(found, output_dir: str, should_stop) -> Iterator[transcript.Segment]:
    """Only with --test-hooks and params "hold": true: after the first segment, wait until a file named
    "release" appears in the output directory or the job is cancelled, so a test, not the machine's
    speed, decides when the job moves on (as the video pipelines' hook does)."""
    release = os.path.join(output_dir, "release")
    for i, seg in enumerate(found):
        yield seg
        if i == 0:
            log.info("holding after the first segment until %s exists or the job is cancelled", release)
            while not os.path.exists(release) and not should_stop():
                time.sleep(0.05)


def _segments(found) -> Iterator[transcript.Segment]:
    # faster-whisper numbers segments from 1; OpenAI's verbose_json from 0.
    for i, s in enumerate(found):
        words = [transcript.Word(word=w.word, start=float(w.start), end=float(w.end),
                                 probability=float(w.probability)) for w in (s.words or ())]
        yield transcript.Segment(id=i, seek=int(s.seek), start=float(s.start), end=float(s.end), text=s.text,
                                 tokens=[int(t) for t in s.tokens], temperature=float(s.temperature or 0.0),
                                 avg_logprob=float(s.avg_logprob), compression_ratio=float(s.compression_ratio),
                                 no_speech_prob=float(s.no_speech_prob), words=words)
