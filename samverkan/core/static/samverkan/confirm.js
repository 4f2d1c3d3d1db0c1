// A form with data-confirm="question" asks before it is sent (the pages carry no inline
// scripts: the Content-Security-Policy allows only the site's own files).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
