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
    var scores = JSON.parse(data.textContent);
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
        var s = scores[card.dataset.country] || {};
        var score = 0;
        Object.keys(w).forEach(function (k) { score += w[k] * (s[k] || 0); });
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
