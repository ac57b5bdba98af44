/* lecturegen slides: one slide at a time, keyboard navigation, #N in the URL.
   Inlined into the page and allowed by a script hash in its
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

  var NEXT_KEYS = { ArrowRight: true, ArrowDown: true, PageDown: true };
  var PREVIOUS_KEYS = { ArrowLeft: true, ArrowUp: true, PageUp: true };
  var SMALLEST_FIT = 0.6; // below this text is unreadable: better to show the overflow
  var FIT_STEP = 0.05;

  function clamp(index) {
    return Math.max(0, Math.min(slides.length - 1, index));
  }

  function indexFromHash() {
    var match = /^#(?:slide-)?(\d+)$/.exec(window.location.hash);
    return match ? clamp(parseInt(match[1], 10) - 1) : null;
  }

  function show(index) {
    if (!slides.length) {
      return;
    }
    index = clamp(index);
    if (index !== current) {
      slides.forEach(function (slide, i) {
        slide.classList.toggle("is-current", i === index);
      });
      current = index;
      if (counter) {
        counter.textContent = String(index + 1);
      }
    }
    var hash = "#" + (index + 1);
    if (window.location.hash !== hash) {
      // replaceState: stepping through a lecture should not fill the Back history.
      window.history.replaceState(null, "", hash);
    }
  }

  function scaleStage() {
    var scale = Math.min(window.innerWidth / stageWidth, window.innerHeight / stageHeight);
    stage.style.setProperty("--scale", String(scale));
  }

  function overflows(element) {
    return element.scrollHeight > element.clientHeight + 1 || element.scrollWidth > element.clientWidth + 1;
  }

  // Like PowerPoint's "shrink text on overflow": a long list gets smaller
  // type rather than running off the slide. Slides are laid out even when
  // hidden (visibility, not display), so every slide can be measured now.
  function shrinkToFit(slide) {
    var body = slide.querySelector(".slide-body");
    if (!body) {
      return;
    }
    var fit = 1;
    body.style.removeProperty("--fit");
    while (overflows(body) && fit - FIT_STEP >= SMALLEST_FIT - 1e-9) {
      fit = Math.round((fit - FIT_STEP) * 100) / 100;
      body.style.setProperty("--fit", String(fit));
    }
  }

  function shrinkAll() {
    slides.forEach(shrinkToFit);
  }

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    var target = null;
    if (event.key === " " || event.key === "Spacebar") {
      target = event.shiftKey ? current - 1 : current + 1;
    } else if (NEXT_KEYS[event.key]) {
      target = current + 1;
    } else if (PREVIOUS_KEYS[event.key]) {
      target = current - 1;
    } else if (event.key === "Home") {
      target = 0;
    } else if (event.key === "End") {
      target = slides.length - 1;
    }
    if (target !== null) {
      event.preventDefault();
      show(target);
    }
  }

  // A click on the right half goes on, on the left half back -- unless the
  // click meant something else (a link, selecting text).
  function onClick(event) {
    if (event.button !== 0 || event.target.closest("a, button, input, textarea, select, summary")) {
      return;
    }
    var selection = window.getSelection();
    if (selection && String(selection).length > 0) {
      return;
    }
    show(event.clientX > window.innerWidth / 2 ? current + 1 : current - 1);
  }

  function onHashChange() {
    var index = indexFromHash();
    show(index === null ? current : index);
  }

  scaleStage();
  shrinkAll();
  var initial = indexFromHash();
  show(initial === null ? 0 : initial);

  window.addEventListener("resize", scaleStage);
  window.addEventListener("hashchange", onHashChange);
  document.addEventListener("keydown", onKey);
  deck.addEventListener("click", onClick);
  if (document.fonts && document.fonts.ready) {
    // Local fonts can still change metrics once loaded; measure again then.
    document.fonts.ready.then(shrinkAll);
  }
})();
