"""Where phrases go: espeak-ng's voices, or a transcript file for testers.

A :class:`Speaker` is called from the UI's thread and never blocks it: :class:`EspeakSpeaker`
hands each phrase to a worker thread that runs ``espeak-ng`` (the text goes through its
standard input, never its command line, so no other user of the machine sees it in ``ps``);
an interrupting phrase drops the ones waiting and stops the one being said.
:class:`TranscriptSpeaker` writes ``language<TAB>phrase`` lines instead of making sound.
Nothing here logs what is said.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from kiosk.speech.voices import voice_for

ESPEAK = "espeak-ng"
DEFAULT_RATE = 175
"""espeak-ng's own default speed, in words per minute."""


class Speaker(Protocol):
    """Says phrases in a language, one after another."""

    def say(self, phrase: str, language: str, *, interrupt: bool = False) -> None:
        """Queue *phrase*; with *interrupt*, first drop everything queued or being said."""

    def stop(self) -> None:
        """Stop talking and forget every phrase still waiting."""

    def close(self) -> None:
        """Stop, and release what the speaker holds (its thread, its file)."""


def espeak_installed(command: str = ESPEAK) -> bool:
    """Whether espeak-ng's command can be found on ``PATH`` (or at the path given)."""
    return shutil.which(command) is not None


def espeak_argv(
    command: str, voice: str, rate: int, *, wav: Path | None = None, audio: bool = True
) -> list[str]:
    """espeak-ng's command line for one phrase read from its standard input."""
    argv = [command, "-v", voice, "-s", str(rate), "--stdin"]
    if wav is not None:
        argv += ["-w", str(wav)]
    elif not audio:
        argv.append("--stdout")  # synthesize, but into a pipe that is thrown away
    return argv


def render_wav(
    phrase: str,
    language: str,
    path: Path,
    *,
    command: str = ESPEAK,
    voices: Mapping[str, str] | None = None,
    rate: int = DEFAULT_RATE,
    timeout: float = 60.0,
) -> None:
    """Write *phrase*, said in *language*'s voice, to the WAV file *path*."""
    subprocess.run(
        espeak_argv(command, voice_for(language, voices), rate, wav=path),
        input=phrase.encode("utf-8"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=timeout,
    )


class EspeakSpeaker:
    """espeak-ng run by a worker thread, one process per phrase (a process is easy to stop).

    *audio* False synthesizes into a discarded pipe instead of the sound card (benchmarks
    on a machine without one)."""

    def __init__(
        self,
        *,
        command: str = ESPEAK,
        voices: Mapping[str, str] | None = None,
        rate: int = DEFAULT_RATE,
        audio: bool = True,
    ) -> None:
        self.command = command
        self.voices = dict(voices or {})
        self.rate = rate
        self.audio = audio
        self._waiting: deque[tuple[str, str]] = deque()
        self._lock = threading.Condition()
        self._current: subprocess.Popen[bytes] | None = None
        self._generation = 0
        """Bumped by every interruption; a process started for an older one is stopped."""
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
        self._thread.start()

    def say(self, phrase: str, language: str, *, interrupt: bool = False) -> None:
        with self._lock:
            if self._closed:
                return
            if interrupt:
                self._interrupt()
            self._waiting.append((phrase, language))
            self._lock.notify()

    def stop(self) -> None:
        with self._lock:
            self._interrupt()

    def close(self) -> None:
        with self._lock:
            self._interrupt()
            self._closed = True
            self._lock.notify()
        self._thread.join(timeout=2.0)

    def _interrupt(self) -> None:
        """Drop what waits and stop what is being said (the lock is held)."""
        self._generation += 1
        self._waiting.clear()
        if self._current is not None:
            with contextlib.suppress(OSError):
                self._current.kill()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                phrase, language = self._waiting.popleft()
                generation = self._generation
            self._speak(phrase, language, generation)
            phrase = ""  # nothing said is kept while the thread waits for the next phrase

    def _speak(self, phrase: str, language: str, generation: int) -> None:
        argv = espeak_argv(
            self.command, voice_for(language, self.voices), self.rate, audio=self.audio
        )
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return  # espeak-ng went away: silence, never an error in front of the visitor
        with self._lock:
            self._current = process
            if generation != self._generation:
                process.kill()
        try:
            assert process.stdin is not None
            process.stdin.write(phrase.encode("utf-8"))
            process.stdin.close()
        except OSError:
            pass  # stopped before it read the phrase
        process.wait()
        with self._lock:
            self._current = None


class TranscriptSpeaker:
    """Writes each phrase to a file, ``language<TAB>phrase`` per line, without sound."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def say(self, phrase: str, language: str, *, interrupt: bool = False) -> None:
        if self._file.closed:
            return
        self._file.write(f"{language}\t{' '.join(phrase.split())}\n")
        self._file.flush()

    def stop(self) -> None:
        """Nothing waits in a transcript."""

    def close(self) -> None:
        self._file.close()


def read_transcript(path: Path) -> list[tuple[str, str]]:
    """The (language, phrase) lines of a transcript file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        language, _, phrase = line.partition("\t")
        lines.append((language, phrase))
    return lines
