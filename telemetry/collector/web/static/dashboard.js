// Charts for the ghostline dashboard. They are drawn from the server-rendered
// tables (their data-v attributes), so the page reads the same without
// JavaScript and the charts can never disagree with the tables.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') { return; }

  function readTable(id) {
    var t = document.getElementById(id);
    if (!t || !t.tHead) { return []; }
    var cols = Array.prototype.slice.call(t.tHead.rows[0].cells, 1).map(function (th) { return th.dataset.c; });
    var rows = [];
    Array.prototype.forEach.call(t.tBodies[0].rows, function (tr) {
      var k = tr.cells[0].dataset.k;
      if (k === undefined) { return; }
      var v = {};
      Array.prototype.slice.call(tr.cells, 1).forEach(function (td, i) {
        v[cols[i]] = td.dataset.v === '' ? null : Number(td.dataset.v);
      });
      rows.push({ key: k, v: v });
    });
    return rows;
  }

  function percent(x) { return x === null ? null : 100 * x; }
  var common = { animation: false, responsive: true, maintainAspectRatio: false };
  var charts = {};

  // Without accept/reject decisions the page has no acceptance canvases,
  // only a note saying so.
  var daily = readTable('t-daily');
  if (daily.length && document.getElementById('chart-daily')) {
    charts.daily = new Chart(document.getElementById('chart-daily'), {
      data: {
        labels: daily.map(function (r) { return r.key; }),
        datasets: [
          { type: 'line', label: 'acceptance %', yAxisID: 'rate', borderColor: '#2563eb', backgroundColor: '#2563eb',
            data: daily.map(function (r) { return percent(r.v.accept_rate); }) },
          { type: 'bar', label: 'seen', yAxisID: 'count', backgroundColor: 'rgba(148,163,184,0.5)',
            data: daily.map(function (r) { return r.v.seen; }) }
        ]
      },
      options: Object.assign({}, common, {
        scales: {
          rate: { type: 'linear', position: 'left', min: 0, title: { display: true, text: '%' } },
          count: { type: 'linear', position: 'right', min: 0, grid: { drawOnChartArea: false } }
        }
      })
    });
  }

  var langs = readTable('t-languages');
  if (langs.length && document.getElementById('chart-languages')) {
    charts.languages = new Chart(document.getElementById('chart-languages'), {
      type: 'bar',
      data: {
        labels: langs.map(function (r) { return r.key; }),
        datasets: [{ label: 'acceptance %', backgroundColor: '#16a34a', data: langs.map(function (r) { return percent(r.v.accept_rate); }) }]
      },
      options: Object.assign({}, common, { indexAxis: 'y', scales: { x: { min: 0 } } })
    });
  }

  var lat = readTable('t-latency');
  if (lat.length) {
    var colors = { p50_ms: '#0ea5e9', p90_ms: '#f59e0b', p99_ms: '#dc2626' };
    charts.latency = new Chart(document.getElementById('chart-latency'), {
      type: 'bar',
      data: {
        labels: lat.map(function (r) { return r.key; }),
        datasets: ['p50_ms', 'p90_ms', 'p99_ms'].map(function (c) {
          return { label: c.replace('_ms', ''), backgroundColor: colors[c], data: lat.map(function (r) { return r.v[c]; }) };
        })
      },
      options: Object.assign({}, common, { scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms' } } } })
    });
  }
  window.ghostlineCharts = charts;
}());
