/* Keyboard shortcuts and small conveniences for the review portal. Plain JS, no inline handlers (CSP). */
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.href = link.getAttribute("href"); }
  }

  // Queue: rows are clickable; j/k move the selection, Enter opens it.
  function queueRows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]")); }
  function selectRow(delta) {
    var rows = queueRows();
    if (!rows.length) { return false; }
    var index = rows.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(rows.length - 1, (index < 0 ? 0 : index + delta)));
    rows.forEach(function (r) { r.classList.remove("selected"); });
    rows[next].classList.add("selected");
    rows[next].scrollIntoView({block: "nearest"});
    return true;
  }

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a, button, input, select, label")) {
      window.location.href = row.getAttribute("data-href");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape" && typing(event)) { event.target.blur(); return; }
    if (typing(event)) { return; }
    var onDetail = !!document.getElementById("fields-form");
    switch (event.key) {
      case "j":
        if (onDetail) { go("nav-next"); } else { selectRow(1); }
        break;
      case "k":
        if (onDetail) { go("nav-prev"); } else { selectRow(-1); }
        break;
      case "Enter":
        if (!onDetail) {
          var selected = document.querySelector("tr[data-href].selected");
          if (selected) { window.location.href = selected.getAttribute("data-href"); }
        }
        break;
      case "e":
        var first = document.querySelector("#fields-form input:not([type=hidden]), #fields-form select");
        if (first) { event.preventDefault(); first.focus(); }
        break;
      case "o":
        var open = document.getElementById("open-form");
        if (open) { event.preventDefault(); open.submit(); }
        break;
      case "r":
        var reason = document.getElementById("refuse-reason");
        if (reason) { event.preventDefault(); reason.focus(); }
        break;
      case "/":
        var search = document.querySelector(".filters select, .filters input:not([type=hidden])");
        if (search) { event.preventDefault(); search.focus(); }
        break;
    }
  });

  // Detail view: hovering or focusing a field shows its evidence in the text and boxes it on the page image.
  function showField(name) {
    document.querySelectorAll("mark.evidence").forEach(function (m) {
      m.classList.toggle("active", m.getAttribute("data-field") === name);
    });
    var mark = document.querySelector('mark.evidence[data-field="' + name + '"]');
    if (mark) { mark.scrollIntoView({block: "center", behavior: "smooth"}); }
    document.querySelectorAll("img[data-base]").forEach(function (img) {
      img.src = img.getAttribute("data-base") + (name ? "?field=" + encodeURIComponent(name) : "");
    });
  }
  document.querySelectorAll("#fields-form tr.has-evidence").forEach(function (row) {
    var name = row.getAttribute("data-field");
    row.querySelector("th").addEventListener("click", function () { showField(name); });
    row.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.addEventListener("focus", function () { showField(name); });
    });
  });

  // Filters apply as soon as a select changes.
  document.querySelectorAll("#filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Refusing needs a reason; confirm before the irreversible click.
  var refuse = document.getElementById("refuse-form");
  if (refuse) {
    refuse.addEventListener("submit", function (event) {
      var reason = document.getElementById("refuse-reason");
      if (!reason.value) { event.preventDefault(); reason.focus(); }
    });
  }
})();
