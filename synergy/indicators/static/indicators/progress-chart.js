// Draws an indicator's progress against its target from the data island #progress-data
// (no inline script: CSP). Bars are the actual values, lines the target and baseline.
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("progress-data");
    var canvas = document.getElementById("progress-chart");
    if (!island || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var colours = ["#1f4e79", "#c55a11", "#7f7f7f"];
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return {
            type: s.type, label: s.label, data: s.values, spanGaps: true,
            backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length]
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || undefined,
        plugins: { title: { display: true, text: data.title } },
        scales: { y: { beginAtZero: true } }
      }
    });
    canvas.dataset.drawn = "1";
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
