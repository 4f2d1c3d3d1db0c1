// Tap the map to say where it happened: fills the report form's hidden lat/lon fields.
// Without JavaScript (or Leaflet) the form still works with a place or a district.
(function () {
  "use strict";
  var node = document.getElementById("report-map");
  var configNode = document.getElementById("report-map-config");
  if (!node || !configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var lat = document.getElementById(config.latId);
  var lon = document.getElementById(config.lonId);
  var status = document.getElementById("report-map-status");
  node.hidden = false;

  var map = L.map(node, { scrollWheelZoom: false });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var districts = L.geoJSON(config.districts, {
    style: { color: "#0b3954", weight: 1, fillOpacity: 0.05 },
    onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name); },
  }).addTo(map);
  if (districts.getLayers().length) map.fitBounds(districts.getBounds());
  else map.setView([65.584, 22.156], 12);

  node.leafletMap = map; // for tests and scripts
  var marker = null;
  function place(latitude, longitude, zoom) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (marker) marker.setLatLng([latitude, longitude]);
    else marker = L.marker([latitude, longitude]).addTo(map);
    if (zoom) map.setView([latitude, longitude], Math.max(map.getZoom(), 15));
    if (status) status.textContent = config.chosen + ": " + latitude.toFixed(5) + ", " + longitude.toFixed(5);
  }
  if (lat.value && lon.value) place(parseFloat(lat.value), parseFloat(lon.value), true);
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });
  // "Använd min position" fills the same fields; show it on the map as well.
  document.addEventListener("report-position", function (event) {
    place(event.detail.lat, event.detail.lon, true);
  });
})();
