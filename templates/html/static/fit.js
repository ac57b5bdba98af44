/* lecturegen: shrink an overfull slide body to fit, like PowerPoint's "shrink text on overflow".
   One script for slides.html and the reveal.js page. A build's slides already fit (overfull slides
   are continued on "(cont.)" slides before any output is made); this is the safety net for a deck
   rendered on its own, or a browser whose fonts run wider. */
var lecturegenFit = (function () {
  "use strict";

  var SMALLEST_FIT = 0.6; // below this text is unreadable: better to show the overflow
  var FIT_STEP = 0.05;

  function overflows(element) {
    return element.scrollHeight > element.clientHeight + 1 || element.scrollWidth > element.clientWidth + 1;
  }

  // A long list gets smaller type rather than running off the slide; past the floor the rest is
  // scrolled to on screen and runs onto more pages in print (the slide is marked is-overflowing).
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
    slide.classList.toggle("is-overflowing", overflows(body));
  }

  return { shrinkToFit: shrinkToFit };
})();
