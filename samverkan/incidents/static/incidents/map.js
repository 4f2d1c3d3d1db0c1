/* The incident map: Leaflet, data aggregated on the server (/handelser/karta/data/).
   Cells (counts per SWEREF 99 TM grid square) at low zoom, points at street zoom. */
(function () {
  "use strict";
  var element = document.getElementById("incident-map");
  var configElement = document.getElementById("incident-map-config");
  if (!element || !configElement || typeof L === "undefined") { return; }
  var config = JSON.parse(configElement.textContent);
  var labels = config.labels;
  var statusLine = document.getElementById("incident-map-status");
  var hiddenLine = document.getElementById("incident-map-hidden");

  var map = L.map(element, { preferCanvas: true });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var districts = L.geoJSON(config.districts, {
    style: { color: "#0b3a53", weight: 1.5, fill: false, dashArray: "4 3" },
    onEachFeature: function (feature, layer) {
      var name = feature.properties.name;
      if (feature.properties.approximate) { name += " (" + labels.approximate + ")"; }
      layer.bindTooltip(name, { sticky: true });
    }
  }).addTo(map);
  if (districts.getLayers().length) {
    map.fitBounds(districts.getBounds());
  } else {
    map.setView([65.5844, 22.1539], 11);
  }

  var COLOURS = ["#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"];
  function breaks(max) {
    var steps = [];
    for (var i = 1; i <= COLOURS.length; i++) {
      steps.push(Math.max(1, Math.ceil(Math.pow(max, i / COLOURS.length))));
    }
    return steps;
  }
  function colour(count, steps) {
    for (var i = 0; i < steps.length; i++) { if (count <= steps[i]) { return COLOURS[i]; } }
    return COLOURS[COLOURS.length - 1];
  }

  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    this._div = L.DomUtil.create("div", "map-legend");
    return this._div;
  };
  legend.addTo(map);
  function drawLegend(steps) {
    if (!steps) { legend._div.innerHTML = ""; legend._div.style.display = "none"; return; }
    var html = "<strong>" + labels.legend + "</strong><br>";
    var previous = 0;
    steps.forEach(function (step, i) {
      if (step <= previous) { return; }
      html += '<i style="background:' + COLOURS[i] + '"></i>' +
        (step === previous + 1 ? step : (previous + 1) + "–" + step) + "<br>";
      previous = step;
    });
    legend._div.innerHTML = html;
    legend._div.style.display = "";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  var dataLayer = L.layerGroup().addTo(map);
  var request = 0;
  function load() {
    var bounds = map.getBounds();
    var bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(",");
    var url = config.dataUrl + "?bbox=" + bbox + "&zoom=" + map.getZoom() +
      (config.query ? "&" + config.query : "");
    var mine = ++request;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (mine !== request) { return; }
        dataLayer.clearLayers();
        element.dataset.mode = data.mode;
        element.dataset.features = String(data.features.length);
        if (data.mode === "cells") {
          var max = 0;
          data.features.forEach(function (f) { max = Math.max(max, f.properties.count); });
          var steps = data.features.length ? breaks(max) : null;
          L.geoJSON(data, {
            style: function (f) {
              return { color: "#7f0000", weight: 0.5, fillColor: colour(f.properties.count, steps), fillOpacity: 0.7 };
            },
            onEachFeature: function (f, layer) {
              layer.bindTooltip(f.properties.count + " " + labels.reports);
            }
          }).addTo(dataLayer);
          drawLegend(steps);
          statusLine.textContent = format(labels.cells, { size: data.cell_size_m, count: data.shown });
        } else {
          L.geoJSON(data, {
            pointToLayer: function (f, latlng) {
              return L.circleMarker(latlng, { radius: 6, color: "#7f0000", weight: 1, fillColor: "#de2d26", fillOpacity: 0.8 });
            },
            onEachFeature: function (f, layer) {
              var p = f.properties;
              layer.bindPopup("<strong>" + escapeHtml(p.category) + "</strong><br>" + escapeHtml(p.time) +
                '<br><a href="' + encodeURI(p.url) + '">' + labels.open + "</a>");
            }
          }).addTo(dataLayer);
          drawLegend(null);
          statusLine.textContent = format(labels.points, { count: data.shown });
        }
        hiddenLine.textContent = data.without_position_message;
        element.dataset.loaded = "1";
      })
      .catch(function () {
        if (mine === request) { statusLine.textContent = labels.error; }
      });
  }
  map.on("moveend", load);
  load();
})();
