// Result page: Enter (or N) opens the capture page for the next document.
"use strict";
document.addEventListener("keydown", function (e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  var t = e.target;
  var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
  if (typing) return;
  if (e.key === "Enter" && t && (t.tagName === "A" || t.tagName === "BUTTON" || t.tagName === "SUMMARY") && t.id !== "next") return;
  if (e.key === "Enter" || e.key === "n" || e.key === "N") {
    e.preventDefault();
    window.location.assign("/");
  }
});
