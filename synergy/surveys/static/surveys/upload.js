// Upload page: a progress bar fed by htmx's upload progress events, and a size check before
// sending a file the server would refuse anyway. Loaded with defer; no inline script (CSP).
(function () {
  "use strict";
  function form() { return document.getElementById("upload-form"); }
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var progress = document.getElementById("upload-progress");
    if (!progress || !evt.detail || !evt.detail.lengthComputable && !evt.detail.total) { return; }
    progress.classList.remove("invisible");
    progress.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var f = form();
    if (!f || evt.target !== f) { return; }
    var input = f.querySelector("input[type=file]");
    var error = document.getElementById("upload-size-error");
    var max = input ? parseInt(input.dataset.maxBytes || "0", 10) : 0;
    if (input && input.files.length && max && input.files[0].size > max) {
      evt.preventDefault();
      if (error) { error.textContent = error.dataset.message; error.classList.remove("d-none"); }
      return;
    }
    if (error) { error.classList.add("d-none"); }
    var progress = document.getElementById("upload-progress");
    if (progress) { progress.value = 0; progress.classList.remove("invisible"); }
    var button = f.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
  });
})();
