/* lecturegen preview: keeps a served page in step with the content file.
   Injected by `lecturegen preview` into the pages it serves, never into files written to disk, and
   allowed by its hash in the page's Content-Security-Policy, which also allows the one connection
   it makes: the server's event stream on the same origin. It must not use inline event handlers.

   The server sends "state" (the version on show, the content's problems, what it is doing) and
   "update" (a new version: the slides that changed, or none when the page must load again). The
   slide deck swaps changed slides in place, so it stays on its slide with no reload; anything else
   (the report, the presenter view, a change to the page around the slides) reloads, and the slide
   number in the URL's hash brings the deck back to the same slide. */
(function () {
  "use strict";

  var me = document.currentScript;
  var page = me.getAttribute("data-page"); // "slides", "report" or "waiting"
  var version = me.getAttribute("data-version");
  var presenter = /[?&]presenter\b/.test(window.location.hash) || /[?&]presenter\b/.test(window.location.search);
  var reloading = false;
  var ui = buildUi();

  function reload() {
    if (!reloading) {
      reloading = true;
      window.location.reload();
    }
  }

  function buildUi() {
    var host = document.createElement("lecturegen-preview");
    // Its own shadow root: the page's styles do not reach it, and the deck's queries do not find it.
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = [
      ":host { all: initial; }",
      ".bar { position: fixed; left: 8px; bottom: 8px; z-index: 2147483646; display: flex; gap: 8px;",
      "  align-items: center; font: 13px/1.3 system-ui, sans-serif; color: #1a1a1a; background: #ffffffe6;",
      "  border: 1px solid #888; border-radius: 6px; padding: 3px 6px; max-width: calc(100vw - 32px); }",
      ".status:empty { display: none; }",
      "button { font: inherit; color: inherit; background: #f2f2f2; border: 1px solid #666; border-radius: 4px;",
      "  padding: 1px 6px; cursor: pointer; }",
      "button:focus-visible { outline: 2px solid #0057b8; outline-offset: 1px; }",
      ".problems { position: fixed; left: 0; right: 0; top: 0; z-index: 2147483647; max-height: 60vh;",
      "  overflow: auto; margin: 0; padding: 12px 16px; background: #fff4f4; color: #5c0000;",
      "  border-bottom: 3px solid #b00020; font: 14px/1.45 system-ui, sans-serif; }",
      ".problems[hidden], .bar[hidden] { display: none; }",
      ".problems h2 { font-size: 15px; margin: 0 0 6px; }",
      ".problems pre { margin: 0; white-space: pre-wrap; font: 13px/1.45 ui-monospace, 'DejaVu Sans Mono', monospace; }",
      "@media print { .bar, .problems { display: none; } }"
    ].join("\n");
    var problems = document.createElement("section");
    problems.className = "problems";
    problems.setAttribute("role", "alert");
    problems.hidden = true;
    var heading = document.createElement("h2");
    heading.textContent = "The content has problems; below is the last version that built.";
    var lines = document.createElement("pre");
    problems.appendChild(heading);
    problems.appendChild(lines);
    var bar = document.createElement("div");
    bar.className = "bar";
    var status = document.createElement("span");
    status.className = "status";
    status.setAttribute("role", "status");
    var write = document.createElement("button");
    write.type = "button";
    write.textContent = "Write slides.pptx";
    write.title = "Write slides.pptx into the output folder (key: P)";
    write.addEventListener("click", writePptx);
    bar.appendChild(status);
    bar.appendChild(write);
    root.appendChild(style);
    root.appendChild(problems);
    root.appendChild(bar);
    (document.body || document.documentElement).appendChild(host);
    return { problems: problems, heading: heading, lines: lines, status: status };
  }

  function showProblems(found) {
    if (!found || !found.length) {
      ui.problems.hidden = true;
      ui.lines.textContent = "";
      return;
    }
    ui.heading.textContent = page === "waiting"
      ? "The content has problems; the preview shows the slides once it builds."
      : "The content has problems; below is the last version that built.";
    ui.lines.textContent = found.join("\n");
    ui.problems.hidden = false;
  }

  function showStatus(text) {
    ui.status.textContent = text || "";
  }

  function writePptx() {
    showStatus("writing slides.pptx ...");
    window.fetch("/__preview/pptx", { method: "POST", headers: { "X-Lecturegen-Preview": "write" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        showStatus(answer.message);
      })
      .catch(function () {
        showStatus("the preview server did not answer");
      });
  }

  // One slide's markup from the server, swapped into the slide element the deck's script already holds:
  // its attributes and children change, the element stays (with the deck's own state on it).
  function swap(index, markup) {
    var holder = document.createElement("template");
    holder.innerHTML = markup;
    var fresh = holder.content.firstElementChild;
    var slides = document.querySelectorAll("[data-deck] .slide");
    var old = fresh && fresh.id ? document.getElementById(fresh.id) : slides[index];
    if (!fresh || !old || slides[index] !== old) {
      return false;
    }
    var state = ["is-current", "is-next"].filter(function (name) {
      return old.classList.contains(name);
    });
    var placed = old.getAttribute("style");
    Array.prototype.slice.call(old.attributes).forEach(function (attribute) {
      old.removeAttribute(attribute.name);
    });
    Array.prototype.slice.call(fresh.attributes).forEach(function (attribute) {
      old.setAttribute(attribute.name, attribute.value);
    });
    old.classList.remove("is-current");
    state.forEach(function (name) {
      old.classList.add(name);
    });
    if (placed) {
      old.setAttribute("style", placed);
    }
    old.replaceChildren.apply(old, Array.prototype.slice.call(fresh.childNodes));
    if (window.lecturegenFit) {
      window.lecturegenFit.shrinkToFit(old);
    }
    relabelThumbnail(index, old);
    return true;
  }

  function relabelThumbnail(index, slide) {
    var thumb = document.querySelector('.overview .thumb[data-index="' + index + '"]');
    var heading = slide.querySelector(".slide-title, .deck-title");
    if (!thumb || !heading) {
      return;
    }
    var label = thumb.getAttribute("aria-label") || "";
    var cut = label.indexOf(": ");
    thumb.setAttribute("aria-label", label.slice(0, cut + 2) + heading.textContent.replace(/\s+/g, " ").trim());
  }

  function onUpdate(update) {
    if (update.from !== version || page !== "slides" || presenter || !update.slides) {
      reload();
      return;
    }
    var indexes = Object.keys(update.slides);
    for (var i = 0; i < indexes.length; i += 1) {
      if (!swap(Number(indexes[i]), update.slides[indexes[i]])) {
        reload();
        return;
      }
    }
    version = update.to;
  }

  function onState(state) {
    if (state.version && state.version !== version) {
      reload(); // missed an update (a new server, or a dropped connection)
      return;
    }
    showProblems(state.problems);
    showStatus(state.status);
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if ((event.key === "p" || event.key === "P") && !event.ctrlKey && !event.metaKey && !event.altKey && !typing) {
      event.preventDefault();
      writePptx();
    }
  });

  var events = new window.EventSource("/__preview/events");
  events.addEventListener("state", function (event) {
    onState(JSON.parse(event.data));
  });
  events.addEventListener("update", function (event) {
    onUpdate(JSON.parse(event.data));
  });
  events.addEventListener("error", function () {
    if (events.readyState !== window.EventSource.OPEN) {
      showStatus("the preview server is not running; reconnecting ...");
    }
  });
})();
