/* The YAML writer of `cebase new`, ported from scripts/cebase/template.py so that the
 * site's forms write a file exactly as the command does (tests/test_forms_site.py runs
 * both on the same records and compares the text). Pure functions, no DOM. */
(function (root) {
  "use strict";

  var INDENT = "  ";
  // Written into every file above the fields: the same text as HEADER in cli/new.py.
  var HEADER =
    "填写说明：# 开头的行是说明，可以保留。冒号后面填写内容，冒号后要有一个空格。\n" +
    "缩进只能用空格。填好后提交拉取请求，系统会自动检查并用中文指出需要修改的地方。";

  // After the title of a field the schema marks x-sealed (template.py's SEALED_NOTE).
  var SEALED_NOTE = "（个人信息：登记册要求加密时，填好后运行 cebase seal 或用网站表单加密）";

  /* ---- Python's textwrap.wrap(text, width) with its default options ---- */
  var WS = "[\\t\\n\\x0b\\x0c\\r ]";
  var NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
  var W = "[\\p{L}\\p{Nd}\\p{Nl}\\p{No}_]"; // Python's \w
  var WP = "(?:" + W + "|[!\"'&.,?])";
  var LT = "[\\p{L}\\p{Nl}\\p{No}_]"; // Python's [^\d\W]
  var WORDSEP = new RegExp(
    "(" + WS + "+" +
      "|(?<=" + WP + ")-{2,}(?=" + W + ")" +
      "|" + NWS + "+?(?:" +
        "-(?:(?<=" + LT + "{2}-)|(?<=" + LT + "-" + LT + "-))(?=" + LT + "-?" + LT + ")" +
        "|(?=" + WS + "|$)" +
        "|(?<=" + WP + ")(?=-{2,}" + W + ")" +
      "))",
    "u"
  );

  function isBlank(s) {
    return s.trim() === "";
  }

  function wrap(text, width) {
    text = text.replace(/\t/g, "        ").replace(/[\n\x0b\x0c\r]/g, " ");
    var chunks = text.split(WORDSEP).filter(function (c) { return c; });
    var lines = [];
    chunks.reverse();
    while (chunks.length) {
      var cur = [];
      var len = 0;
      if (isBlank(chunks[chunks.length - 1]) && lines.length) chunks.pop();
      while (chunks.length) {
        var l = chunks[chunks.length - 1].length;
        if (len + l <= width) {
          cur.push(chunks.pop());
          len += l;
        } else break;
      }
      if (chunks.length && chunks[chunks.length - 1].length > width) {
        var space = width < 1 ? 1 : width - len;
        var chunk = chunks[chunks.length - 1];
        var end = space;
        if (chunk.length > space) {
          var hyphen = chunk.lastIndexOf("-", space - 1);
          if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
        }
        cur.push(chunk.slice(0, end));
        chunks[chunks.length - 1] = chunk.slice(end);
      }
      if (cur.length && isBlank(cur[cur.length - 1])) cur.pop();
      if (cur.length) lines.push(cur.join(""));
    }
    return lines;
  }

  /* ---- schemas ---- */
  function resolve(node, schemas) {
    for (var seen = 0; node && typeof node === "object" && node.$ref && seen < 16; seen++) {
      var parts = node.$ref.split("#");
      var target = schemas[parts[0]];
      (parts[1] || "").split("/").slice(1).forEach(function (p) {
        target = target[p.replace(/~1/g, "/").replace(/~0/g, "~")];
      });
      var merged = {};
      Object.keys(target).forEach(function (k) { merged[k] = target[k]; });
      Object.keys(node).forEach(function (k) { if (k !== "$ref") merged[k] = node[k]; });
      node = merged;
    }
    return node;
  }

  /* ---- the writer (template.py) ---- */
  // Python's json.dumps(value, ensure_ascii=False): ", " and ": " between items
  function dumps(value) {
    if (Array.isArray(value)) return "[" + value.map(dumps).join(", ") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).map(function (k) { return JSON.stringify(k) + ": " + dumps(value[k]); }).join(", ") + "}";
    }
    return JSON.stringify(value);
  }

  function flow(items) {
    return "[" + items.map(dumps).join(", ") + "]";
  }

  function scalar(value) {
    return Array.isArray(value) ? flow(value) : dumps(value);
  }

  function comment(node, required, pad) {
    var title = node.title || "";
    var desc = node.description || "";
    var head = title + (required ? "" : "（选填，不需要可整段删除）");
    if (node["x-sealed"] === true) head += SEALED_NOTE;
    if (node.enum && node.enum.length) {
      desc = (desc + " 可选值：" + node.enum.map(String).join("、") + "。").trim();
    }
    var lines = head ? [pad + "# " + head] : [];
    wrap(desc, 60).forEach(function (chunk) { lines.push(pad + "#   " + chunk); });
    return lines;
  }

  function blank(node) {
    if ("const" in node) return dumps(node.const);
    var kind = Array.isArray(node.type) ? node.type[0] : node.type;
    if (kind === "array") return "[]";
    if (kind === "object") return "{}";
    if (kind === "boolean") return "false";
    if (kind === "integer" || kind === "number") return "";
    return '""';
  }

  function isMapping(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function has(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

  function itemSchema(node, schemas) {
    var items = node.items;
    if (node.type === "array" && isMapping(items)) {
      var item = resolve(items, schemas);
      if (item.properties && Object.keys(item.properties).length) return item;
    }
    return null;
  }

  function freeMapping(key, value, pad, notes) {
    var given = isMapping(value) ? value : {};
    var noted = notes[key] || {};
    var keys = Object.keys(noted).concat(Object.keys(given).filter(function (k) { return !has(noted, k); }));
    if (!keys.length) return [pad + key + ": {}"];
    var out = [pad + key + ":"];
    keys.forEach(function (k) {
      var shown = has(given, k) ? " " + scalar(given[k]) : "";
      out.push(pad + INDENT + k + ":" + shown + (has(noted, k) ? "  # " + noted[k] : ""));
    });
    return out;
  }

  function items(key, item, value, pad, complete, schemas) {
    var rows = Array.isArray(value) ? value : [{}];
    if (!rows.length) return [pad + key + ": []"];
    var out = [pad + key + ":"];
    rows.forEach(function (row) {
      var inner = [];
      emit(item, pad + INDENT + INDENT, isMapping(row) ? row : {}, inner, complete, {}, schemas);
      for (var i = 0; i < inner.length; i++) {
        var stripped = inner[i].replace(/^\s+/, "");
        if (stripped.charAt(0) !== "#") {
          inner[i] = pad + INDENT + "- " + stripped;
          break;
        }
      }
      out.push.apply(out, inner);
    });
    return out;
  }

  // A sealed value (an ASCII-armoured age message) as `cebase seal` writes it: a literal block.
  var BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  var END = "-----END AGE ENCRYPTED FILE-----";

  function isArmoured(v) {
    if (typeof v !== "string") return false;
    var s = v.trim();
    return s.indexOf(BEGIN) === 0 && s.slice(-END.length) === END;
  }

  function sealedBlock(key, armour, pad) {
    return [pad + key + ": |"].concat(armour.trim().split("\n").map(function (line) { return pad + INDENT + line; }));
  }

  function emit(node, pad, data, out, complete, notes, schemas) {
    var required = node.required || [];
    var props = node.properties || {};
    Object.keys(props).forEach(function (key) {
      var sub = resolve(props[key], schemas);
      var given = has(data, key);
      var isRequired = required.indexOf(key) >= 0;
      if (complete && !given && !isRequired) return;
      out.push.apply(out, comment(sub, isRequired, pad));
      var value = data[key];
      var item = itemSchema(sub, schemas);
      if (given && sub["x-sealed"] === true && isArmoured(value)) {
        out.push.apply(out, sealedBlock(key, value, pad));
      } else if (sub.type === "object" && sub.properties && Object.keys(sub.properties).length) {
        out.push(pad + key + ":");
        emit(sub, pad + INDENT, isMapping(value) ? value : {}, out, complete, {}, schemas);
      } else if (sub.type === "object") {
        out.push.apply(out, freeMapping(key, value, pad, notes));
      } else if (item) {
        out.push.apply(out, items(key, item, given ? value : null, pad, complete, schemas));
      } else if (given) {
        out.push(pad + key + ": " + scalar(value));
      } else {
        out.push((pad + key + ": " + blank(sub)).replace(/\s+$/, ""));
      }
      if (pad === "") out.push("");
    });
  }

  /** The YAML text of a record of `kind` (template.render). */
  function render(kind, schemas, schemaRef, data, options) {
    options = options || {};
    var rootNode = resolve(schemas[kind + ".schema.json"], schemas);
    var out = ["# yaml-language-server: $schema=" + schemaRef, "# " + (rootNode.title || kind)];
    (options.header === undefined ? HEADER : options.header).split("\n").forEach(function (line) {
      if (line !== "" || options.header !== "") out.push("# " + line);
    });
    out.push("");
    emit(rootNode, "", data || {}, out, !!options.complete, options.notes || {}, schemas);
    return out.join("\n").replace(/\s+$/, "") + "\n";
  }

  var api = { render: render, resolve: resolve, wrap: wrap, dumps: dumps, isArmoured: isArmoured, HEADER: HEADER };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CebaseYaml = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
