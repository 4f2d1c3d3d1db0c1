// "Använd min position" on the report form: fills the hidden coordinates from the phone's
// position and tells the map (report_map.js) to move there. The texts come from the page.
(function () {
  var hint = document.getElementById("report-map-hint");
  if (hint) hint.hidden = false;
  var box = document.getElementById("position-box");
  if (!box || !("geolocation" in navigator)) return;
  box.hidden = false;
  var status = document.getElementById("position-status");
  document.getElementById("use-position").addEventListener("click", function () {
    status.textContent = box.dataset.fetching;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        var lat = pos.coords.latitude, lon = pos.coords.longitude;
        document.getElementById(box.dataset.latField).value = lat.toFixed(6);
        document.getElementById(box.dataset.lonField).value = lon.toFixed(6);
        status.textContent = box.dataset.found + ": " + lat.toFixed(5) + ", " + lon.toFixed(5);
        document.dispatchEvent(new CustomEvent("report-position", { detail: { lat: lat, lon: lon } }));
      },
      function () {
        status.textContent = box.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
