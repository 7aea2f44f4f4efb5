/* What every form script needs from the page: elements built without markup (untrusted
 * text only ever becomes text), and the site's JSON files fetched relative to its root,
 * so the site works from any folder. */
(function (root) {
  "use strict";

  var SITE = new URL("../../", document.currentScript.src); // assets/forms/dom.js -> the site's root

  /** An element with attributes (`text` sets its text; undefined, null or false are left
   * out) and children (nodes, or strings as text; falsy ones skipped). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /** A JSON file of the site, by its path from the site's root. */
  function getJSON(path) {
    return fetch(new URL(path, SITE)).then(function (r) {
      if (!r.ok) throw new Error(path + "：" + r.status);
      return r.json();
    });
  }

  root.CebaseDom = { el: el, getJSON: getJSON };
})(typeof globalThis !== "undefined" ? globalThis : this);
