// Swedish (sv-SE) number and time formats for Vega: the d3-format and d3-time-format
// locale definitions, passed to vega-embed as formatLocale / timeFormatLocale.
export const formatLocale = {
  decimal: ",",
  thousands: "\u00a0",
  grouping: [3],
  currency: ["", " kr"],
  minus: "\u2212",
};

export const timeFormatLocale = {
  dateTime: "%A %e %B %Y %H:%M:%S",
  date: "%Y-%m-%d",
  time: "%H:%M:%S",
  periods: ["fm", "em"],
  days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
  shortDays: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
  months: [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
  ],
  shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
};
