// Reorders the ranked countries on a need's page as the weights move: the score is the
// weighted mean of the dimension scores the page was given (docs/cooperation-matching.md).
// Without this script the form still works: "Rank again" sends the weights to the server.
(function () {
  "use strict";
  function ready() {
    var form = document.getElementById("weights");
    var list = document.getElementById("matches");
    var data = document.getElementById("match-scores");
    if (!form || !list || !data) return;
    var parsed = JSON.parse(data.textContent);
    var labels = parsed.labels;
    var countries = parsed.countries;
    var sliders = form.querySelectorAll("input[type=range][data-dimension]");

    function weights() {
      var out = {};
      sliders.forEach(function (s) { out[s.dataset.dimension] = parseFloat(s.value) || 0; });
      return out;
    }

    function rerank() {
      var w = weights();
      var total = 0;
      Object.keys(w).forEach(function (k) { total += w[k]; });
      if (total <= 0) return;
      var cards = Array.prototype.slice.call(list.querySelectorAll("li.match"));
      cards.forEach(function (card) {
        var entry = countries[card.dataset.country] || { scores: {}, known: [] };
        var s = entry.scores;
        var score = 0;
        Object.keys(w).forEach(function (k) { score += w[k] * (s[k] || 0); });
        // The drivers: known dimensions with the largest contributions (as the server says).
        var drivers = entry.known
          .filter(function (k) { return w[k] * s[k] > 0; })
          .sort(function (a, b) { return w[b] * s[b] - w[a] * s[a]; })
          .slice(0, 3);
        var holder = card.querySelector(".match-drivers");
        if (holder) {
          holder.textContent = "";
          drivers.forEach(function (k) {
            var badge = document.createElement("span");
            badge.className = "badge text-bg-light border me-1";
            badge.textContent = labels[k];
            holder.appendChild(badge);
          });
        }
        card.dataset.score = String(score / total);
        card.querySelector(".match-score").textContent = (score / total).toFixed(3);
        card.querySelectorAll("[data-weight-of]").forEach(function (cell) {
          cell.textContent = (w[cell.dataset.weightOf] || 0).toFixed(1);
        });
      });
      cards.sort(function (a, b) {
        var d = parseFloat(b.dataset.score) - parseFloat(a.dataset.score);
        return d !== 0 ? d : (a.dataset.country < b.dataset.country ? -1 : 1);
      });
      cards.forEach(function (card, i) {
        card.querySelector(".match-rank").textContent = String(i + 1);
        list.appendChild(card);
      });
    }

    sliders.forEach(function (s) {
      s.addEventListener("input", function () {
        var out = document.getElementById(s.id + "_value");
        if (out) out.textContent = s.value;
        rerank();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
