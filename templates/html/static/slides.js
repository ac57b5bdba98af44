/* lecturegen slides: one slide at a time, keyboard, click and swipe
   navigation, #N in the URL, an overview grid (O) and a presenter view (S)
   kept in step with the audience window. Inlined into the page and allowed by a script hash in its
   Content-Security-Policy, so it must not use inline event handlers. */
(function () {
  "use strict";

  var deck = document.querySelector("[data-deck]");
  if (!deck) {
    return;
  }
  // Slideshow styling applies only once this has run; without a script the
  // page shows every slide one under the other instead.
  document.documentElement.classList.add("js");

  var stage = deck.querySelector(".stage");
  var slides = Array.prototype.slice.call(deck.querySelectorAll(".slide"));
  var counter = deck.querySelector("[data-counter-current]");
  var stageWidth = Number(deck.getAttribute("data-width")) || 1280;
  var stageHeight = Number(deck.getAttribute("data-height")) || 720;
  var current = -1;
  var words = readWords();

  var NEXT_KEYS = { ArrowRight: true, ArrowDown: true, PageDown: true };
  var PREVIOUS_KEYS = { ArrowLeft: true, ArrowUp: true, PageUp: true };

  // The words this script shows come from the page, in the lecture's language; a page from a
  // template that does not give them (or gives only some) keeps English for the rest.
  function readWords() {
    var english = {
      slide: "Slide",
      all_slides: "All slides",
      next: "Next",
      notes: "Notes",
      end_of_deck: "End of the deck",
      no_notes: "No notes for this slide.",
      reset: "Reset",
      elapsed_time: "Elapsed time",
      speaker_notes: "Speaker notes",
      next_and_notes: "Next slide and notes",
      presenter_title: "Presenter: {title}",
      popup_blocked: "The presenter view could not open: allow pop-up windows for this page, then press S again."
    };
    var given = {};
    try {
      given = JSON.parse(deck.getAttribute("data-words") || "{}") || {};
    } catch (error) {
      given = {};
    }
    Object.keys(english).forEach(function (name) {
      if (typeof given[name] === "string") {
        english[name] = given[name];
      }
    });
    return english;
  }

  function clamp(index) {
    return Math.max(0, Math.min(slides.length - 1, index));
  }

  function indexFromHash() {
    var match = /^#(?:slide-)?(\d+)(?:\?presenter)?$/.exec(window.location.hash);
    return match ? clamp(parseInt(match[1], 10) - 1) : null;
  }

  // fromRemote: the other window moved; follow it without telling it back.
  function show(index, fromRemote) {
    if (!slides.length) {
      return;
    }
    index = clamp(index);
    if (index !== current) {
      slides.forEach(function (slide, i) {
        slide.classList.toggle("is-current", i === index);
        slide.classList.toggle("is-next", presenter && i === index + 1);
      });
      current = index;
      if (counter) {
        counter.textContent = String(index + 1);
      }
      updatePresenter();
      updateOverviewMarks();
      layout();
      if (!fromRemote) {
        broadcast(index);
      }
    }
    var hash = "#" + (index + 1) + (presenter ? "?presenter" : "");
    if (window.location.hash !== hash) {
      // replaceState: stepping through a lecture should not fill the Back history.
      window.history.replaceState(null, "", hash);
    }
  }

  // The reading view (slides.css, small and portrait screens): every slide one under the other,
  // scrolled like a page. The stylesheet alone decides when it is on; this reads its answer.
  function isReading() {
    return !presenter && window.getComputedStyle(deck).getPropertyValue("--deck-view").trim() === "reading";
  }

  var reading = false;

  function scaleStage() {
    var scale = Math.min(window.innerWidth / stageWidth, window.innerHeight / stageHeight);
    stage.style.setProperty("--scale", String(scale));
  }

  // fit.js, inlined before this script.
  // The fit is the slideshow's, whichever view is on: printing (slides.pdf is printed from a window
  // small enough for the reading view) and turning the phone use it. In the reading view the slides
  // are measured at their slideshow size for that moment (is-laid-out turns the reading layout off;
  // nothing is painted in between); the reading view itself sets its text at one size.
  function shrinkAll() {
    var measuring = reading && !root.classList.contains("is-laid-out");
    var scrolled = window.scrollY; // the slideshow layout has no page to scroll: come back to the place
    if (measuring) {
      root.classList.add("is-laid-out");
    }
    slides.forEach(lecturegenFit.shrinkToFit);
    if (measuring) {
      root.classList.remove("is-laid-out");
      window.scrollTo(0, scrolled);
    }
  }

  // The slide that holds the top of the window: where a reader is. At the end of the page the last
  // slides may never reach the top; one chosen there (by its link) stays chosen.
  function slideInView() {
    var at = 0;
    slides.forEach(function (slide, i) {
      if (slide.getBoundingClientRect().top <= 2) {
        at = i;
      }
    });
    var atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    return atEnd && current > at ? current : at;
  }

  function scrollToSlide(index) {
    if (slides[index]) {
      slides[index].scrollIntoView({ block: "start" });
    }
  }

  // Turning the phone or resizing the window can switch views: the slideshow then shows the slide
  // the reader had reached (kept in `current` while scrolling, since by the time the window has
  // changed the slides are no longer laid out for reading), and the reading view opens at the slide
  // the slideshow was on.
  function changeView() {
    var now = isReading();
    if (now === reading) {
      return;
    }
    reading = now;
    shrinkAll();
    if (reading) {
      scrollToSlide(current);
    } else {
      var at = current;
      current = -1; // show it again: the slideshow's classes and hash follow
      show(at);
    }
  }

  // While reading, the slide at the top of the window is the current one: the hash and the other
  // window (a presenter view) follow, and a reload comes back to it.
  var scrollPending = false;

  function onScroll() {
    if (!reading || scrollPending) {
      return;
    }
    scrollPending = true;
    window.requestAnimationFrame(function () {
      scrollPending = false;
      if (reading) {
        show(slideInView());
      }
    });
  }

  // ------------------------------------------------------------ layout
  // The overview grid and the presenter view place the (unscaled) slides on
  // boxes of their own: each slide gets a translate + scale onto its box.

  function place(slide, rect, topAligned) {
    if (!rect || rect.width <= 0 || rect.height <= 0) {
      slide.style.removeProperty("transform");
      return;
    }
    var scale = Math.min(rect.width / stageWidth, rect.height / stageHeight);
    var left = rect.left + (rect.width - stageWidth * scale) / 2;
    var top = rect.top + (topAligned ? 0 : (rect.height - stageHeight * scale) / 2);
    slide.style.transform = "translate(" + left + "px, " + top + "px) scale(" + scale + ")";
  }

  function layout() {
    var laidOut = overviewOpen || presenter;
    root.classList.toggle("is-laid-out", laidOut);
    if (!laidOut) {
      slides.forEach(function (slide) {
        slide.style.removeProperty("transform");
      });
      return;
    }
    if (overviewOpen) {
      slides.forEach(function (slide, i) {
        place(slide, thumbs[i].getBoundingClientRect());
      });
      return;
    }
    var currentBox = presenterParts.current.getBoundingClientRect();
    var nextBox = presenterParts.next.getBoundingClientRect();
    slides.forEach(function (slide, i) {
      if (i === current) {
        place(slide, currentBox, true);
      } else if (i === current + 1) {
        place(slide, nextBox);
      } else {
        slide.style.removeProperty("transform");
      }
    });
  }

  function onResize() {
    scaleStage();
    layout();
    changeView();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function slideTitle(slide) {
    var heading = slide.querySelector(".slide-title, .deck-title");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // ------------------------------------------------------------ overview

  var overviewOpen = false;
  var overview = null;
  var thumbs = [];

  function buildOverview() {
    overview = element("div", "overview");
    overview.setAttribute("role", "dialog");
    overview.setAttribute("aria-label", words.all_slides);
    overview.hidden = true;
    var grid = element("div", "overview-grid");
    slides.forEach(function (slide, i) {
      var thumb = element("button", "thumb");
      thumb.type = "button";
      thumb.setAttribute("data-index", String(i));
      thumb.style.aspectRatio = stageWidth + " / " + stageHeight;
      thumb.setAttribute("aria-label", words.slide + " " + (i + 1) + ": " + slideTitle(slide));
      thumb.appendChild(element("span", "thumb-number", String(i + 1)));
      thumb.addEventListener("click", function () {
        closeOverview();
        show(i);
      });
      thumbs.push(thumb);
      grid.appendChild(thumb);
    });
    overview.appendChild(grid);
    overview.addEventListener("scroll", layout);
    document.body.appendChild(overview);
  }

  function updateOverviewMarks() {
    thumbs.forEach(function (thumb, i) {
      thumb.classList.toggle("is-current", i === current);
      if (i === current) {
        thumb.setAttribute("aria-current", "true");
      } else {
        thumb.removeAttribute("aria-current");
      }
    });
  }

  function openOverview() {
    overviewOpen = true;
    overview.hidden = false;
    root.classList.add("overview-open");
    updateOverviewMarks();
    layout();
    if (thumbs[current]) {
      thumbs[current].focus({ preventScroll: false });
      layout();
    }
  }

  function closeOverview() {
    overviewOpen = false;
    overview.hidden = true;
    root.classList.remove("overview-open");
    if (document.activeElement && overview.contains(document.activeElement)) {
      document.activeElement.blur();
    }
    layout();
  }

  // ------------------------------------------------------------ presenter

  var presenter = /[?&]presenter\b/.test(window.location.hash) || /[?&]presenter\b/.test(window.location.search);
  var presenterParts = null;
  var presenterWindow = null;
  var clockStart = 0;
  var sender = String(Math.random()).slice(2);
  var channelName = "lecturegen-slides:" + window.location.pathname + ":" + document.title;
  var channel = null;
  try {
    channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(channelName) : null;
  } catch (error) {
    channel = null; // e.g. an opaque origin that refuses it; postMessage below still works
  }

  function broadcast(index) {
    var message = { lecturegen: channelName, sender: sender, index: index };
    if (channel) {
      channel.postMessage(message);
    }
    // Also straight to the other window: works where BroadcastChannel does not.
    var other = presenter ? window.opener : presenterWindow;
    if (other && !other.closed) {
      try {
        other.postMessage(message, "*");
      } catch (error) {
        // the other window went away
      }
    }
  }

  function onMessage(data) {
    if (data && data.lecturegen === channelName && data.sender !== sender && typeof data.index === "number") {
      show(data.index, true);
    }
  }

  function onWindowMessage(event) {
    if (event.source && (event.source === presenterWindow || event.source === window.opener)) {
      onMessage(event.data);
    }
  }

  function twoDigits(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var seconds = Math.floor((Date.now() - clockStart) / 1000);
    presenterParts.clock.textContent = twoDigits(Math.floor(seconds / 60)) + ":" + twoDigits(seconds % 60);
  }

  function buildPresenter() {
    var panel = element("div", "presenter-panel");
    // A header and an aside: landmarks, so a screen reader can jump between the bar, the slide and the notes.
    var bar = element("header", "pv-bar");
    var position = element("p", "pv-position");
    var clockBox = element("p", "pv-clock-box");
    var clock = element("span", "pv-clock", "00:00");
    clock.setAttribute("role", "timer");
    clock.setAttribute("aria-label", words.elapsed_time);
    var reset = element("button", "pv-reset", words.reset);
    reset.type = "button";
    reset.addEventListener("click", function () {
      clockStart = Date.now();
      tick();
      reset.blur();
    });
    clockBox.appendChild(clock);
    clockBox.appendChild(reset);
    bar.appendChild(position);
    bar.appendChild(clockBox);
    var currentBox = element("div", "pv-current");
    var side = element("aside", "pv-side");
    side.setAttribute("aria-label", words.next_and_notes);
    var nextLabel = element("p", "pv-label", words.next);
    var nextBox = element("div", "pv-next");
    nextBox.style.aspectRatio = stageWidth + " / " + stageHeight;
    var end = element("p", "pv-end", words.end_of_deck);
    nextBox.appendChild(end);
    var notesLabel = element("p", "pv-label", words.notes);
    var notes = element("div", "pv-notes");
    // Long notes scroll; a focusable, named region lets the keyboard scroll them too.
    notes.tabIndex = 0;
    notes.setAttribute("role", "region");
    notes.setAttribute("aria-label", words.speaker_notes);
    side.appendChild(nextLabel);
    side.appendChild(nextBox);
    side.appendChild(notesLabel);
    side.appendChild(notes);
    panel.appendChild(bar);
    panel.appendChild(currentBox);
    panel.appendChild(side);
    document.body.insertBefore(panel, document.body.firstChild);
    presenterParts = { current: currentBox, next: nextBox, end: end, notes: notes, position: position, clock: clock };
    root.classList.add("presenter");
    document.title = words.presenter_title.replace("{title}", function () {
      return document.title;
    });
    clockStart = Date.now();
    tick();
    window.setInterval(tick, 500);
  }

  function updatePresenter() {
    if (!presenterParts) {
      return;
    }
    presenterParts.position.textContent = words.slide + " " + (current + 1) + " / " + slides.length;
    presenterParts.end.hidden = current + 1 < slides.length;
    var notes = presenterParts.notes;
    while (notes.firstChild) {
      notes.removeChild(notes.firstChild);
    }
    var aside = slides[current] && slides[current].querySelector("aside.notes");
    if (aside && aside.textContent.trim()) {
      Array.prototype.forEach.call(aside.childNodes, function (node) {
        notes.appendChild(node.cloneNode(true));
      });
    } else {
      notes.appendChild(element("p", "pv-no-notes", words.no_notes));
    }
  }

  var messageTimer = 0;

  function say(text) {
    var box = document.querySelector(".deck-message");
    if (!box) {
      box = element("p", "deck-message");
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(messageTimer);
    messageTimer = window.setTimeout(function () {
      box.hidden = true;
    }, 6000);
  }

  function openPresenter() {
    var url = window.location.href.split("#")[0] + "#" + (current + 1) + "?presenter";
    var opened = null;
    try {
      opened = window.open(url, "lecturegen-presenter");
    } catch (error) {
      opened = null;
    }
    if (!opened) {
      say(words.popup_blocked);
      return;
    }
    presenterWindow = opened;
  }

  // ------------------------------------------------------------ input

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if ((reading && !overviewOpen) || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    var key = event.key;
    if ((key === "ArrowUp" || key === "ArrowDown") && event.target.closest && event.target.closest(".pv-notes")) {
      return; // scrolls the focused notes; the other keys still change slides
    }
    if (key === "o" || key === "O") {
      event.preventDefault();
      if (overviewOpen) {
        closeOverview();
      } else {
        openOverview();
      }
      return;
    }
    if (overviewOpen && key === "Escape") {
      event.preventDefault();
      closeOverview();
      return;
    }
    if (!presenter && (key === "s" || key === "S")) {
      event.preventDefault();
      openPresenter();
      return;
    }
    if (overviewOpen && (key === "Enter" || key === " " || key === "Spacebar")) {
      return; // the focused thumbnail's own button behaviour
    }
    var target = null;
    if (key === " " || key === "Spacebar") {
      target = event.shiftKey ? current - 1 : current + 1;
    } else if (NEXT_KEYS[key]) {
      target = current + 1;
    } else if (PREVIOUS_KEYS[key]) {
      target = current - 1;
    } else if (key === "Home") {
      target = 0;
    } else if (key === "End") {
      target = slides.length - 1;
    }
    if (target !== null) {
      event.preventDefault();
      show(target);
      if (overviewOpen && thumbs[current]) {
        thumbs[current].focus();
        layout();
      }
    }
  }

  // A click on the right two thirds goes on, on the left third back --
  // unless the click meant something else (a link, a button, selecting text).
  function onClick(event) {
    if (reading || overviewOpen || presenter || event.button !== 0 || event.target.closest("a, button, input, textarea, select, summary")) {
      return;
    }
    var selection = window.getSelection();
    if (selection && String(selection).length > 0) {
      return;
    }
    show(event.clientX > window.innerWidth / 3 ? current + 1 : current - 1);
  }

  var touchX = null;
  var touchY = null;

  function onTouchStart(event) {
    if (event.touches.length !== 1) {
      touchX = null;
      return;
    }
    touchX = event.touches[0].clientX;
    touchY = event.touches[0].clientY;
  }

  function onTouchEnd(event) {
    if (touchX === null || reading || overviewOpen || !event.changedTouches.length) {
      return;
    }
    var dx = event.changedTouches[0].clientX - touchX;
    var dy = event.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy)) {
      show(dx < 0 ? current + 1 : current - 1);
    }
  }

  function onHashChange() {
    var index = indexFromHash();
    show(index === null ? current : index);
    if (reading && index !== null) {
      scrollToSlide(index);
    }
  }

  var root = document.documentElement;
  buildOverview();
  if (presenter) {
    buildPresenter();
  }
  scaleStage();
  reading = isReading();
  shrinkAll();
  var initial = indexFromHash();
  show(initial === null ? 0 : initial);
  updatePresenter();
  layout();
  if (reading && initial !== null) {
    scrollToSlide(initial);
  }

  window.addEventListener("resize", onResize);
  window.addEventListener("hashchange", onHashChange);
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("message", onWindowMessage);
  if (channel) {
    channel.addEventListener("message", function (event) {
      onMessage(event.data);
    });
  }
  document.addEventListener("keydown", onKey);
  deck.addEventListener("click", onClick);
  deck.addEventListener("touchstart", onTouchStart, { passive: true });
  deck.addEventListener("touchend", onTouchEnd);
  if (document.fonts && document.fonts.ready) {
    // Local fonts can still change metrics once loaded; measure again then.
    document.fonts.ready.then(function () {
      shrinkAll();
      layout();
    });
  }
})();
