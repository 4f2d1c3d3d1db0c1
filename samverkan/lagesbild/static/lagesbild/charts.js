// Renders every Vega-Lite spec on the page with the vega-embed bundle (loaded before this
// module from /lagesbild/vega.js), with Swedish month and weekday names and number formats
// (locale-sv.js). Without JavaScript the tables under each chart remain.
import { formatLocale, timeFormatLocale } from "./locale-sv.js";

for (const el of document.querySelectorAll("[data-vega]")) {
  const source = document.getElementById(el.dataset.vega);
  if (!source || !window.vegaEmbed) continue;
  const spec = JSON.parse(source.textContent);
  window
    .vegaEmbed(el, spec, { actions: false, renderer: "svg", ast: true, formatLocale, timeFormatLocale })
    .then(() => el.classList.add("rendered"))
    .catch(() => {
      el.textContent = el.dataset.error || "";
    });
}
