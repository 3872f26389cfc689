// The weekly arrests and surrenders chart of the dashboard (kept out of the page for the CSP).
(function () {
  const canvas = document.getElementById("weekly-chart");
  const source = document.getElementById("weekly-data");
  if (!canvas || !source || typeof Chart === "undefined") {
    return;
  }
  const weeks = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: weeks.map(w => w.week.slice(8, 10) + "/" + w.week.slice(5, 7)),
      datasets: [
        {label: canvas.dataset.labelArrested, data: weeks.map(w => w.arrested), backgroundColor: "#198754"},
        {label: canvas.dataset.labelSurrendered, data: weeks.map(w => w.surrendered), backgroundColor: "#0d6efd"}
      ]
    },
    options: {responsive: true, animation: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
