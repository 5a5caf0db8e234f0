// Draws the 8.7.1 chart from the JSON data island #chart-data (no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("chart-data");
    var canvas = document.getElementById("cl-chart");
    if (!island || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var colours = ["#1f4e79", "#c55a11", "#7f7f7f"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: true, text: data.title } },
        scales: { y: { beginAtZero: true, title: { display: true, text: data.axis } } }
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
