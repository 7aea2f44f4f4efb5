/* Sealing personal fields in the browser, as `cebase seal` does (scripts/cebase/seal.py):
 * when the registry lists the bureau's age recipients (forms/recipients.json, written by the
 * site build from cycles/recipients.txt), every field the schema marks `x-sealed` is written
 * as an ASCII-armoured age message of its JSON text, which only the bureau's reviewers can
 * open. Encryption is the vendored age-encryption (loaded only when there is something to
 * seal); nothing leaves the page. */
(function (root) {
  "use strict";

  var W = root.CebaseYaml;
  var HERE = document.currentScript ? document.currentScript.src : "";
  var LIBRARY = "vendor/age-encryption.min.js";
  var EMPTY_TEXT = "";

  function isMapping(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function isEmpty(v) {
    // seal.py's EMPTY: nothing personal to seal
    return v === undefined || v === null || v === EMPTY_TEXT ||
      (Array.isArray(v) && !v.length) || (isMapping(v) && !Object.keys(v).length);
  }

  /* The fields of a kind the schema marks x-sealed: paths with null for any list index,
   * each with its title (seal.sealed_shapes). */
  function shapes(node, schemas, here, out) {
    if (!isMapping(node)) return out;
    node = W.resolve(node, schemas);
    var props = node.properties || {};
    Object.keys(props).forEach(function (key) {
      var child = W.resolve(props[key], schemas);
      if (child["x-sealed"] === true) out.push({ path: here.concat([key]), title: child.title || key });
      else shapes(child, schemas, here.concat([key]), out);
    });
    if (isMapping(node.items)) shapes(node.items, schemas, here.concat([null]), out);
    return out;
  }

  /* Where a shape occurs in data: {parent, key} pairs (seal.places). */
  function places(data, shape, out) {
    if (!shape.length) return out;
    var head = shape[0], rest = shape.slice(1);
    if (head === null) {
      if (Array.isArray(data)) data.forEach(function (item) { places(item, rest, out); });
    } else if (isMapping(data) && Object.prototype.hasOwnProperty.call(data, head)) {
      if (rest.length) places(data[head], rest, out);
      else out.push({ parent: data, key: head });
    }
    return out;
  }

  function copy(data) {
    return JSON.parse(JSON.stringify(data));
  }

  var loading = null;
  function library() {
    if (root.age) return Promise.resolve(root.age);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL(LIBRARY, HERE).href;
        s.onload = function () { root.age ? resolve(root.age) : reject(new Error("age-encryption 未加载")); };
        s.onerror = function () { loading = null; reject(new Error("无法加载加密程序")); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  /** What sealing means for a form of `kind`: null when the registry lists no recipients. */
  function sealer(kind, schemas, recipients) {
    if (!recipients || !recipients.length) return null;
    var fields = shapes(schemas[kind + ".schema.json"], schemas, [], []);
    // The browser library takes age1 public keys; an ssh key needs `cebase seal`.
    var usable = recipients.every(function (r) { return r.indexOf("age1") === 0; });
    var cache = {}; // JSON text -> armour: the file stays the same while nothing sealed changes

    function sealText(age, text) {
      if (cache[text]) return Promise.resolve(cache[text]);
      var e = new age.Encrypter();
      recipients.forEach(function (r) { e.addRecipient(r); });
      return e.encrypt(text).then(function (raw) {
        cache[text] = age.armor.encode(raw);
        return cache[text];
      });
    }

    return {
      usable: usable,
      titles: fields.map(function (f) { return f.title; }),
      /** A copy of `data` with every non-empty sealed field sealed (a Promise). */
      seal: function (data) {
        var out = copy(data);
        var found = [];
        fields.forEach(function (f) {
          places(out, f.path, []).forEach(function (p) {
            var v = p.parent[p.key];
            if (!isEmpty(v) && !W.isArmoured(v)) found.push(p);
          });
        });
        if (!found.length) return Promise.resolve(out);
        return library().then(function (age) {
          return Promise.all(found.map(function (p) {
            // the same JSON text `cebase seal` seals (Python's json.dumps)
            return sealText(age, W.dumps(p.parent[p.key])).then(function (armour) { p.parent[p.key] = armour; });
          }));
        }).then(function () { return out; });
      },
      /** Remove the sealed values of a loaded file (the page cannot open them); how many. */
      drop: function (data) {
        var n = 0;
        fields.forEach(function (f) {
          places(data, f.path, []).forEach(function (p) {
            if (W.isArmoured(p.parent[p.key])) {
              delete p.parent[p.key];
              n += 1;
            }
          });
        });
        return n;
      },
    };
  }

  root.CebaseSeal = { sealer: sealer, shapes: shapes, library: library };
})(typeof globalThis !== "undefined" ? globalThis : this);
