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
    jumpToEvidence(name);
  }

  // Page images: the whole page fits its viewport by default; zoom in/out (buttons, + - 0 w keys) and, when a
  // field is chosen, zoom and scroll to the word box of its evidence (boxes are fractions of the page).
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.page-image"));
  var ZOOM_STEP = 1.25, ZOOM_MAX = 6;

  function parts(figure) {
    return {view: figure.querySelector(".page-viewport"), img: figure.querySelector(".page-viewport img"),
            label: figure.querySelector(".zoom-level")};
  }
  function ratio(figure) {   // height / width of the page, remembered (a reloading image reports 0)
    var img = parts(figure).img;
    if (img.naturalWidth) { figure.setAttribute("data-ratio", String(img.naturalHeight / img.naturalWidth)); }
    return parseFloat(figure.getAttribute("data-ratio") || "1.414");
  }
  function fitZoom(figure) {  // the zoom (page width / viewport width) at which the whole page is in view
    var view = parts(figure).view;
    return Math.min(1, (view.clientHeight - 4) / (ratio(figure) * (view.clientWidth - 4)));
  }
  function setZoom(figure, zoom) {
    var p = parts(figure), fit = fitZoom(figure);
    zoom = Math.max(fit, Math.min(ZOOM_MAX, zoom));
    var width = Math.round(zoom * (p.view.clientWidth - 4));
    p.img.style.width = width + "px";
    p.img.style.height = Math.round(width * ratio(figure)) + "px";
    figure.setAttribute("data-zoom", String(zoom));
    var natural = p.img.naturalWidth || width;
    p.label.textContent = zoom <= fit + 0.001 ? "Page entière" : Math.round(100 * width / natural) + " %";
    return zoom;
  }
  function zoomOf(figure) { return parseFloat(figure.getAttribute("data-zoom") || "0") || fitZoom(figure); }
  function current() { return document.querySelector("figure.page-image.current") || figures[0]; }
  function makeCurrent(figure) {
    figures.forEach(function (f) { f.classList.toggle("current", f === figure); });
  }
  function boxesOf(figure) {
    try { return JSON.parse(figure.getAttribute("data-boxes") || "{}"); } catch (e) { return {}; }
  }
  function jumpToEvidence(name) {
    var target = figures.find(function (f) { return boxesOf(f)[name]; });
    if (!target) { return false; }
    var box = boxesOf(target)[name], p = parts(target);
    makeCurrent(target);
    // the evidence takes about half the viewport's width, never less than the page's full width
    var zoom = setZoom(target, Math.max(1, Math.min(3, 0.5 / Math.max(0.02, box[2] - box[0]))));
    var width = zoom * (p.view.clientWidth - 4), height = width * ratio(target);
    p.view.scrollLeft = Math.max(0, (box[0] + box[2]) / 2 * width - p.view.clientWidth / 2);
    p.view.scrollTop = Math.max(0, (box[1] + box[3]) / 2 * height - p.view.clientHeight / 2);
    target.setAttribute("data-jumped", name);
    target.scrollIntoView({block: "nearest"});
    return true;
  }
  figures.forEach(function (figure) {
    var p = parts(figure);
    function ready() { if (!figure.getAttribute("data-zoom")) { setZoom(figure, fitZoom(figure)); } }
    if (p.img.complete && p.img.naturalWidth) { ready(); } else { p.img.addEventListener("load", ready); }
    p.img.addEventListener("load", function () { ratio(figure); });
    figure.querySelector(".zoom-in").addEventListener("click", function () { makeCurrent(figure); setZoom(figure, zoomOf(figure) * ZOOM_STEP); });
    figure.querySelector(".zoom-out").addEventListener("click", function () { makeCurrent(figure); setZoom(figure, zoomOf(figure) / ZOOM_STEP); });
    figure.querySelector(".zoom-fit").addEventListener("click", function () { makeCurrent(figure); setZoom(figure, fitZoom(figure)); });
    figure.querySelector(".zoom-width").addEventListener("click", function () { makeCurrent(figure); setZoom(figure, 1); });
    p.view.addEventListener("focus", function () { makeCurrent(figure); });
    p.view.addEventListener("mousedown", function () { makeCurrent(figure); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event) || !figures.length) { return; }
    var figure = current();
    var keys = {"+": function () { return zoomOf(figure) * ZOOM_STEP; }, "=": function () { return zoomOf(figure) * ZOOM_STEP; },
                "-": function () { return zoomOf(figure) / ZOOM_STEP; }, "0": function () { return fitZoom(figure); },
                "w": function () { return 1; }};
    if (keys[event.key]) { event.preventDefault(); setZoom(figure, keys[event.key]()); }
  });
  window.addEventListener("resize", function () {
    figures.forEach(function (f) { if (f.getAttribute("data-zoom")) { setZoom(f, zoomOf(f)); } });
  });
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
