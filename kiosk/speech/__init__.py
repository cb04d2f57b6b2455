"""Speech output for visitors who cannot read the screen (Textual-free).

* :mod:`kiosk.speech.phrases`: what to say for a control, an error, a reference number;
* :mod:`kiosk.speech.speakers`: the :class:`~kiosk.speech.speakers.Speaker` protocol, with
  espeak-ng (a worker thread running its command line) and a transcript file for testers;
* :mod:`kiosk.speech.voices`: espeak-ng's voice for each language of the kiosk;
* :mod:`kiosk.speech.hint`: "Press F5 ..." in every language, for Welcome.

The app's side (keys, focus, screens) is :mod:`kiosk.terminal.speech` and
:mod:`screens.speech_reader`; none of this is imported before speech is turned on or
configured, except the small hint module Welcome shows.
"""
