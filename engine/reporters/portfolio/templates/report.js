(function () {
  "use strict";
  // Sorting and filtering are extras: without this script the tables read in report order.
  function text(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var key = cell.getAttribute("data-sort");
    return key === null ? cell.textContent.trim() : key;
  }
  function sortBy(table, index, heads) {
    var th = heads[index];
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var order = text(a, index).localeCompare(text(b, index), "en", { numeric: true });
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, heads); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    var status = document.getElementById(input.getAttribute("data-filter") + "-shown");
    input.closest(".filter").hidden = false;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
        if (!row.hidden) { shown += 1; }
      });
      if (status) { status.textContent = shown + " of " + table.tBodies[0].rows.length + " rows shown"; }
    });
  });
  // Detail is in collapsed <details>: a link to something inside one opens it (and the
  // ones around it) first, so that every anchor of the report still leads somewhere.
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) { return; }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    target.scrollIntoView();
  }
  function revealHash() { reveal(decodeURIComponent(location.hash.slice(1))); }
  window.addEventListener("hashchange", revealHash);
  revealHash();
  // "filter the tenants by WXCC-…": opens the full list with that filter typed in.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-set-filter]"), function (link) {
    link.addEventListener("click", function (event) {
      var input = document.querySelector("input[data-filter='tenants-table']");
      if (!input) { return; }
      event.preventDefault();
      document.getElementById("all-tenants").open = true;
      input.value = link.getAttribute("data-set-filter");
      input.dispatchEvent(new Event("input"));
      input.scrollIntoView();
      input.focus();
    });
  });
})();
