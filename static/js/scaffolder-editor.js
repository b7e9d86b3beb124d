// The template editor's few behaviours HTMX cannot give: line numbers beside the YAML
// (kept in step as it is typed and scrolled, problem lines marked), jumping to a
// problem's line, and sending a chosen folder's files with their paths inside it
// (the server sees only file names otherwise). Listeners are delegated from the
// document, so the parts HTMX swaps in work without being set up again.
(function () {
  "use strict";

  // Version control and dependency folders are no part of a template; leaving them out
  // here keeps a repository checkout within the upload's file limit.
  var IGNORED = [".git", ".hg", ".svn", "node_modules", "__pycache__"];

  function editor() { return document.getElementById("editor-yaml"); }
  function gutter() { return document.getElementById("editor-gutter"); }

  function errorLines() {
    var problems = document.getElementById("editor-problems");
    var text = problems ? problems.getAttribute("data-error-lines") || "" : "";
    return text.split(",").filter(Boolean).map(Number);
  }

  // One number per line of the YAML, problem lines marked; redrawn only when the
  // count or the marks change.
  function drawGutter() {
    var area = editor(), numbers = gutter();
    if (!area || !numbers) return;
    var count = area.value.split("\n").length;
    var bad = errorLines();
    var key = count + ":" + bad.join(",");
    if (numbers.dataset.drawn === key) return;
    numbers.dataset.drawn = key;
    var marked = new Set(bad);
    var fragment = document.createDocumentFragment();
    for (var line = 1; line <= count; line += 1) {
      var item = document.createElement("li");
      item.textContent = String(line);
      if (marked.has(line)) item.className = "bad";
      fragment.appendChild(item);
    }
    numbers.replaceChildren(fragment);
    numbers.scrollTop = area.scrollTop;
  }

  function goToLine(number) {
    var area = editor();
    if (!area) return;
    var lines = area.value.split("\n");
    var start = 0;
    for (var index = 0; index < number - 1 && index < lines.length; index += 1) {
      start += lines[index].length + 1;
    }
    var end = start + (lines[number - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var height = parseFloat(window.getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (number - 3) * height);
  }

  function ignored(path) {
    return path.split("/").slice(0, -1).some(function (part) { return IGNORED.indexOf(part) >= 0; });
  }

  // The server refuses a folder over its limits; saying so here saves sending it.
  function tooMuch(form, files) {
    var maxFiles = Number(form.dataset.maxFiles), maxBytes = Number(form.dataset.maxBytes);
    var bytes = files.reduce(function (sum, file) { return sum + file.size; }, 0);
    if (maxFiles && files.length > maxFiles) {
      return "That folder has " + files.length + " files; the editor takes at most " + maxFiles +
        " (template.yaml and its skeleton). Choose the template's own folder.";
    }
    if (maxBytes && bytes > maxBytes) {
      return "That folder's files add up to " + (bytes / 1048576).toFixed(1) +
        " MB; the editor takes at most " + (maxBytes / 1048576).toFixed(1) + " MB.";
    }
    return "";
  }

  // Keep the chosen folder's own files, add each one's path as a "paths" field in
  // the same order, then send the form.
  function takeFolder(input) {
    var form = input.form;
    var chosen = Array.prototype.slice.call(input.files || []);
    var kept = chosen.filter(function (file) { return !ignored(file.webkitRelativePath || file.name); });
    if (kept.length !== chosen.length && window.DataTransfer) {
      var transfer = new DataTransfer();
      kept.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    } else {
      kept = chosen;
    }
    form.querySelectorAll("input[name=paths]").forEach(function (field) { field.remove(); });
    kept.forEach(function (file) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "paths";
      field.value = file.webkitRelativePath || file.name;
      form.appendChild(field);
    });
    var status = form.querySelector("[data-upload-status]");
    var refusal = tooMuch(form, kept);
    if (status) {
      var skipped = chosen.length - kept.length;
      status.textContent = refusal || "Uploading " + kept.length + " file" +
        (kept.length === 1 ? "" : "s") +
        (skipped ? " (" + skipped + " in version control or dependency folders left out)" : "") + "…";
      status.classList.toggle("form-error", Boolean(refusal));
    }
    if (refusal) input.value = "";  // choosing the same folder again is a change again
    else if (kept.length) form.requestSubmit();
  }

  document.addEventListener("input", function (event) {
    if (event.target === editor()) drawGutter();
  });
  // Scrolling does not bubble: listen while capturing.
  document.addEventListener("scroll", function (event) {
    var numbers = gutter();
    if (event.target === editor() && numbers) numbers.scrollTop = event.target.scrollTop;
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-line]");
    if (!link) return;
    event.preventDefault();
    goToLine(Number(link.getAttribute("data-line")));
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("form[data-editor-upload] input[type=file]")) takeFolder(event.target);
  });
  // A swapped-in preview brings new problem lines; a swapped-in workspace a new text.
  document.addEventListener("htmx:afterSettle", drawGutter);
  document.addEventListener("DOMContentLoaded", drawGutter);
}());
