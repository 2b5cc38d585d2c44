// Uploads that respect a slow link (forms marked data-upload-form).
// 1. Photos are shrunk in the browser before sending: longest side 2,000 px, JPEG, EXIF orientation applied
//    (createImageBitmap with imageOrientation "from-image"). Anything else, or a browser that cannot, sends the
//    original; the server checks whatever arrives exactly as before.
// 2. The form is sent with XMLHttpRequest so the page shows "Uploading… NN %" and disables its buttons.
// 3. A failed send shows a retry button; nothing typed or chosen is lost because the page never left.
// Without JavaScript the form posts normally. Texts come from data-msg-* attributes (translated by Django).
(function () {
  "use strict";
  var MAX_SIDE = 2000;
  var QUALITY = 0.85;
  var SHRINK_ABOVE = 600 * 1024; // smaller photos whose sides fit are sent as they are

  // Our own file picker: show the chosen file's name next to the button.
  document.querySelectorAll("[data-file-pick]").forEach(function (pick) {
    var input = pick.querySelector("input[type=file]");
    var out = pick.querySelector("[data-file-name]");
    if (!input || !out) { return; }
    function show() {
      out.textContent = input.files && input.files.length ? input.files[0].name : out.dataset.empty;
    }
    input.addEventListener("change", show);
    // On a slow link a file may be chosen before this script has arrived: show what is already there.
    if (input.files && input.files.length) { show(); }
  });

  function msg(form, key, percent) {
    var text = form.dataset["msg" + key] || "";
    return percent === undefined ? text : text.replace("{percent}", String(percent) + " %");
  }

  function canShrink() {
    return typeof window.createImageBitmap === "function" && typeof HTMLCanvasElement !== "undefined" &&
      HTMLCanvasElement.prototype.toBlob;
  }

  function shrink(file) {
    // Resolves with a smaller JPEG File, or with the original file when shrinking is not possible or not useful.
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !canShrink()) { return Promise.resolve(file); }
    return window.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var longest = Math.max(bitmap.width, bitmap.height);
      if (longest <= MAX_SIDE && file.size <= SHRINK_ABOVE) { bitmap.close && bitmap.close(); return file; }
      var scale = Math.min(1, MAX_SIDE / longest);
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // transparent PNG areas become white, not black
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close && bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]+$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function buildData(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value || ""); }
    var jobs = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (!input.name || !input.files || !input.files.length) { return; }
      data.delete(input.name);
      Array.prototype.forEach.call(input.files, function (file) {
        jobs.push(shrink(file).then(function (sent) { data.append(input.name, sent, sent.name); }));
      });
    });
    return Promise.all(jobs).then(function () { return data; });
  }

  function setup(form) {
    var status = form.querySelector("[data-upload-status]");
    if (!status || typeof window.FormData !== "function") { return; }
    var bar = status.querySelector("progress");
    var text = status.querySelector("[data-upload-text]");
    var retry = status.querySelector("[data-upload-retry]");
    var busy = false;
    var lastSubmitter = null;

    function buttons(disabled) {
      form.querySelectorAll("button, input[type=submit]").forEach(function (b) {
        if (b === retry) { return; }
        if (disabled) {
          b.dataset.wasDisabled = b.disabled ? "1" : "";
          b.disabled = true;
        } else {
          b.disabled = b.dataset.wasDisabled === "1";
        }
      });
      form.setAttribute("aria-busy", disabled ? "true" : "false");
    }

    function show(state, message, percent) {
      status.hidden = false;
      status.classList.toggle("failed", state === "failed");
      text.textContent = message;
      if (percent === undefined) { bar.removeAttribute("value"); } else { bar.value = percent; }
      bar.hidden = state === "failed";
      retry.hidden = state !== "failed";
    }

    function fail() {
      busy = false;
      buttons(false);
      show("failed", msg(form, "Failed"));
      retry.focus();
    }

    function send(submitter) {
      if (busy) { return; }
      busy = true;
      lastSubmitter = submitter;
      buttons(true);
      show("preparing", msg(form, "Preparing"));
      buildData(form, submitter).then(function (data) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("action") || window.location.href);
        xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        xhr.upload.addEventListener("progress", function (e) {
          if (!e.lengthComputable) { return; }
          var percent = Math.min(100, Math.floor((e.loaded / e.total) * 100));
          show("sending", msg(form, "Uploading", percent), percent);
        });
        xhr.upload.addEventListener("load", function () { show("sending", msg(form, "Processing"), 100); });
        xhr.addEventListener("load", function () {
          if (xhr.status < 200 || xhr.status >= 300 || !xhr.responseText) { fail(); return; }
          // The server answered with a page (the dossier, or this form with its messages): show it.
          var url = xhr.responseURL || window.location.href;
          document.open();
          document.write(xhr.responseText);
          document.close();
          if (window.history && window.history.replaceState) { window.history.replaceState(null, "", url); }
        });
        xhr.addEventListener("error", fail);
        xhr.addEventListener("timeout", fail);
        xhr.addEventListener("abort", fail);
        xhr.send(data);
      }, fail);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(event.submitter || lastSubmitter);
    });
    retry.addEventListener("click", function () { send(lastSubmitter); });
  }

  document.querySelectorAll("form[data-upload-form]").forEach(setup);
})();
