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

  // Leaflet's default pin guesses its folder from leaflet.css (and prepends it to any URL
  // given); a pin of our own takes the static files' URLs as they are, hashed or not.
  var pin = config.iconUrl ? L.icon({
    iconUrl: config.iconUrl, iconRetinaUrl: config.iconRetinaUrl, shadowUrl: config.shadowUrl,
    iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], tooltipAnchor: [16, -28],
    shadowSize: [41, 41],
  }) : new L.Icon.Default();
  var map = L.map(node, { scrollWheelZoom: false });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var districts = L.geoJSON(config.districts, {
    style: { color: "#0b3954", weight: 1, fillOpacity: 0.05 },
    onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name); },
  }).addTo(map);
  // Street level where the organisation usually reports (or the town centre); the user's
  // own position, when the browser gives it, moves the map there.
  var zoom = config.zoom || 16;
  if (config.centre) map.setView(config.centre, zoom);
  else if (districts.getLayers().length) map.setView(districts.getBounds().getCenter(), zoom);
  else map.setView([65.584, 22.156], zoom);

  node.leafletMap = map; // for tests and scripts
  var marker = null;
  function place(latitude, longitude, recentre) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (marker) marker.setLatLng([latitude, longitude]);
    else marker = L.marker([latitude, longitude], { icon: pin }).addTo(map);
    if (recentre) map.setView([latitude, longitude], Math.max(map.getZoom(), zoom));
    if (status) status.textContent = config.chosen + ": " + latitude.toFixed(5) + ", " + longitude.toFixed(5);
  }
  if (lat.value && lon.value) place(parseFloat(lat.value), parseFloat(lon.value), true);
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });
  // "Använd min position" fills the same fields; show it on the map as well.
  if (!(lat.value && lon.value) && "geolocation" in navigator) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (!marker) map.setView([pos.coords.latitude, pos.coords.longitude], zoom);
    }, function () {}, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.addEventListener("report-position", function (event) {
    place(event.detail.lat, event.detail.lon, true);
  });
})();
