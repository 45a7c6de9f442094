// Signature pad: a finger (or a mouse) draws on the canvas; the drawing is sent as a PNG in the
// form's hidden field. Pointer events cover touch, pen and mouse alike.
(function () {
  "use strict";
  const form = document.getElementById("signature-form");
  if (!form) return;
  const canvas = form.querySelector("canvas");
  const field = form.querySelector("input[name=image]");
  const status = document.getElementById("signature-status");
  const context = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;

  function fit() {
    // Drawn at the screen's pixel density, so the line stays sharp on a phone.
    const ratio = window.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    context.fillStyle = "#fff";
    context.fillRect(0, 0, box.width, box.height);
    drawn = false;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    const [x, y] = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y + 0.1);
    context.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });

  document.getElementById("signature-clear").addEventListener("click", function () {
    fit();
    status.textContent = "";
  });
  form.addEventListener("submit", function (event) {
    if (!drawn) {
      event.preventDefault();
      status.textContent = form.dataset.textEmpty;
      return;
    }
    field.value = canvas.toDataURL("image/png");
  });
  fit();
})();
