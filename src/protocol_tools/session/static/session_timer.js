// The guided-session timer (anywidget front end; plain ES module, no build step).
//
// Time is kept from timestamps, never from counted ticks: the model holds the
// current step's start (epoch ms), the pause accumulated in it and when a pause
// began; the remaining time is computed from Date.now() at every repaint. A
// throttled or hidden tab therefore never runs slow: when it wakes (or on
// `visibilitychange`) it catches up and logs each step change at the moment it
// was due.
//
// The clock lives in `initialize` (once per model); `render` only draws (once
// per view), so showing the widget twice never double-counts and every view
// stops when it is removed. The clock is built from four factories, each with
// one concern: time arithmetic (createTimeline), audio (createAudio), speech and
// the screen wake lock (createPresence) and events to the kernel (createSender).

const COUNT_IN_BEEPS = 3;
const COUNT_IN_SPACING_MS = 1000;
const BEEP_HZ = 660;
const CHANGE_HZ = 988;
const FINISH_HZ = [784, 988, 1319];
// Each cue's tone: pitch (Hz), length (s) and loudness (0-1).
const BEEP = { hz: BEEP_HZ, length: 0.09, loudness: 0.2 };
const CHANGE = { hz: CHANGE_HZ, length: 0.45, loudness: 0.5 };
const FINISH = { length: 0.3, loudness: 0.5 };
const GRACE_MS = 1500; // a view re-displayed within this time keeps the audio going
const SVG_NS = "http://www.w3.org/2000/svg";

const registry = (globalThis.__protocolToolsTimers ??= new Map());

// ---------------------------------------------------------------- helpers

function sideWords(side) {
  if (side === "both") return "both sides";
  if (side === "left" || side === "right") return `client's ${side}`;
  return "";
}

function stepTitle(step) {
  if (!step) return "";
  if (step.kind !== "treatment") {
    const label = step.kind === "prep" ? "Prep" : "Closing";
    return `${label}: ${step.action ?? ""}`;
  }
  const side = sideWords(step.side);
  return side ? `${step.zone_name} — ${side}` : step.zone_name;
}

function clockText(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-9));
  const minutes = Math.floor(whole / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return `${minutes}:${rest}`;
}

function spokenStep(step, number, total) {
  const parts = [`Step ${number} of ${total}.`, stepTitle(step) + "."];
  if (step.rewet_gel) parts.unshift("Re-wet the gel.");
  if (step.technique_name) parts.push(`${step.technique_name}, ${step.direction ?? ""}.`);
  if (step.passes) parts.push(`${step.passes} passes.`);
  return parts.join(" ");
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

const points = (list) => list.map(([x, y]) => `${x},${y}`).join(" ");

// ------------------------------------------------------- time arithmetic

// Pure arithmetic on the model's timestamps: what is left, what is due, when
// each cue falls. No timers, no sound, no page.
function createTimeline(model) {
  const steps = () => model.get("steps");
  const speed = () => model.get("speed") || 1;
  const status = () => model.get("status");
  const durationMs = (index) => (steps()[index].seconds * 1000) / speed();

  // Effective (unpaused) milliseconds spent in the current step at time t.
  function elapsedMs(t) {
    if (status() === "ready" || status() === "finished") return 0;
    const until = status() === "paused" ? model.get("paused_at") : t;
    return Math.max(0, until - model.get("step_started_at") - model.get("paused_ms"));
  }

  // Protocol seconds spent in the current step at time t (what the log records).
  const spentSeconds = (t) => (elapsedMs(t) * speed()) / 1000;

  const stepEndsAt = () =>
    model.get("step_started_at") + model.get("paused_ms") + durationMs(model.get("step_index"));

  function snapshot(t) {
    const all = steps();
    const index = model.get("step_index");
    const state = status();
    const stepSeconds = all[index]?.seconds ?? 0;
    let stepLeft = stepSeconds - spentSeconds(t);
    if (state === "finished") stepLeft = 0;
    let later = 0;
    for (let i = index + 1; i < all.length; i++) later += all[i].seconds;
    const total = all.reduce((sum, step) => sum + step.seconds, 0);
    const sessionLeft = state === "finished" ? 0 : Math.max(0, stepLeft) + later;
    return { index, state, stepLeft: Math.max(0, stepLeft), sessionLeft, total };
  }

  // The end of every step, from the current one, that has passed by time t.
  function passedEnds(t) {
    const ends = [];
    let end = stepEndsAt();
    for (let index = model.get("step_index"); index < steps().length && t >= end; index++) {
      ends.push(end);
      if (index + 1 < steps().length) end += durationMs(index + 1);
    }
    return ends;
  }

  // Every cue from t0 to the end of the session: count-in beeps, then a step
  // change (or the finish chord) at each step's end.
  function cuePlan(t0) {
    const plan = [];
    const all = steps();
    let start = model.get("step_started_at") + model.get("paused_ms");
    for (let i = model.get("step_index"); i < all.length; i++) {
      const end = start + durationMs(i);
      const next = i + 2 <= all.length ? i + 2 : null;
      const spacing = Math.min(COUNT_IN_SPACING_MS, (end - start) / (COUNT_IN_BEEPS + 1));
      for (let beat = COUNT_IN_BEEPS; beat >= 1; beat--) {
        const at = end - beat * spacing;
        if (at >= t0) plan.push({ kind: "count-in", step: next, at_ms: at, ...BEEP });
      }
      if (next) plan.push({ kind: "step-change", step: next, at_ms: end, ...CHANGE });
      else {
        FINISH_HZ.forEach((hz, k) => {
          plan.push({ kind: "finish", step: null, at_ms: end + k * 180, ...FINISH, hz });
        });
      }
      start = end;
    }
    return plan;
  }

  return { steps, status, spentSeconds, stepEndsAt, snapshot, passedEnds, cuePlan };
}

// ------------------------------------------------------------------ audio

// Tones on the audio clock, which hidden-tab timer throttling does not touch.
// `cues` is what was scheduled (for tests and for the page).
function createAudio(model) {
  let audio = null; // { ctx, gain }
  let voices = []; // scheduled oscillators
  let cues = [];
  const publish = () => {
    globalThis.__sessionTimerCues = cues;
  };

  // Called from a click: browsers allow sound only after a user gesture.
  function ensure() {
    try {
      if (!audio) {
        const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
        if (!Context) return;
        const ctx = new Context();
        const gain = ctx.createGain();
        gain.connect(ctx.destination);
        audio = { ctx, gain };
      }
      audio.gain.gain.value = model.get("muted") ? 0 : 1;
      if (audio.ctx.state === "suspended") audio.ctx.resume().catch(() => {});
    } catch (error) {
      console.warn("session timer: no audio", error);
      audio = null;
    }
  }

  // One tone at page time atMs (t0 is now on the page clock, audioNow on the audio clock).
  function tone(cue, t0, audioNow) {
    if (!audio) return null;
    const when = Math.max(audioNow, audioNow + (cue.at_ms - t0) / 1000);
    const osc = audio.ctx.createOscillator();
    const envelope = audio.ctx.createGain();
    osc.frequency.value = cue.hz;
    envelope.gain.setValueAtTime(0, when);
    envelope.gain.linearRampToValueAtTime(cue.loudness, when + 0.01);
    envelope.gain.exponentialRampToValueAtTime(0.001, when + cue.length);
    osc.connect(envelope).connect(audio.gain);
    osc.start(when);
    osc.stop(when + cue.length + 0.02);
    voices.push(osc);
    return when;
  }

  function cancel() {
    for (const voice of voices) {
      try {
        voice.stop();
      } catch {
        // already stopped
      }
    }
    voices = [];
    cues = [];
    publish();
  }

  // Schedule `plan` (from the timeline's cuePlan) after `first` cues due now.
  function play(plan, t0, first = []) {
    cancel();
    const audioNow = audio ? audio.ctx.currentTime : 0;
    for (const cue of [...first, ...plan]) {
      const audioTime = tone(cue, t0, audioNow);
      const { kind, step, at_ms, hz } = cue;
      cues.push({ kind, step, at_ms, audio_time: audioTime, hz });
    }
    publish();
  }

  function setMuted(muted) {
    if (audio) audio.gain.gain.value = muted ? 0 : 1;
  }

  function close() {
    cancel();
    audio?.ctx.close().catch(() => {});
    audio = null;
  }

  return {
    ensure, play, cancel, setMuted, close,
    get cues() {
      return cues;
    },
    // Sound is possible but nothing is scheduled (e.g. a view was shown again).
    get idle() {
      return audio !== null && voices.length === 0;
    },
  };
}

// --------------------------------------------------- speech and wake lock

// Saying each step aloud, and keeping the screen on while the session runs.
function createPresence(model) {
  let wakeLock = null;

  function announce(index) {
    const steps = model.get("steps");
    const step = steps[index];
    if (!step || !model.get("speak") || model.get("muted")) return;
    const synth = globalThis.speechSynthesis;
    if (!synth || !globalThis.SpeechSynthesisUtterance) return;
    synth.cancel();
    synth.speak(new SpeechSynthesisUtterance(spokenStep(step, index + 1, steps.length)));
  }

  const hush = () => globalThis.speechSynthesis?.cancel();

  async function holdScreen() {
    if (wakeLock || !navigator.wakeLock || document.visibilityState !== "visible") return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
    } catch {
      wakeLock = null; // not allowed here (no secure context, battery saver…)
    }
  }

  function releaseScreen() {
    wakeLock?.release().catch(() => {});
    wakeLock = null;
  }

  return { announce, hush, holdScreen, releaseScreen };
}

// --------------------------------------------------------- event sending

// A random id for one clock: every front end (a reloaded page, a second tab)
// numbers its events from 1, so the kernel tells them apart by (clock_id, seq).
function newClockId() {
  const bytes = new Uint8Array(8);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Every event and adjustment goes to the kernel, which keeps the record.
function createSender(model) {
  const id = newClockId();
  const events = []; // every event sent, in order
  let seq = 0;
  let closed = false; // replaced by a newer clock for this model: sends nothing

  function emit(event, fields = {}) {
    if (closed) return;
    seq += 1;
    const message = { clock_id: id, seq, event, at_ms: Date.now(), ...fields };
    events.push(message);
    model.send({ type: "event", event: message });
  }

  function adjust(fields) {
    const step = model.get("step_index") + 1;
    model.send({ type: "adjustment", at_ms: Date.now(), step, ...fields });
  }

  return { id, events, emit, adjust, close: () => { closed = true; } };
}

// ------------------------------------------------------------- the clock

// One per model: runs the session from the timestamps, drives the sound, the
// speech and the events, and repaints every view attached to it. (Long as a
// whole, but it is a set of small methods sharing the clock's state.)
function createClock(model) {
  const time = createTimeline(model);
  const sound = createAudio(model);
  const presence = createPresence(model);
  const sender = createSender(model);
  const views = new Set();
  let boundaryTimer = null;
  let graceTimer = null;
  let dormant = false; // no view left: neither counts, nor sounds, nor logs
  const clock = {
    id: sender.id,
    events: sender.events, // every event sent to the kernel, in order
    snapshot: (t = Date.now()) => time.snapshot(t),
  };
  Object.defineProperty(clock, "cues", { get: () => sound.cues });
  const status = time.status;
  const emit = sender.emit;

  function save(changes) {
    for (const [key, value] of Object.entries(changes)) model.set(key, value);
    model.save_changes();
  }

  function notify() {
    for (const view of views) view();
  }

  // Rescheduled at each step change, pause and skip.
  function scheduleCues(first = []) {
    sound.cancel();
    if (status() !== "running") return;
    const t0 = Date.now();
    sound.play(time.cuePlan(t0), t0, first);
  }

  function stopBoundary() {
    clearTimeout(boundaryTimer);
    boundaryTimer = null;
  }

  function scheduleBoundary() {
    stopBoundary();
    if (status() !== "running") return;
    // A timer only wakes us up; the time itself always comes from the timestamps.
    const wait = Math.max(0, time.stepEndsAt() - Date.now()) + 1;
    boundaryTimer = setTimeout(() => {
      boundaryTimer = null;
      clock.tick();
    }, wait);
  }

  function quiet() {
    sound.cancel();
    presence.releaseScreen();
    stopBoundary();
  }

  function finishAt(atMs, reason) {
    save({ status: "finished", finished_at: atMs, paused_at: 0 });
    emit("finished", { at_ms: atMs, reason });
    quiet();
  }

  // The step now shown has changed: say it, cue the rest, repaint, wait for its end.
  function entered(index) {
    presence.announce(index);
    scheduleCues();
    scheduleBoundary();
    notify();
  }

  // Catch up with the clock: close every step whose time is over, each at the
  // moment it was due, however late we were woken.
  clock.tick = () => {
    if (dormant || status() !== "running") return;
    const ends = time.passedEnds(Date.now());
    if (ends.length === 0) {
      if (boundaryTimer === null) scheduleBoundary();
      return;
    }
    const all = time.steps();
    let index = model.get("step_index");
    let start = model.get("step_started_at");
    let paused = model.get("paused_ms");
    for (const end of ends) {
      emit("step_ended", {
        step: index + 1, at_ms: end, actual_s: all[index].seconds, reason: "completed",
      });
      if (index + 1 >= all.length) {
        save({ step_index: index, step_started_at: start, paused_ms: paused });
        finishAt(end, "completed");
        notify();
        return;
      }
      index += 1;
      start = end;
      paused = 0;
      emit("step_started", { step: index + 1, at_ms: end });
    }
    save({ step_index: index, step_started_at: start, paused_ms: 0 });
    entered(index);
  };

  // -- the practitioner's actions ----------------------------------------------
  clock.start = () => {
    if (status() !== "ready" || model.get("locked")) return;
    sound.ensure();
    const t = Date.now();
    save({
      status: "running", step_index: 0, session_started_at: t, step_started_at: t,
      paused_ms: 0, paused_at: 0,
    });
    emit("started", { at_ms: t });
    emit("step_started", { step: 1, at_ms: t });
    scheduleCues([{ kind: "step-change", step: 1, at_ms: t, ...CHANGE }]);
    presence.announce(0);
    presence.holdScreen();
    scheduleBoundary();
    notify();
  };

  clock.pause = () => {
    clock.tick();
    if (status() !== "running") return;
    const t = Date.now();
    save({ status: "paused", paused_at: t });
    emit("paused", { step: model.get("step_index") + 1, at_ms: t });
    quiet();
    notify();
  };

  clock.resume = () => {
    if (status() !== "paused") return;
    sound.ensure();
    const t = Date.now();
    save({
      status: "running", paused_ms: model.get("paused_ms") + (t - model.get("paused_at")),
      paused_at: 0,
    });
    emit("resumed", { step: model.get("step_index") + 1, at_ms: t });
    scheduleCues();
    presence.holdScreen();
    scheduleBoundary();
    notify();
  };

  // Leave the current step now; `how` is "skip" or "back".
  function move(how) {
    clock.tick();
    const state = status();
    if (state !== "running" && state !== "paused") return;
    const t = Date.now();
    const index = model.get("step_index");
    const spent = time.spentSeconds(t);
    const target = how === "skip" ? index + 1 : Math.max(0, index - 1);
    if (how === "skip") {
      emit("step_skipped", { step: index + 1, at_ms: t, actual_s: spent, reason: "skipped" });
    } else {
      emit("back", { step: index + 1, at_ms: t });
      emit("step_ended", { step: index + 1, at_ms: t, actual_s: spent, reason: "back" });
    }
    if (target >= time.steps().length) {
      finishAt(t, "skipped the last step");
      notify();
      return;
    }
    // A step entered while paused starts paused, with none of its time used.
    save({
      step_index: target, step_started_at: t, paused_ms: 0,
      paused_at: state === "paused" ? t : 0,
    });
    emit("step_started", { step: target + 1, at_ms: t });
    entered(target);
  }
  clock.skip = () => move("skip");
  clock.back = () => move("back");

  clock.finish = () => {
    clock.tick();
    const state = status();
    if (state !== "running" && state !== "paused") return;
    const t = Date.now();
    const index = model.get("step_index");
    const spent = time.spentSeconds(t);
    emit("step_ended", { step: index + 1, at_ms: t, actual_s: spent, reason: "finished early" });
    finishAt(t, "finished early");
    notify();
  };

  clock.setMuted = (muted) => {
    save({ muted });
    sound.setMuted(muted);
    if (muted) presence.hush();
    notify();
  };

  clock.adjust = sender.adjust;

  // -- views ----------------------------------------------------------------------
  clock.attach = (paint) => {
    views.add(paint);
    clearTimeout(graceTimer);
    dormant = false;
    if (status() === "running" && sound.idle) scheduleCues();
    clock.tick();
    scheduleBoundary();
    return () => {
      views.delete(paint);
      if (views.size === 0) {
        // Nobody can see or stop this timer any more (its cell was re-run or its
        // output cleared): go dormant. The timestamps stay, so showing it again
        // catches up correctly.
        graceTimer = setTimeout(() => {
          if (views.size > 0) return;
          dormant = true;
          quiet();
        }, GRACE_MS);
      }
    };
  };

  function onVisibility() {
    clock.tick();
    if (document.visibilityState === "visible" && status() === "running") presence.holdScreen();
    notify();
  }
  document.addEventListener("visibilitychange", onVisibility);

  const onModelChange = () => notify();
  model.on("change", onModelChange);

  // Running for real: started, not finished, and shown somewhere.
  Object.defineProperty(clock, "active", {
    get: () => !dormant && (status() === "running" || status() === "paused"),
  });

  clock.dispose = () => {
    sender.close();
    document.removeEventListener("visibilitychange", onVisibility);
    model.off("change", onModelChange);
    stopBoundary();
    clearTimeout(graceTimer);
    presence.releaseScreen();
    sound.close();
    views.clear();
  };

  return clock;
}

// ------------------------------------------------------------------ drawing


function drawFace(geometry, step, uid) {
  const { width, height } = geometry.canvas;
  const halves = step?.zone
    ? step.side === "both" ? ["right", "left"] : [step.side]
    : [];
  const label = step?.zone
    ? `Face map: ${step.zone_name}, ${sideWords(step.side)} highlighted, arrows show the strokes`
    : "Face map: no zone in this step";
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "pt-face-svg",
  });
  const defs = svg("defs");
  const hatch = svg("pattern", {
    id: `${uid}-hatch`, width: 4, height: 4, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)",
  });
  hatch.append(svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, class: "pt-hatch-line" }));
  const marker = svg("marker", {
    id: `${uid}-arrow`, viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 4,
    markerHeight: 4, orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "pt-arrow-head" }));
  defs.append(hatch, marker);
  root.append(defs);
  root.append(svg("polygon", { points: points(geometry.face.outline), class: "pt-face-outline" }));
  for (const line of geometry.face.lines) {
    root.append(svg("polyline", { points: points(line), class: "pt-face-line" }));
  }
  for (const [zoneId, zone] of Object.entries(geometry.zones)) {
    for (const half of ["right", "left"]) {
      root.append(svg("polygon", {
        points: points(zone[half].outline), class: "pt-zone", "data-zone": zoneId, "data-side": half,
      }));
    }
  }
  const zone = step?.zone ? geometry.zones[step.zone] : null;
  if (zone) {
    for (const half of halves) {
      const outline = points(zone[half].outline);
      root.append(svg("polygon", { points: outline, class: "pt-zone-lit" }));
      root.append(svg("polygon", {
        points: outline, class: "pt-zone-lit-border", fill: `url(#${uid}-hatch)`,
        "data-zone": step.zone, "data-side": half, "data-current": "true",
      }));
    }
    for (const half of halves) {
      for (const stroke of zone[half].strokes) {
        root.append(svg("polyline", {
          points: points(stroke), class: "pt-stroke", "marker-end": `url(#${uid}-arrow)`,
        }));
      }
    }
  }
  const base = height - 5;
  const right = svg("text", { x: width * 0.25, y: base, class: "pt-face-side" });
  right.textContent = "client's right";
  const left = svg("text", { x: width * 0.75, y: base, class: "pt-face-side" });
  left.textContent = "client's left";
  root.append(right, left);
  return root;
}

function detail(list, term, value) {
  if (value == null || value === "") return;
  list.append(el("dt", { text: term }), el("dd", { text: String(value) }));
}

// The timer's page: every element, with its label, built once per view. (One
// list of elements, top to bottom as the page shows them; longer than most.)
function buildView(model, uid) {
  const title = el("h2", { class: "pt-title", text: model.get("title") });
  const stateBadge = el("span", { class: "pt-state", role: "status" });
  const speedNote = el("span", { class: "pt-speed" });
  const sessionLeft = el("span", { class: "pt-session-left" });
  const header = el("div", { class: "pt-header" }, title, stateBadge, speedNote, sessionLeft);

  const stepNumber = el("div", { class: "pt-step-number" });
  const stepName = el("div", { class: "pt-step-name" });
  const countdown = el("div", {
    class: "pt-countdown", role: "timer", "aria-label": "Time left in this step",
    "aria-live": "off",
  });
  const rewet = el("div", { class: "pt-rewet", role: "alert", hidden: true });
  const details = el("dl", { class: "pt-details" });
  const now = el("section", { class: "pt-now", "aria-label": "Current step" },
    stepNumber, stepName, rewet, countdown, details);
  const face = el("figure", { class: "pt-face" });
  const main = el("div", { class: "pt-main" }, now, face);

  const barFill = el("div", { class: "pt-bar-fill" });
  const bar = el("div", {
    class: "pt-bar", role: "progressbar", "aria-label": "Session progress",
    "aria-valuemin": 0, "aria-valuemax": 100,
  }, barFill);
  const barText = el("div", { class: "pt-bar-text" });
  const progress = el("div", { class: "pt-progress" }, bar, barText);
  const next = el("div", { class: "pt-next" });

  const button = (name, action, extra = "") =>
    el("button", { type: "button", class: `pt-button ${extra}`, text: name, "data-action": action });
  const buttons = {
    start: button("Start", "start", "pt-primary"),
    pause: button("Pause", "pause", "pt-primary"),
    resume: button("Resume", "resume", "pt-primary"),
    back: button("Back", "back"),
    skip: button("Skip", "skip"),
    finish: button("Finish", "finish"),
  };
  const muteBox = el("input", { type: "checkbox", id: `${uid}-mute` });
  const speakBox = el("input", { type: "checkbox", id: `${uid}-speak` });
  const toggles = el("div", { class: "pt-toggles" },
    el("label", { for: `${uid}-mute` }, muteBox, " Mute"),
    el("label", { for: `${uid}-speak` }, speakBox, " Speak each step"));
  const controls = el("div", { class: "pt-controls", role: "group", "aria-label": "Timer controls" },
    ...Object.values(buttons), toggles);
  const lockNote = el("div", { class: "pt-lock", role: "status" });
  const keysNote = el("div", {
    class: "pt-keys",
    text: "Keys (click the timer first): Space pause/resume · → skip · ← back",
  });

  // Adjustments: current turned down, or zone skipped, always with a reason.
  const kind = el("select", { id: `${uid}-kind` },
    el("option", { value: "current", text: "Current turned down" }),
    el("option", { value: "skip", text: "Zone skipped (also skips the step)" }));
  const current = el("input", { type: "number", id: `${uid}-current`, min: 1, step: 10 });
  const reason = el("input", { type: "text", id: `${uid}-reason`, maxlength: 300 });
  const record = el("button", { type: "button", class: "pt-button", text: "Record adjustment" });
  const adjustNote = el("div", { class: "pt-adjust-note", role: "status" });
  const adjust = el("details", { class: "pt-adjust" },
    el("summary", { text: "Record an adjustment for this step" }),
    el("div", { class: "pt-adjust-form" },
      el("label", { for: `${uid}-kind`, text: "What changed" }), kind,
      el("label", { for: `${uid}-current`, text: "New current (µA)" }), current,
      el("label", { for: `${uid}-reason`, text: "Reason" }), reason,
      record),
    adjustNote);
  const logged = el("div", { class: "pt-logged", role: "status" });
  const speech = el("div", { class: "pt-sr-only", "aria-live": "assertive" });

  const root = el("div", {
    class: "pt-timer", tabindex: 0, role: "region",
    "aria-label": `Guided session timer: ${model.get("title")}`,
  }, header, main, progress, next, controls, lockNote, keysNote, adjust, logged, speech);

  return {
    root, stateBadge, speedNote, sessionLeft, stepNumber, stepName, countdown, rewet, details,
    face, barFill, bar, barText, next, buttons, muteBox, speakBox, controls, lockNote, kind,
    current, reason, record, adjustNote, logged, speech,
  };
}

// The buttons, toggles, adjustment form and keys act on the clock; returns the undo.
function bindControls(clock, model, view) {
  const { root, controls, muteBox, speakBox, record, reason, kind, current, adjustNote } = view;
  const act = (action) => {
    if (action === "start") clock.start();
    else if (action === "pause") clock.pause();
    else if (action === "resume") clock.resume();
    else if (action === "skip") clock.skip();
    else if (action === "back") clock.back();
    else if (action === "finish") clock.finish();
  };
  controls.addEventListener("click", (event) => {
    const action = event.target.closest("button")?.dataset.action;
    if (action) act(action);
  });
  muteBox.addEventListener("change", () => clock.setMuted(muteBox.checked));
  speakBox.addEventListener("change", () => {
    model.set("speak", speakBox.checked);
    model.save_changes();
  });
  record.addEventListener("click", () => {
    const why = reason.value.trim();
    if (!why) {
      adjustNote.textContent = "Write a reason first.";
      reason.focus();
      return;
    }
    if (kind.value === "current") {
      const value = Number(current.value);
      if (!current.value || !(value > 0)) {
        adjustNote.textContent = "Enter the new current in µA.";
        current.focus();
        return;
      }
      clock.adjust({ current_uA: value, reason: why });
    } else {
      clock.adjust({ skipped: true, reason: why });
      clock.skip();
    }
    reason.value = "";
  });
  const onKey = (event) => {
    const target = event.target;
    if (target.closest?.("input, textarea, select, [contenteditable], details")) return;
    if (event.key === " " || event.code === "Space") {
      if (target.tagName === "BUTTON") return; // the button's own click handles it
      event.preventDefault();
      if (clock.snapshot().state === "running") clock.pause();
      else if (clock.snapshot().state === "paused") clock.resume();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      clock.skip();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      clock.back();
    }
  };
  root.addEventListener("keydown", onKey);
  return () => root.removeEventListener("keydown", onKey);

}

// Repaints a view from the clock's snapshot, touching only what changed. (Two
// painters: the step, when it changes, and the clock and controls, every frame.)
function createPainter(model, clock, view, uid) {
  const {
    root, stateBadge, speedNote, sessionLeft, stepNumber, stepName, countdown, rewet, details,
    face, barFill, bar, barText, next, buttons, muteBox, speakBox, lockNote, current, record,
    adjustNote, logged, speech,
  } = view;
  let shownStep = -1;
  let shownControls = "";
  let shownAdjustments = "";

  function paintStep(snap) {
    const all = model.get("steps");
    const step = all[snap.index];
    const adjusted = model.get("adjustments").filter((a) => a.step === snap.index + 1);
    const kindWords = { prep: "Prep", treatment: "Treatment", closing: "Closing" };
    stepNumber.textContent = `Step ${snap.index + 1} of ${all.length} · ${kindWords[step.kind] ?? step.kind}`;
    stepName.textContent = stepTitle(step);
    // Prep and closing actions are sentences: smaller type keeps them to two lines.
    stepName.classList.toggle("pt-long", stepName.textContent.length > 40);
    rewet.hidden = !step.rewet_gel;
    rewet.textContent = step.rewet_gel ? "Re-wet the gel before this step" : "";
    details.replaceChildren();
    detail(details, "Technique", step.technique_name);
    detail(details, "Direction", step.direction);
    detail(details, "Passes", step.passes);
    if (step.hold_seconds) detail(details, "Hold", `${step.hold_seconds} s`);
    const lowered = adjusted.filter((a) => a.current_uA != null).at(-1);
    if (step.current_uA != null) {
      detail(details, "Current", lowered
        ? `${lowered.current_uA} µA (turned down from ${step.current_uA})`
        : `${step.current_uA} µA`);
    }
    if (step.frequency_hz != null) detail(details, "Frequency", `${step.frequency_hz} Hz`);
    detail(details, "Cue", step.cue);
    face.replaceChildren(drawFace(model.get("geometry"), step, uid),
      el("figcaption", { text: step.zone ? stepTitle(step) : "No zone: " + (step.kind === "prep" ? "prep" : "closing") }));
    const following = all[snap.index + 1];
    next.textContent = following
      ? `Next: ${stepTitle(following)} · ${following.seconds} s${following.rewet_gel ? " · re-wet the gel first" : ""}`
      : "Next: end of the session";
    current.value = step.current_uA ?? "";
    current.disabled = step.current_uA == null;
    if (snap.state === "finished") {
      stepNumber.textContent = `All ${all.length} steps · finished`;
      stepName.textContent = "The session is complete";
      stepName.classList.remove("pt-long");
      rewet.hidden = true;
      details.replaceChildren();
      detail(details, "Next", "Read the summary below and save the log.");
      face.replaceChildren(drawFace(model.get("geometry"), null, uid),
        el("figcaption", { text: "Session complete" }));
      next.textContent = "Next: end of the session";
    }
  }

  function paint() {
    const snap = clock.snapshot();
    const speedValue = model.get("speed");
    const adjustmentsKey = JSON.stringify(model.get("adjustments"));
    const stepKey = `${snap.index}/${snap.state === "finished"}`;
    if (stepKey !== shownStep || adjustmentsKey !== shownAdjustments) {
      paintStep(snap);
      if (stepKey !== shownStep && shownStep !== -1) {
        speech.textContent = `Step ${snap.index + 1}: ${stepName.textContent}`;
      }
      shownStep = stepKey;
      shownAdjustments = adjustmentsKey;
    }
    const countdownText = clockText(snap.stepLeft);
    if (countdown.textContent !== countdownText) countdown.textContent = countdownText;
    const leftText = `Session left ${clockText(snap.sessionLeft)}`;
    if (sessionLeft.textContent !== leftText) sessionLeft.textContent = leftText;
    const done = snap.total ? Math.round(((snap.total - snap.sessionLeft) / snap.total) * 100) : 0;
    barFill.style.width = `${done}%`;
    bar.setAttribute("aria-valuenow", String(done));
    const barLabel = `Step ${snap.index + 1} of ${model.get("steps").length} · ${done}% of the session done`;
    bar.setAttribute("aria-valuetext", barLabel);
    if (barText.textContent !== barLabel) barText.textContent = barLabel;

    const controlsKey = JSON.stringify([
      snap.state, speedValue, ...["locked", "locked_reason", "muted", "speak", "logged_events",
        "notice"].map((name) => model.get(name)),
    ]);
    if (controlsKey !== shownControls) {
      shownControls = controlsKey;
      const words = { ready: "Ready", running: "Running", paused: "Paused", finished: "Finished" };
      stateBadge.textContent = words[snap.state] ?? snap.state;
      root.dataset.state = snap.state;
      speedNote.textContent = speedValue > 1 ? `Rehearsal at ${speedValue}× speed` : "";
      const locked = model.get("locked");
      buttons.start.hidden = snap.state !== "ready";
      buttons.start.disabled = locked;
      buttons.pause.hidden = snap.state !== "running";
      buttons.resume.hidden = snap.state !== "paused";
      const active = snap.state === "running" || snap.state === "paused";
      buttons.back.disabled = !active;
      buttons.skip.disabled = !active;
      buttons.finish.disabled = !active;
      record.disabled = snap.state === "ready";
      lockNote.textContent = locked && snap.state === "ready"
        ? `Start is locked: ${model.get("locked_reason") || "finish the checks above"}`
        : "";
      lockNote.hidden = !lockNote.textContent;
      muteBox.checked = model.get("muted");
      speakBox.checked = model.get("speak");
      logged.textContent = `Events recorded: ${model.get("logged_events")}`;
      if (model.get("notice")) adjustNote.textContent = model.get("notice");
    }
  }

  return paint;
}

function render({ model, el: host }) {
  const clock = registry.get(model.get("session_id"));
  if (!clock) {
    host.textContent = "This timer has been closed; run the cell again.";
    return;
  }
  // Each timer's module may be evaluated separately (one per widget model), so the
  // counter lives on globalThis: ids stay unique across every timer on the page.
  globalThis.__ptTimerViews = (globalThis.__ptTimerViews || 0) + 1;
  const uid = `pt-timer-${globalThis.__ptTimerViews}`;

  const view = buildView(model, uid);
  host.append(view.root);
  const unbind = bindControls(clock, model, view);
  const paint = createPainter(model, clock, view, uid);
  let frame = 0;

  function loop() {
    clock.tick();
    paint();
    frame = requestAnimationFrame(loop);
  }
  const detach = clock.attach(paint);
  loop();

  return () => {
    cancelAnimationFrame(frame);
    unbind();
    detach();
    view.root.remove();
  };
}

function initialize({ model }) {
  const id = model.get("session_id");
  registry.get(id)?.dispose();
  const clock = createClock(model);
  registry.set(id, clock);
  globalThis.__sessionTimer = clock;
  return () => {
    clock.dispose();
    if (registry.get(id) === clock) registry.delete(id);
  };
}

export default { initialize, render };
