"""A transcript and its four files: text, SubRip, WebVTT and OpenAI's verbose_json. Standard library only.

Times are seconds (floats); the files round them to milliseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import List, Optional

# (file name, content type, renderer name); the order in which the worker writes and announces them
FILES = (
    ("transcript.txt", "text/plain", "text"),
    ("transcript.srt", "application/x-subrip", "srt"),
    ("transcript.vtt", "text/vtt", "vtt"),
    ("transcript.json", "application/json", "verbose_json"),
)


@dataclass
class Word:
    word: str            # with its leading space, as Whisper decodes it
    start: float
    end: float
    probability: Optional[float] = None


@dataclass
class Segment:
    id: int
    seek: int            # the decoding window's offset in mel frames (100 per second)
    start: float
    end: float
    text: str
    tokens: List[int] = field(default_factory=list)
    temperature: float = 0.0
    avg_logprob: float = 0.0
    compression_ratio: float = 0.0
    no_speech_prob: float = 0.0
    words: List[Word] = field(default_factory=list)
    speaker: Optional[str] = None


@dataclass
class Transcript:
    task: str            # "transcribe" or "translate"
    language: str        # the language code Whisper used ("en")
    duration: float      # seconds of audio
    segments: List[Segment]
    word_timestamps: bool

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments).strip()


def _clock(seconds: float, sep: str) -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cue_text(seg: Segment) -> str:
    # A cue's text never holds a blank line: that would end the cue early in both formats.
    text = "\n".join(line.strip() for line in seg.text.strip().splitlines() if line.strip())
    return f"[{seg.speaker}] {text}" if seg.speaker else text


def text(t: Transcript) -> str:
    return t.text + "\n"


def srt(t: Transcript) -> str:
    cues = [f"{i}\n{_clock(s.start, ',')} --> {_clock(s.end, ',')}\n{_cue_text(s)}\n"
            for i, s in enumerate(t.segments, 1)]
    return "\n".join(cues)


def vtt(t: Transcript) -> str:
    cues = [f"{_clock(s.start, '.')} --> {_clock(s.end, '.')}\n{_cue_text(s)}\n" for s in t.segments]
    return "WEBVTT\n\n" + "\n".join(cues)


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def verbose_json(t: Transcript) -> str:
    """OpenAI's verbose_json: task, language, duration, text, segments and (with word timestamps) words."""
    segments = []
    for s in t.segments:
        seg = {"id": s.id, "seek": s.seek, "start": _r(s.start), "end": _r(s.end), "text": s.text,
               "tokens": list(s.tokens), "temperature": float(s.temperature),
               "avg_logprob": float(s.avg_logprob), "compression_ratio": float(s.compression_ratio),
               "no_speech_prob": float(s.no_speech_prob)}
        if s.speaker is not None:
            seg["speaker"] = s.speaker
        segments.append(seg)
    out = {"task": t.task, "language": t.language, "duration": _r(t.duration), "text": t.text,
           "segments": segments}
    if t.word_timestamps:
        out["words"] = [{"word": w.word.strip(), "start": _r(w.start), "end": _r(w.end)}
                        for s in t.segments for w in s.words]
    return json.dumps(out, ensure_ascii=False) + "\n"


RENDERERS = {"text": text, "srt": srt, "vtt": vtt, "verbose_json": verbose_json}
