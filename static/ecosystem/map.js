// The interactive ecosystem map: draws the subgraph the server prepared (positions included) with
// Cytoscape.js. Without JavaScript, or if this fails, the page's SVG overview and tables show the same.
// Selecting an organisation centres the map on it (the same link as in the table). A large neighbourhood comes
// summarised (ecosystem/summary.py): groups of organisations with their count; selecting a group fetches the
// same view with that group opened and redraws the map in place (the table's link to the group does the same
// as a page). The map reports when it is drawn in data-ready and data-drawn-ms (for the browser bench).
(function () {
  "use strict";
  var box = document.getElementById("ecosystem-map");
  if (!box || typeof window.cytoscape !== "function" || !window.fetch) {
    return;
  }
  var tools = document.getElementById("ecosystem-map-tools");
  var status = document.getElementById("ecosystem-map-status");
  box.hidden = false;
  tools.hidden = false;

  function fail() {
    box.hidden = true;
    status.textContent = box.dataset.failed;
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (
      response
    ) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function drawn(cy) {
    // The frame after Cytoscape drew: the map is on screen.
    window.requestAnimationFrame(function () {
      box.dataset.ready = "true";
      box.dataset.drawnMs = String(Math.round(window.performance.now()));
    });
  }

  load(box.dataset.url)
    .then(function (graph) {
      var many = graph.nodes.length + graph.edges.length > 1000;
      var cy = window.cytoscape({
        container: box,
        elements: { nodes: graph.nodes, edges: graph.edges },
        layout: { name: "preset", fit: true, padding: 30 },
        minZoom: 0.05,
        maxZoom: 4,
        // With thousands of elements, draw a still picture while panning and zooming.
        textureOnViewport: many,
        hideEdgesOnViewport: many,
        style: [
          {
            selector: "node",
            style: {
              "background-color": "data(colour)",
              width: "data(size)",
              height: "data(size)",
              "border-width": 1,
              "border-color": "#ffffff",
            },
          },
          {
            selector: "node[hop <= 1]",
            style: {
              label: "data(label)",
              "font-size": 11,
              color: "#1b1f24",
              "text-valign": "bottom",
              "text-margin-y": 3,
              "text-outline-color": "#ffffff",
              "text-outline-width": 2,
              "text-max-width": 140,
              "text-wrap": "ellipsis",
            },
          },
          {
            selector: "node[?group]",
            style: {
              shape: "round-rectangle",
              label: "data(members)",
              "font-size": 11,
              color: "#ffffff",
              "text-valign": "center",
              "text-outline-width": 0,
              "border-width": 2,
              "border-style": "dashed",
              "border-color": "#1b1f24",
            },
          },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#1b1f24" } },
          {
            selector: "edge",
            style: {
              width: 1,
              "line-color": "#9aa4b0",
              "curve-style": "haystack",
              opacity: 0.8,
            },
          },
          { selector: 'edge[kind = "transaction"]', style: { "line-style": "dashed" } },
        ],
      });
      cy.on("tap", "node", function (event) {
        var node = event.target;
        if (node.data("group")) {
          open(node);
          return;
        }
        var url = node.data("url");
        if (url) {
          window.location.assign(url);
        }
      });
      // Open a group: the same view with the group opened, drawn in place of the old one (positions come from
      // the server, so organisations already on the map stay where they were).
      function open(node) {
        status.textContent = box.dataset.opening;
        box.dataset.ready = "false";
        load(node.data("expand"))
          .then(function (next) {
            cy.batch(function () {
              cy.elements().remove();
              cy.add(next.nodes);
              cy.add(next.edges);
            });
            status.textContent = node.data("label");
            drawn(cy);
          })
          .catch(fail);
      }
      cy.on("mouseover", "node", function (event) {
        status.textContent = event.target.data("label");
      });
      status.textContent = box.dataset.loaded;
      document.getElementById("ecosystem-map-png").addEventListener("click", function () {
        var link = document.createElement("a");
        link.href = cy.png({ full: true, bg: "#ffffff", scale: 2 });
        link.download = box.dataset.pngName;
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
      drawn(cy);
    })
    .catch(fail);
})();
