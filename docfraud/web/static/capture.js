// Capture page: drop or choose the white-light image (or take it with the camera), optionally the
// infrared and ultraviolet ones; large images are reduced on this device before they are sent.
// Without JavaScript the form still posts to /examine.
"use strict";
(function () {
  var form = document.getElementById("capture");
  var drop = document.getElementById("drop");
  var white = document.getElementById("white");
  var preview = document.getElementById("preview");
  var dropText = document.getElementById("drop-text");
  var button = document.getElementById("examine");
  var busy = document.getElementById("busy");
  var error = document.getElementById("error");
  var maxSide = parseInt(form.dataset.maxSide || "3200", 10);
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var files = { white: null, ir: null, uv: null, other: null };
  var sending = false;

  function setWhite(file) {
    if (!file) return;
    files.white = file;
    drop.classList.add("ready");
    dropText.innerHTML = "";
    dropText.textContent = file.name + " — ready";
    try {
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    } catch (e) { preview.hidden = true; }
    button.disabled = false;
    button.focus();
  }
  white.addEventListener("change", function () { setWhite(white.files[0]); });
  ["ir", "uv", "other"].forEach(function (light) {
    var input = document.getElementById(light);
    input.addEventListener("change", function () { files[light] = input.files[0] || null; });
  });
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) setWhite(f);
  });
  // Drop anywhere on the page, not only on the zone.
  document.addEventListener("dragover", function (e) { e.preventDefault(); });
  document.addEventListener("drop", function (e) {
    e.preventDefault();
    var f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) setWhite(f);
  });

  // Reduce an image whose long side exceeds maxSide (JPEG, quality 0.92); others go as they are.
  function shrink(file) {
    if (!file || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bmp) {
      var side = Math.max(bmp.width, bmp.height);
      if (side <= maxSide) { bmp.close && bmp.close(); return file; }
      var k = maxSide / side;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * k);
      canvas.height = Math.round(bmp.height * k);
      var ctx = canvas.getContext("2d");
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bmp, 0, 0, canvas.width, canvas.height);
      bmp.close && bmp.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], "resized.jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.92);
      });
    }, function () { return file; });  // the browser cannot decode it (TIFF): send it as it is
  }

  var dropHTML = dropText.innerHTML;
  preview.addEventListener("error", function () { preview.hidden = true; });

  // After a refusal, start again from an empty form: the officer drops the image again.
  function reset() {
    form.reset();
    files = { white: null, ir: null, uv: null, other: null };
    drop.classList.remove("ready");
    dropText.innerHTML = dropHTML;
    preview.hidden = true;
    preview.removeAttribute("src");
  }

  function showError(text, keep) {
    error.textContent = text;
    error.hidden = false;
    busy.hidden = true;
    sending = false;
    if (!keep) reset();
    button.disabled = !files.white;
  }

  function send() {
    if (sending || !files.white) return;
    sending = true;
    button.disabled = true;
    busy.hidden = false;
    error.hidden = true;
    Promise.all([shrink(files.white), shrink(files.ir), shrink(files.uv),
                 shrink(files.other)]).then(function (f) {
      var data = new FormData();
      data.append("white", f[0], f[0].name || "white.jpg");
      if (f[1]) data.append("ir", f[1], f[1].name || "ir.jpg");
      if (f[2]) data.append("uv", f[2], f[2].name || "uv.jpg");
      if (f[3]) data.append("other", f[3], f[3].name || "other.jpg");
      return fetch("/api/v1/examinations", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
      });
    }).then(function (resp) {
      return resp.json().then(function (body) { return { resp: resp, body: body }; },
        function () { return { resp: resp, body: null }; });
    }).then(function (r) {
      if (r.resp.ok && r.body && r.body.url) { window.location.assign(r.body.url); return; }
      if (r.resp.status === 401) { window.location.assign("/login"); return; }
      var e = r.body && r.body.error;
      showError(e ? e.code + ": " + e.message + (e.hint ? " — " + e.hint : "")
                  : "The station answered " + r.resp.status + ".");
    }).catch(function () {
      showError("The station could not be reached. Check the connection and try again.", true);
    });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && files.white && !sending && e.target.tagName !== "BUTTON") {
      e.preventDefault();
      send();
    }
  });

  // The device camera, where the browser allows it (HTTPS or localhost).
  var camOpen = document.getElementById("camera-open");
  var cam = document.getElementById("camera");
  var video = document.getElementById("video");
  var stream = null;
  var lights = document.getElementById("lights");
  // While the camera is open it takes the place of the drop zone, its buttons in view.
  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    cam.hidden = true;
    drop.hidden = false;
    lights.hidden = false;
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camOpen.hidden = false;
    camOpen.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 3840 }, height: { ideal: 2160 } }
      }).then(function (s) {
        stream = s;
        video.srcObject = s;
        cam.hidden = false;
        drop.hidden = true;
        lights.hidden = true;
        document.getElementById("camera-shoot").focus();
      }, function (err) {
        showError("The camera cannot be used here (" + err.name + "): choose a file instead.");
      });
    });
    document.getElementById("camera-close").addEventListener("click", stopCamera);
    document.getElementById("camera-shoot").addEventListener("click", function () {
      if (!video.videoWidth) return;
      var canvas = document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob(function (blob) {
        stopCamera();
        if (blob) setWhite(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      }, "image/jpeg", 0.95);
    });
  }
})();
