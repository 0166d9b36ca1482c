// Haven questionnaire form: a provisional total and band as answers are chosen, and the
// practice's crisis text revealed as soon as PHQ-9 item 9 is answered above 0.
// Progressive enhancement only: without this script the "Calculate" button asks the server,
// and the saved score is always computed by the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-score]");
  if (!form) { return; }
  var output = document.getElementById("live-score");
  var safety = document.getElementById("safety-text");
  var bands = (form.getAttribute("data-bands") || "").split("|").filter(Boolean).map(function (b) {
    var parts = b.split(":");
    return { lo: Number(parts[0]), hi: Number(parts[1]), label: parts.slice(2).join(":") };
  });

  function update() {
    var groups = form.querySelectorAll("fieldset[data-item]");
    var total = 0, answered = 0, needed = 0, scored = false, item9 = false;
    groups.forEach(function (g) {
      var counts = g.getAttribute("data-scored") === "1";
      var optional = g.getAttribute("data-optional") === "1";
      if (counts) { scored = true; }
      if (!optional) { needed += 1; }
      var checked = g.querySelector("input[type=radio]:checked");
      if (!checked) { return; }
      if (!optional) { answered += 1; }
      var value = checked.value === "na" ? 0 : Number(checked.value);
      if (counts) { total += value; }
      if (g.getAttribute("data-item9") === "1" && value > 0) { item9 = true; }
    });
    if (output && scored) {
      var text = "Provisional total " + total + " (" + answered + " of " + needed + " items answered)";
      if (answered === needed) {
        var band = bands.filter(function (b) { return total >= b.lo && total <= b.hi; })[0];
        text = "Provisional total " + total + (band ? " — " + band.label : "") + ". Save to record it.";
      }
      output.textContent = text;
    } else if (output) {
      output.textContent = answered + " of " + needed + " items answered. Save or calculate to see the result.";
    }
    if (safety && item9) { safety.hidden = false; }
  }

  form.addEventListener("change", update);
  update();
})();
