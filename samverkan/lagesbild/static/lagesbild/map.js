/* The lägesbild's hot-spot map: the drawn cells of the Gi* grid (SWEREF 99 TM squares as
   WGS 84 corners, from the server's stored result) and the districts on Leaflet, with the
   base map of SAMVERKAN_MAP_TILES. Without JavaScript the table of hot and cold cells remains. */
(function () {
  "use strict";
  var element = document.getElementById("lb-map");
  var dataElement = document.getElementById("lb-map-data");
  var tilesElement = document.getElementById("lb-map-tiles");
  if (!element || !dataElement || typeof L === "undefined") { return; }
  var data = JSON.parse(dataElement.textContent);
  var tiles = tilesElement ? JSON.parse(tilesElement.textContent) : {};
  var labels = data.labels;
  var status = document.getElementById("lb-map-status");

  var map = L.map(element, { preferCanvas: true });
  if (tiles.tiles) {
    L.tileLayer(tiles.tiles, { maxZoom: 19, attribution: tiles.attribution }).addTo(map);
  }
  var bounds = L.latLngBounds([]);
  var districts = L.layerGroup().addTo(map);
  data.districts.forEach(function (d) {
    d.rings.forEach(function (ring) {
      var line = L.polygon(ring, { color: "#0b3a53", weight: 1.5, fill: false, dashArray: "4 3" });
      line.bindTooltip(d.name, { sticky: true });
      line.addTo(districts);
      bounds.extend(line.getBounds());
    });
  });
  var cells = L.layerGroup().addTo(map);
  var drawn = 0;
  data.cells.forEach(function (c) {
    var colour = data.colours[c.key] || data.colours[""];
    var square = L.polygon(c.corners, {
      color: c.key ? "#444" : "#999", weight: 0.4, fillColor: colour,
      fillOpacity: c.key ? 0.75 : 0.35
    });
    square.bindTooltip(c.count + " " + labels.events + " · " + labels.labels[c.key] +
      (c.z === null ? "" : " · z " + String(c.z).replace(".", ",")));
    square.addTo(cells);
    bounds.extend(square.getBounds());
    drawn += 1;
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [8, 8] });
  } else {
    map.setView([65.5844, 22.1539], 11);
  }
  if (data.legend.length) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "lb-map-legend");
      var title = document.createElement("strong");
      title.textContent = labels.legend;
      div.appendChild(title);
      data.legend.forEach(function (item) {
        div.appendChild(document.createElement("br"));
        var swatch = document.createElement("i");
        swatch.style.background = item.colour;
        div.appendChild(swatch);
        div.appendChild(document.createTextNode(item.label));
      });
      return div;
    };
    legend.addTo(map);
  }
  if (status && !drawn) { status.textContent = labels.empty; }
  element.dataset.cells = String(drawn);
  element.dataset.districts = String(districts.getLayers().length);
  element.leafletMap = map; // for tests and scripts
  element.classList.add("rendered");
})();
