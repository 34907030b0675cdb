"""The transcription job kind over the protocol, standard library only: a scripted transcriber stands in
for faster-whisper (tests_audio/ runs the real one).

Run: python3 -m unittest discover -s workers/python/tests -t workers/python -v
"""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)                       # workers/python
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests import test_protocol  # noqa: E402
from tests.test_protocol import TIMEOUT, InProcess  # noqa: E402

from hearth_worker import pipelines, transcribe, transcript, whisper  # noqa: E402
from hearth_worker.protocol import ParamError  # noqa: E402
from hearth_worker.transcribe import Started, TranscribeSpec  # noqa: E402
from hearth_worker.transcript import Segment, Word  # noqa: E402

ENGLISH = TranscribeSpec(name="whisper", tasks=("transcribe",), languages=("en",))
MULTI = TranscribeSpec(name="whisper", tasks=("transcribe", "translate"))
SRT_TIME = r"\d\d:\d\d:\d\d,\d\d\d"
VTT_TIME = r"\d\d:\d\d:\d\d\.\d\d\d"


def seg(i, start, end, text):
    words = text.split()
    step = (end - start) / len(words)
    return Segment(id=i, seek=int(start * 100), start=start, end=end, text=" " + text, tokens=[50363 + i, 1, 2],
                   temperature=0.0, avg_logprob=-0.25, compression_ratio=1.1, no_speech_prob=0.01,
                   words=[Word(" " + w, start + k * step, start + (k + 1) * step, 0.9) for k, w in enumerate(words)])


class ScriptedTranscriber:
    """Yields the given segments of `duration` seconds of audio; `between(i)` runs before segment i > 0
    is handed out (a test's hook); `fail` is raised instead of segment `fail_at`."""

    def __init__(self, segments, duration, spec=ENGLISH, between=None, fail=None, fail_at=1, start_error=None):
        self.spec, self.segments, self.duration = spec, segments, duration
        self.between, self.fail, self.fail_at, self.start_error = between, fail, fail_at, start_error
        self.jobs, self.handed_out, self.cleanups = [], 0, 0

    def load(self):
        pass

    def start(self, job, should_stop):
        self.jobs.append(job)
        if self.start_error:
            raise self.start_error
        return Started(language="en", duration=self.duration, segments=self._gen())

    def _gen(self):
        for i, s in enumerate(self.segments):
            if i and self.between:
                self.between(i)
            if self.fail and i == self.fail_at:
                raise self.fail
            self.handed_out += 1
            yield s

    def cleanup(self):
        self.cleanups += 1


SEGMENTS = [seg(0, 0.0, 4.25, "Go forward ten meters."), seg(1, 4.25, 12.5, "Then turn left."),
            seg(2, 31.0, 59.75, "Stop at the door.")]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_msg(job, out_dir, audio, task="transcribe", **params):
    return {"type": "run", "job": job, "task": task, "params": params, "inputs": {"audio": audio},
            "output_dir": out_dir}


class TranscribeProtocolTest(unittest.TestCase):
    start = test_protocol.InProcessTest.start          # a worker in-process, its ready line read

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, "out")
        logger = logging.getLogger("hearth_worker")          # the worker's log is not the test's output
        self.addCleanup(setattr, logger, "disabled", logger.disabled)
        logger.disabled = True
        self.audio = os.path.join(self.tmp.name, "in.ogg")
        with open(self.audio, "wb") as f:
            f.write(b"OggS not really")

    def test_ready_announces_transcribe_and_audio_limits(self):
        w = InProcess(ScriptedTranscriber(SEGMENTS, 60.0))
        self.addCleanup(w.close)
        ready = w.next()
        self.assertEqual((ready["type"], ready["protocol"], ready["tasks"]), ("ready", 1, ["transcribe"]))
        self.assertEqual(ready["limits"], transcribe.limits(ENGLISH))
        self.assertEqual(ready["limits"]["languages"], ["en"])
        self.assertEqual(transcribe.ready_message(MULTI)["tasks"], ["transcribe", "translate"])

    def test_progress_by_seconds_then_four_outputs_and_done(self):
        t = ScriptedTranscriber(SEGMENTS, 59.9)
        w = self.start(t)
        w.send(run_msg("j_t", self.out, self.audio, language="en", prompt="Robots.", temperature=0.2, beam_size=3))
        msgs = w.until("done")
        progress = [m for m in msgs if m["type"] == "progress"]
        self.assertEqual(progress[0], {"type": "progress", "job": "j_t", "progress": 0.0, "stage": "decode"})
        self.assertEqual([(m["stage"], m["step"], m["steps"]) for m in progress[1:]],
                         [("transcribe", 0, 60), ("transcribe", 4, 60), ("transcribe", 12, 60),
                          ("transcribe", 59, 60), ("transcribe", 60, 60)])
        self.assertEqual(progress[-1]["progress"], 1.0)
        outputs = [m for m in msgs if m["type"] == "output"]
        self.assertEqual([(os.path.basename(m["path"]), m["content_type"]) for m in outputs],
                         [("transcript.txt", "text/plain"), ("transcript.srt", "application/x-subrip"),
                          ("transcript.vtt", "text/vtt"), ("transcript.json", "application/json")])
        self.assertEqual(msgs[-1], {"type": "done", "job": "j_t"})
        self.assertEqual(sorted(os.listdir(self.out)), sorted(os.path.basename(m["path"]) for m in outputs))
        self.assertTrue(all(os.path.isabs(m["path"]) for m in outputs))
        job = t.jobs[0]
        self.assertEqual((job["language"], job["prompt"], job["temperature"], job["beam_size"],
                          job["word_timestamps"], job["vad_filter"]), ("en", "Robots.", 0.2, 3, True, False))
        self.assertEqual(t.cleanups, 1)

        files = {os.path.basename(m["path"]): read(m["path"]) for m in outputs}
        self.assertEqual(files["transcript.txt"], "Go forward ten meters. Then turn left. Stop at the door.\n")
        self.assertEqual(files["transcript.srt"].split("\n\n")[0],
                         "1\n00:00:00,000 --> 00:00:04,250\nGo forward ten meters.")
        self.assertRegex(files["transcript.srt"], rf"^(\d+\n{SRT_TIME} --> {SRT_TIME}\n.+\n\n?)+$")
        self.assertIn("3\n00:00:31,000 --> 00:00:59,750\nStop at the door.\n", files["transcript.srt"])
        self.assertTrue(files["transcript.vtt"].startswith("WEBVTT\n\n00:00:00.000 --> 00:00:04.250\n"))
        self.assertRegex(files["transcript.vtt"], rf"^WEBVTT\n\n({VTT_TIME} --> {VTT_TIME}\n.+\n\n?)+$")
        doc = json.loads(files["transcript.json"])
        self.assertEqual((doc["task"], doc["language"], doc["duration"]), ("transcribe", "en", 59.9))
        self.assertEqual(doc["text"], "Go forward ten meters. Then turn left. Stop at the door.")
        self.assertEqual([s["id"] for s in doc["segments"]], [0, 1, 2])
        self.assertEqual(set(doc["segments"][0]), {"id", "seek", "start", "end", "text", "tokens", "temperature",
                                                   "avg_logprob", "compression_ratio", "no_speech_prob"})
        self.assertEqual(doc["segments"][1]["start"], 4.25)
        self.assertEqual(doc["words"][0], {"word": "Go", "start": 0.0, "end": 1.062})
        self.assertEqual(len(doc["words"]), 11)

    def test_times_past_the_end_of_the_audio_are_clamped(self):
        # Whisper times a file's last window against the 30 s it pads it to: tiny.en ended a segment
        # at 63.68 s in 49.46 s of audio.
        w = self.start(ScriptedTranscriber([seg(0, 0.0, 2.0, "One."), seg(1, 46.48, 63.68, "Two words.")], 49.46))
        w.send(run_msg("j_end", self.out, self.audio))
        msgs = w.until("done")
        self.assertEqual([m["step"] for m in msgs if m.get("stage") == "transcribe"], [0, 2, 49, 50])
        doc = json.loads(read(os.path.join(self.out, "transcript.json")))
        self.assertEqual([(s["start"], s["end"]) for s in doc["segments"]], [(0.0, 2.0), (46.48, 49.46)])
        self.assertEqual([(x["start"], x["end"]) for x in doc["words"][1:]], [(46.48, 49.46), (49.46, 49.46)])
        self.assertIn("00:00:46,480 --> 00:00:49,460", read(os.path.join(self.out, "transcript.srt")))

    def test_a_multilingual_model_translates(self):
        t = ScriptedTranscriber(SEGMENTS[:1], 5.0, spec=MULTI)
        w = self.start(t)
        w.send(run_msg("j_tl", self.out, self.audio, task="translate", language="de"))
        w.until("done")
        self.assertEqual((t.jobs[0]["task"], t.jobs[0]["language"]), ("translate", "de"))
        self.assertEqual(json.loads(read(os.path.join(self.out, "transcript.json")))["task"], "translate")

    def test_without_word_timestamps_json_has_no_words(self):
        w = self.start(ScriptedTranscriber(SEGMENTS[:1], 5.0))
        w.send(run_msg("j_nw", self.out, self.audio, word_timestamps=False, vad_filter=True))
        w.until("done")
        with open(os.path.join(self.out, "transcript.json"), encoding="utf-8") as f:
            self.assertNotIn("words", json.load(f))

    def test_cancel_between_segments_stops_and_leaves_no_file(self):
        holder = {}

        def between(i):          # segment 1 of j_c is handed out only once the worker has seen the cancel
            if i == 1 and t.jobs[-1] is t.jobs[0]:
                holder["w"].send({"type": "cancel", "job": "j_c"})
                self.assertTrue(holder["w"].worker._current.cancel.wait(TIMEOUT))

        t = ScriptedTranscriber(SEGMENTS, 60.0, between=between)
        w = holder["w"] = self.start(t)
        w.send(run_msg("j_c", self.out, self.audio))
        msgs = w.until("cancelled")
        self.assertEqual(msgs[-1], {"type": "cancelled", "job": "j_c"})
        self.assertNotIn("output", [m["type"] for m in msgs])
        self.assertEqual(t.handed_out, 2)                   # the third segment is never decoded
        self.assertEqual(os.listdir(self.out), [])
        w.send(run_msg("j_after", os.path.join(self.tmp.name, "o2"), self.audio))   # the worker goes on
        self.assertEqual(w.until("done")[-1]["job"], "j_after")

    def test_bad_params_name_the_field(self):
        cases = [
            ({"language": "english"}, "language"),
            ({"language": "de"}, "language"),             # an English-only model
            ({"language": 7}, "language"),
            ({"prompt": 5}, "prompt"),
            ({"prompt": "x" * (transcribe.MAX_PROMPT_CHARS + 1)}, "prompt"),
            ({"temperature": 1.5}, "temperature"),
            ({"temperature": -0.1}, "temperature"),
            ({"temperature": "hot"}, "temperature"),
            ({"beam_size": 0}, "beam_size"),
            ({"beam_size": 11}, "beam_size"),
            ({"beam_size": 2.5}, "beam_size"),
            ({"word_timestamps": "yes"}, "word_timestamps"),
            ({"vad_filter": 1}, "vad_filter"),
            ({"diarize": True}, "diarize"),
            ({"diarize": "no"}, "diarize"),
        ]
        w = self.start(ScriptedTranscriber(SEGMENTS, 60.0))
        for i, (params, field) in enumerate(cases):
            w.send(run_msg("j_%d" % i, self.out, self.audio, **params))
            err = w.until("error")[-1]
            self.assertEqual((err["job"], err["code"], err["param"]), ("j_%d" % i, "bad_params", field), params)
            self.assertIn(field, err["message"])
        w.send(run_msg("j_tr", self.out, self.audio, task="translate"))
        err = w.until("error")[-1]
        self.assertEqual(err["param"], "task")
        self.assertIn("English-only", err["message"])
        w.send(run_msg("j_miss", self.out, os.path.join(self.tmp.name, "nope.wav")))
        self.assertEqual(w.until("error")[-1]["param"], "inputs.audio")
        w.send({"type": "run", "job": "j_noin", "task": "transcribe", "params": {}, "output_dir": self.out})
        self.assertEqual(w.until("error")[-1]["param"], "inputs.audio")
        w.send({"type": "run", "job": "j_nodir", "task": "transcribe", "inputs": {"audio": self.audio}})
        self.assertEqual(w.until("error")[-1]["param"], "output_dir")
        self.assertFalse(os.path.exists(self.out))

    def test_diarize_error_says_what_to_install(self):
        with self.assertRaises(ParamError) as e:
            transcribe.validate(ENGLISH, None, {"diarize": True}, {"audio": self.audio})
        self.assertEqual(e.exception.field, "diarize")
        self.assertRegex(str(e.exception), "whisperx|pyannote")

    def test_undecodable_audio_and_failures(self):
        w = self.start(ScriptedTranscriber(SEGMENTS, 60.0, start_error=ParamError("inputs.audio", "cannot decode")))
        w.send(run_msg("j_dec", self.out, self.audio))
        err = w.until("error")[-1]
        self.assertEqual((err["code"], err["param"]), ("bad_params", "inputs.audio"))

        w2 = self.start(ScriptedTranscriber(SEGMENTS, 60.0, fail=RuntimeError("beam search blew up")))
        w2.send(run_msg("j_f", self.out, self.audio))
        err = w2.until("error")[-1]
        self.assertEqual(err["code"], "pipeline")
        self.assertIn("beam search blew up", err["message"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "transcript.txt")))

        w3 = self.start(ScriptedTranscriber(SEGMENTS, transcribe.MAX_AUDIO_SECONDS + 1))
        w3.send(run_msg("j_long", self.out, self.audio))
        self.assertEqual(w3.until("error")[-1]["param"], "inputs.audio")

    def test_a_file_that_cannot_be_written_is_export_and_leaves_none(self):
        os.makedirs(os.path.join(self.out, "transcript.srt"))       # renaming onto a directory fails
        w = self.start(ScriptedTranscriber(SEGMENTS, 60.0))
        w.send(run_msg("j_x", self.out, self.audio))
        msgs = w.until("error")
        self.assertEqual(msgs[-1]["code"], "export")
        self.assertNotIn("output", [m["type"] for m in msgs])
        self.assertEqual(os.listdir(self.out), ["transcript.srt"])     # transcript.txt removed, no temp files

    def test_heartbeat_repeats_progress_while_a_segment_decodes(self):
        release = threading.Event()
        t = ScriptedTranscriber(SEGMENTS, 60.0, between=lambda i: release.wait(TIMEOUT) if i == 1 else None)
        w = self.start(t, heartbeat=0.2)
        w.send(run_msg("j_h", self.out, self.audio))
        repeats = 0
        while repeats < 3:                                   # the job stays silent until we have seen them
            m = w.next()
            self.assertNotIn(m["type"], ("done", "error"), m)
            if m["type"] == "progress" and m.get("step") == 4:
                repeats += 1
        release.set()
        self.assertEqual(w.until("done")[-1], {"type": "done", "job": "j_h"})


class TranscriptFormatTest(unittest.TestCase):
    def test_clock_formats(self):
        self.assertEqual(transcript._clock(1.25, ","), "00:00:01,250")
        self.assertEqual(transcript._clock(3661.5, "."), "01:01:01.500")
        self.assertEqual(transcript._clock(59.9996, ","), "00:01:00,000")

    def test_speaker_and_blank_lines_in_cues(self):
        s = seg(0, 0.0, 1.0, "Hello.")
        s.text, s.speaker = " Hello.\n\n there", "SPEAKER_00"
        t = transcript.Transcript("transcribe", "en", 1.0, [s], word_timestamps=False)
        self.assertEqual(transcript.srt(t), "1\n00:00:00,000 --> 00:00:01,000\n[SPEAKER_00] Hello.\nthere\n")
        self.assertEqual(json.loads(transcript.verbose_json(t))["segments"][0]["speaker"], "SPEAKER_00")

    def test_an_empty_transcript_still_makes_valid_files(self):
        t = transcript.Transcript("transcribe", "en", 0.5, [], word_timestamps=True)
        self.assertEqual(transcript.text(t), "\n")
        self.assertEqual(transcript.srt(t), "")
        self.assertEqual(transcript.vtt(t), "WEBVTT\n\n")
        self.assertEqual(json.loads(transcript.verbose_json(t))["words"], [])


class WhisperSpecTest(unittest.TestCase):
    def model_dir(self, tokens):
        d = tempfile.mkdtemp(prefix="fake-whisper-")
        self.addCleanup(lambda: [os.remove(os.path.join(d, f)) for f in os.listdir(d)] and os.rmdir(d))
        with open(os.path.join(d, "vocabulary.txt"), "w") as f:
            f.write("\n".join(f"tok{i}" for i in range(tokens)))
        return d

    def test_english_only_by_vocabulary_or_name(self):
        self.assertEqual(whisper.spec_for(self.model_dir(51864)), ENGLISH)
        self.assertEqual(whisper.spec_for(self.model_dir(51866)), MULTI)
        self.assertEqual(whisper.spec_for("Systran/faster-whisper-tiny.en"), ENGLISH)
        self.assertEqual(whisper.spec_for("large-v3"), MULTI)

    def test_build_imports_nothing_heavy_and_checks_options(self):
        p = pipelines.build("whisper", "/models/faster-whisper-large-v3", device="cuda")
        self.assertIsInstance(p.spec, TranscribeSpec)
        self.assertNotIn("faster_whisper", sys.modules)
        self.assertNotIn("ctranslate2", sys.modules)
        for kwargs in ({"model": None}, {"model": "m", "device": "mps"}, {"model": "m", "cpu_offload": True}):
            with self.assertRaises(ValueError, msg=kwargs):
                pipelines.build("whisper", **kwargs)
        with self.assertRaises(ValueError):
            pipelines.build("wan2.1-t2v", "m", compute_type="int8")

    def test_describe_prints_the_limits_of_ready(self):
        d = self.model_dir(51864)
        out = subprocess.run([sys.executable, "-m", "hearth_worker", "--pipeline", "whisper", "--model", d,
                              "--describe"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
        self.assertEqual(json.loads(out), transcribe.limits(ENGLISH))

    def test_no_model_exits_non_zero_with_a_message(self):
        p = subprocess.run([sys.executable, "-m", "hearth_worker", "--pipeline", "whisper"], cwd=ROOT,
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, b"")
        self.assertTrue(re.search(rb"--model is required", p.stderr))


if __name__ == "__main__":
    unittest.main()
