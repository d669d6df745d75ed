// Statistics dashboard: one chart per section; each canvas names the json_script element
// that holds its data ({type, stacked, labels, datasets: [{label, data}]}).
(function () {
  if (typeof Chart === "undefined") return;
  const palette = ["#1976d2", "#c62828", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f"];
  document.querySelectorAll("canvas.stat-chart").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    const datasets = spec.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: palette[index % palette.length],
        borderColor: palette[index % palette.length],
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: {
          x: { stacked: spec.stacked },
          y: { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    canvas.dataset.rendered = "true";
  });
})();
