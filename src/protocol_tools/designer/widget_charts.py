"""The designer's section 4: the timeline, minutes per zone and side, and the face map
with the treatment path (a view).

The charts come after the table and never stand in its way. In a kernel the page
shows the table and its controls first. A tiny front-end widget at the top of the
section (:class:`ShownSignal`) sends word twice: "shown" once the browser has
painted the page, and "visible" once the section is on the screen and nobody has
typed or clicked for :data:`QUIET_MS` milliseconds. At the first word the charts
(and plotly itself) are made in a thread of their own; at the second they are put on
the page. So the browser loads plotly's script (nearly 5 MB: a second or two of its
time on a busy machine, when no key or click is answered) only when someone has
scrolled to the charts and paused, never while they work on the table. Each edit
then hands the thread the protocol to draw: edits that come while it draws are drawn
once, after it (:class:`~protocol_tools.designer.background.LatestOnly`), and a
chart is drawn again only when what it shows changed (:func:`chart_keys`); the
finished figures reach the page from the kernel's own event loop. A page that says
nothing (a front end without anywidget) gets its charts :data:`FALLBACK_S` seconds
after the designer was made.

With ``eager=True`` every chart is drawn at once, in the caller, as the designer
did before; tests compare the two. :meth:`ChartPane.wait` draws what is pending and
puts it on the page, seen or not (outside a running event loop, in plain Python,
nothing is drawn until then).
"""

from __future__ import annotations

import asyncio
import html
import threading
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from ..protocols.model import Protocol
from ..views.charts import figure_output, timeline_figure, zone_time_figure
from ..views.palette import QUIET_INK
from .background import LatestOnly
from .path import Stop, path_stops, stops_text
from .widget_face import face_path_figure
from .widget_html import problem_html

__all__ = [
    "CHARTS",
    "DEBOUNCE_S",
    "FALLBACK_S",
    "QUIET_MS",
    "ChartPane",
    "ShownSignal",
    "chart_keys",
]

CHARTS = ("timeline", "zone", "face")
# How long the drawing thread waits for a further edit before it draws. Edits that
# come while it draws are drawn once, after it (coalesced) whatever this is; waiting
# longer would only delay the charts of a single edit.
DEBOUNCE_S = 0.0
# The charts come this long after the designer was made, if no page said a word.
FALLBACK_S = 10.0
# How long closing the designer waits for a chart being drawn.
STOP_WAIT_S = 5.0
# How long nobody types or clicks, the charts' section on the screen, before the page
# asks for the charts (and its browser loads plotly's script).
QUIET_MS = 1000
UNREADABLE = "The charts come back once the protocol fits the format: see the checks above."
WAITING = "The charts follow in a moment."

# What the timeline shows of each step (``views.charts.timeline_figure`` reads these).
_TIMELINE_FIELDS = (
    "step", "kind", "zone", "zone_name", "side", "technique", "passes", "current_uA",
    "action", "seconds", "start_s", "end_s",
)  # fmt: skip
# A chart request: its number, the protocol and what each chart shows.
Job = tuple[int, Protocol, dict[str, str]]


def chart_keys(protocol: Protocol, stops: list[Stop] | None = None) -> dict[str, str]:
    """What each chart shows of ``protocol``, as text: equal keys draw equal charts
    (``stops``: its ``path_stops``, when known already).

    Cues and directions show on no chart, so typing them draws nothing again.
    """
    timeline = [
        tuple(getattr(entry, name) for name in _TIMELINE_FIELDS) for entry in protocol.timeline()
    ]
    return {
        "timeline": repr((protocol.name, protocol.device_seconds, timeline)),
        "zone": repr(list(protocol.zone_seconds().items())),
        "face": repr(path_stops(protocol) if stops is None else stops),
    }


def _figure(name: str, protocol: Protocol) -> Any:
    builders = {"timeline": timeline_figure, "zone": zone_time_figure, "face": face_path_figure}
    return builders[name](protocol)


class ShownSignal(anywidget.AnyWidget):
    """An empty line that tells the kernel when a page shows it ("shown", after the
    browser's first paint) and when the charts may come ("visible": it is on the
    screen, and nobody typed or clicked for ``quiet_ms`` milliseconds)."""

    _esm = """
export default {
  render({ model, el }) {
    requestAnimationFrame(() => setTimeout(() => model.send({ event: "shown" }), 0));
    const inputs = ["keydown", "pointerdown", "input"];
    let onScreen = false;
    let timer = null;
    const stop = () => {
      clearTimeout(timer);
      watcher.disconnect();
      inputs.forEach((name) => document.removeEventListener(name, restart, true));
    };
    const ask = () => {
      if (onScreen) {
        stop();
        model.send({ event: "visible" });
      }
    };
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(ask, model.get("quiet_ms"));
    };
    const watcher = new IntersectionObserver((entries) => {
      onScreen = entries.some((entry) => entry.isIntersecting);
      if (onScreen) restart();
    });
    watcher.observe(el);
    inputs.forEach((name) => document.addEventListener(name, restart, true));
    return stop;
  },
};
"""
    quiet_ms = traitlets.Int(QUIET_MS).tag(sync=True)


class ChartPane:
    """Section 4's widgets (:attr:`parts`) and the drawing of its charts."""

    def __init__(self, *, eager: bool = False) -> None:
        self.eager = eager
        self.timeline_out = widgets.Output()
        self.zone_out = widgets.Output()
        self.face_out = widgets.Output()
        self.outs = {"timeline": self.timeline_out, "zone": self.zone_out, "face": self.face_out}
        self.path_words = widgets.HTML()
        self.message = widgets.HTML("" if eager else _quiet(WAITING))
        self.signal: ShownSignal | None = None
        self.parts: list[widgets.Widget] = [
            self.message,
            self.timeline_out,
            widgets.HBox([self.zone_out, self.face_out]),
            self.path_words,
        ]
        self._shown: dict[str, str | None] = dict.fromkeys(CHARTS)  # on the page
        self._built: dict[str, tuple[str, dict]] = {}  # the last figure of each chart
        self._asked: dict[str, str] | None = None  # keys of the latest request
        self._generation = self._submitted = self._applied = 0
        self._job: Job | None = None  # a request no thread has yet
        # The latest figures drawn: (request number, {chart: (key, output)} or the
        # words of what went wrong).
        self._ready: tuple[int, dict[str, tuple[str, dict]] | str] | None = None
        self._lock = threading.Lock()
        self._armed = False
        self._visible = eager  # whether the charts go on the page as soon as drawn
        self._loop: asyncio.AbstractEventLoop | None = None
        self.error: Exception | None = None
        self._worker: LatestOnly[Job] = LatestOnly(
            self._build, delay=DEBOUNCE_S, name="designer-charts"
        )
        if not eager:
            self.signal = ShownSignal(layout=widgets.Layout(height="1px", margin="0"))
            self.signal.on_msg(lambda _widget, content, _buffers: self._on_signal(content))
            self.parts.insert(0, self.signal)

    @property
    def pending(self) -> bool:
        """Whether the latest edit's charts are not on the page yet."""
        return self._submitted > self._applied

    # -- requests (the kernel's thread) -------------------------------------------------
    def show(self, protocol: Protocol | None) -> None:
        """Draw ``protocol`` (None: it does not fit the format) as soon as may be."""
        if protocol is None:
            self._show_unreadable()
            return
        stops = path_stops(protocol)
        self.path_words.value = (
            f"<p><strong>Treatment path:</strong> {html.escape(stops_text(stops))}</p>"
        )
        keys = chart_keys(protocol, stops)
        if keys == self._asked:
            return
        self._asked = keys
        self._generation += 1
        self._submitted = self._generation
        job = (self._generation, protocol, keys)
        if self.eager:
            self._build(job)
            self._apply_ready()
            return
        self._job = job
        if self._armed:
            self.start()

    def _show_unreadable(self) -> None:
        self._generation += 1
        self._submitted = self._applied = self._generation
        self._asked = None
        self._job = None
        for name, out in self.outs.items():
            if self._shown[name] is not None:
                out.outputs = ()
                self._shown[name] = None
        self.message.value = problem_html(UNREADABLE)
        self.path_words.value = ""

    def arm(self) -> None:
        """From now on every request is drawn; in a kernel, draw the first after
        :data:`FALLBACK_S` seconds at the latest."""
        if self.eager or self._armed:
            return
        self._armed = True
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        if self._loop is not None:
            self._loop.call_later(FALLBACK_S, self.put_on_page)

    def _on_signal(self, content: Any) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "shown":
            self.start()
        elif event == "visible":
            self.put_on_page()

    def put_on_page(self) -> None:
        """From now on the charts go on the page as soon as they are drawn."""
        self._visible = True
        self.start()
        self._apply_ready()

    def start(self) -> None:
        """Hand the latest request to the drawing thread (in a running event loop)."""
        if self._loop is None or self._job is None:
            return
        job, self._job = self._job, None
        self._worker.submit(job)

    def wait(self, timeout: float | None = None) -> bool:
        """Draw what is pending now and put it on the page, from now on as soon as drawn,
        seen or not; False if ``timeout`` ran out.

        A chart that could not be drawn raises its error here.
        """
        self._visible = True
        if self._job is not None:
            if self._loop is None:
                job, self._job = self._job, None
                self._build(job)
            else:
                self.start()
        if not self._worker.wait(timeout):
            return False
        self._apply_ready()
        error, self.error = self.error, None
        if error is not None:
            raise error
        return not self.pending

    def stop(self) -> None:
        """No more charts: the drawing thread ends (after the chart it may be drawing)."""
        self._worker.stop(timeout=STOP_WAIT_S)

    # -- drawing (the thread's, or the caller's) ---------------------------------------
    def _build(self, job: Job) -> None:
        generation, protocol, keys = job
        drawn: dict[str, tuple[str, dict]] | str = {}
        try:
            for name in CHARTS:
                built = self._built.get(name)
                if built is None or built[0] != keys[name]:
                    built = (keys[name], figure_output(_figure(name, protocol)))
                    self._built[name] = built
                drawn[name] = built
        except Exception as error:  # shown in words; wait() raises it
            self.error = error
            drawn = f"The charts could not be drawn: {error}"
        with self._lock:
            if self._ready is None or self._ready[0] < generation:
                self._ready = (generation, drawn)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._apply_ready)

    def _apply_ready(self) -> None:
        """Put the latest finished figures on the page (the kernel's thread), once the
        page wants them."""
        if not self._visible:
            return
        with self._lock:
            ready, self._ready = self._ready, None
        if ready is None or ready[0] <= self._applied:
            return  # nothing new, or an unreadable protocol came after it
        self._applied, drawn = ready
        if isinstance(drawn, str):
            self.message.value = problem_html(drawn)
            return
        for name, (key, output) in drawn.items():
            if self._shown[name] != key:
                self.outs[name].outputs = (output,)
                self._shown[name] = key
        self.message.value = ""


def _quiet(text: str) -> str:
    return f'<p style="color:{QUIET_INK}">{html.escape(text)}</p>'
