/* The site's forms: one per file an institution writes (institution.yaml, application.yaml,
 * assessment.yaml), generated in the browser from the published schemas (/schemas/),
 * checked as you type by the same schemas (ajv), written out by yaml-writer.js exactly as
 * `cebase new` writes a file; where the registry seals personal fields, seal.js seals them
 * as `cebase seal` does. Nothing is sent anywhere: the file is downloaded, copied or handed
 * to the repository's web editor. */
(function () {
  "use strict";

  var W = window.CebaseYaml;
  var el = window.CebaseDom.el;
  var getJSON = window.CebaseDom.getJSON;

  var KINDS = {
    institution: {
      file: "institution.yaml",
      folder: function (v) { return "submissions/" + v.uscc; },
      schemaRef: "../../schemas/institution.schema.json",
    },
    application: {
      file: "application.yaml",
      folder: function (v) { return "submissions/" + v.uscc + "/" + v.cycle; },
      schemaRef: "../../../schemas/application.schema.json",
    },
    assessment: {
      file: "assessment.yaml",
      folder: function (v) { return "submissions/" + v.uscc + "/" + v.cycle; },
      schemaRef: "../../../schemas/assessment.schema.json",
    },
  };
  var SCHEMA_FILES = ["defs", "institution", "application", "assessment"];
  var TYPE_NAMES = { integer: "整数", number: "数字", string: "文本", boolean: "是或否", array: "列表", object: "一组字段" };
  var FORMAT_NAMES = { date: "日期（YYYY-MM-DD，且须是真实日期）", email: "电子邮箱", uri: "网址" };
  var uid = 0;

  function nextId(prefix) {
    uid += 1;
    return "cf-" + prefix + "-" + uid;
  }

  /* ---------------------------------------------------------------- fields
   * Each builder returns {el, get(), set(value), path}; get() is undefined when the
   * person left the field empty (an absent key), so the writer leaves optional ones out. */

  function help(node, id) {
    return node.description ? el("p", { class: "cf-help", id: id, text: node.description }) : null;
  }

  function labelText(node, required, key) {
    return (node.title || key) + (required ? "" : "（选填）");
  }

  function errorSlot(id) {
    return el("p", { class: "cf-error", id: id, hidden: "hidden" });
  }

  function isRef(raw, name) {
    return raw && typeof raw.$ref === "string" && raw.$ref.slice(-name.length - 1) === "/" + name;
  }

  function scalarField(ctx, raw, node, key, path, required) {
    var id = nextId("f");
    var helpId = id + "-help";
    var errId = id + "-err";
    var described = (node.description ? helpId + " " : "") + errId;
    var input;
    var type = Array.isArray(node.type) ? node.type[0] : node.type;
    var catalogue = isRef(raw, "specialty_code") && ctx.catalogue.length;
    if (node.enum || catalogue) {
      input = el("select", { id: id, "aria-describedby": described });
      input.appendChild(el("option", { value: "", text: "（请选择）" }));
      if (catalogue) {
        ctx.catalogue.forEach(function (s) {
          input.appendChild(el("option", { value: s.code, text: s.code + " " + s.name + "（" + s.series + "）" }));
        });
      } else {
        node.enum.forEach(function (v) { input.appendChild(el("option", { value: String(v), text: String(v) })); });
      }
    } else if (type === "boolean") {
      input = el("input", { id: id, type: "checkbox", "aria-describedby": described });
    } else if (type === "string" && (node.maxLength || 0) > 200) {
      input = el("textarea", { id: id, rows: 4, "aria-describedby": described });
    } else {
      var attrs = { id: id, type: "text", "aria-describedby": described, autocomplete: "off" };
      if (node.format === "date") attrs.placeholder = "YYYY-MM-DD";
      if (type === "integer") attrs.inputmode = "numeric";
      if (type === "number") attrs.inputmode = "decimal";
      if (node.format === "email") attrs.type = "email";
      input = el("input", attrs);
    }
    input.dataset.path = path;
    var wrapper = el("div", { class: "cf-field" + (type === "boolean" ? " cf-check" : "") }, [
      type === "boolean" ? input : null,
      el("label", { for: id, text: labelText(node, required, key) }),
      type === "boolean" ? null : input,
      help(node, helpId),
      errorSlot(errId),
    ]);
    ctx.fields[path] = { input: input, error: wrapper.querySelector(".cf-error") };
    return {
      el: wrapper,
      input: input,
      get: function () {
        if (type === "boolean") return input.checked ? true : required ? false : undefined;
        var text = input.value.trim();
        if (text === "") return undefined;
        if (type === "integer" || type === "number") {
          var n = Number(text.replace(/,/g, ""));
          return Number.isFinite(n) ? n : text; // the schema explains a wrong number
        }
        return text;
      },
      set: function (v) {
        if (type === "boolean") {
          input.checked = v === true;
          return;
        }
        var text = v === undefined || v === null ? "" : String(v);
        if (input.tagName === "SELECT" && text && !input.querySelector('option[value="' + CSS.escape(text) + '"]')) {
          // a loaded value outside the choices is kept, shown and flagged, never dropped
          input.appendChild(el("option", { value: text, text: text + "（不在可选范围内，请重新选择）" }));
        }
        input.value = text;
      },
    };
  }

  function choicesField(ctx, node, item, key, path, required) {
    var id = nextId("g");
    var boxes = item.enum.map(function (v) {
      var boxId = nextId("c");
      var box = el("input", { type: "checkbox", id: boxId, value: String(v) });
      return { box: box, el: el("span", { class: "cf-choice" }, [box, el("label", { for: boxId, text: String(v) })]) };
    });
    var lastAllowed = null;
    var group = el("fieldset", { class: "cf-choices", id: id, "aria-describedby": id + "-help " + id + "-err" }, [
      el("legend", { text: labelText(node, required, key) }),
    ].concat(boxes.map(function (b) { return b.el; })).concat([help(node, id + "-help"), errorSlot(id + "-err")]));
    group.dataset.path = path;
    ctx.fields[path] = { input: boxes[0].box, error: group.querySelector(".cf-error") };
    return {
      el: group,
      // only these values may be ticked (the catalogue's levels of the chosen specialty)
      allow: function (allowed) {
        lastAllowed = allowed;
        boxes.forEach(function (b) {
          b.box.disabled = !!allowed && allowed.indexOf(b.box.value) < 0 && !b.box.checked;
        });
      },
      get: function () {
        var v = boxes.filter(function (b) { return b.box.checked; }).map(function (b) { return b.box.value; });
        return v.length || required ? v : undefined;
      },
      set: function (values) {
        (Array.isArray(values) ? values : []).forEach(function (v) {
          if (boxes.some(function (b) { return b.box.value === String(v); })) return;
          var boxId = nextId("c");
          var box = el("input", { type: "checkbox", id: boxId, value: String(v) });
          var label = el("label", { for: boxId, text: String(v) + "（不在可选范围内）" });
          boxes.push({ box: box, el: el("span", { class: "cf-choice" }, [box, label]) });
          group.insertBefore(boxes[boxes.length - 1].el, group.querySelector(".cf-help, .cf-error"));
        });
        boxes.forEach(function (b) { b.box.checked = Array.isArray(values) && values.map(String).indexOf(b.box.value) >= 0; });
        this.allow(lastAllowed);
      },
    };
  }

  function listField(ctx, node, rawItem, key, path, required) {
    var item = W.resolve(rawItem, ctx.schemas);
    var rows = [];
    var list = el("div", { class: "cf-rows" });
    var id = nextId("l");
    var title = item.title || node.title || key;
    var add = el("button", { type: "button", class: "md-button cf-add", text: "添加一项（" + title + "）" });
    var box = el("fieldset", { class: "cf-list", id: id }, [
      el("legend", { text: labelText(node, required, key) }),
      help(node, id + "-help"),
      list,
      add,
      errorSlot(id + "-err"),
    ]);
    box.dataset.path = path;
    ctx.fields[path] = { input: add, error: box.querySelector(".cf-error") };

    function renumber() {
      rows.forEach(function (r, i) { r.legend.textContent = title + " 第 " + (i + 1) + " 项"; });
    }
    function addRow(value) {
      var index = rows.length;
      var inner = build(ctx, rawItem, key, path + "/" + index, true, true);
      var remove = el("button", { type: "button", class: "md-button cf-remove", text: "删除此项" });
      var legend = el("legend");
      var row = { field: inner, el: el("fieldset", { class: "cf-row" }, [legend, inner.el, remove]), legend: legend };
      remove.addEventListener("click", function () {
        var values = rows.map(function (r) { return r.field.get(); });
        values.splice(rows.indexOf(row), 1);
        setAll(values);
        ctx.changed();
      });
      rows.push(row);
      list.appendChild(row.el);
      if (value !== undefined) inner.set(value);
      renumber();
      return row;
    }
    function setAll(values) {
      rows = [];
      list.textContent = "";
      Object.keys(ctx.fields).forEach(function (p) { if (p.indexOf(path + "/") === 0) delete ctx.fields[p]; });
      (values || []).forEach(function (v) { addRow(v); });
    }
    add.addEventListener("click", function () {
      var row = addRow();
      var first = row.el.querySelector("input, select, textarea");
      if (first) first.focus();
      ctx.changed();
    });
    if (required && (node.minItems || 0) > 0) addRow();
    return {
      el: box,
      get: function () {
        var values = rows.map(function (r) { var v = r.field.get(); return v === undefined ? (item.type === "object" ? {} : "") : v; });
        return values.length || required ? values : undefined;
      },
      set: setAll,
    };
  }

  function scoresField(ctx, node, key, path, required) {
    // self-scores: one number per indicator of the cycle's rubric
    var id = nextId("s");
    var children = {};
    var box = el("fieldset", { class: "cf-group", id: id }, [el("legend", { text: labelText(node, required, key) }), help(node, id + "-help")]);
    var item = W.resolve((node.patternProperties && node.patternProperties[Object.keys(node.patternProperties)[0]]) || {}, ctx.schemas);
    ctx.rubric.forEach(function (ind) {
      var sub = Object.assign({}, item, { title: ind.id + " " + ind.name + "（满分 " + ind.max + " 分）", description: ind.description || "" });
      children[ind.id] = scalarField(ctx, {}, sub, ind.id, path + "/" + ind.id, true);
      box.appendChild(children[ind.id].el);
    });
    box.appendChild(errorSlot(id + "-err"));
    ctx.fields[path] = { input: box.querySelector("input"), error: box.lastChild };
    return group(box, children, required);
  }

  // A mapping of child fields: absent when empty unless required.
  function group(box, children, required) {
    return {
      el: box,
      get: function () {
        var out = {};
        Object.keys(children).forEach(function (k) { var v = children[k].get(); if (v !== undefined) out[k] = v; });
        return Object.keys(out).length || required ? out : undefined;
      },
      set: function (v) { Object.keys(children).forEach(function (k) { children[k].set((v || {})[k]); }); },
    };
  }

  function objectField(ctx, node, key, path, required, inList) {
    var children = {};
    var id = nextId("o");
    var box = inList
      ? el("div", { class: path ? "cf-group cf-item" : "cf-top" })
      : el("fieldset", { class: "cf-group", id: id }, [el("legend", { text: labelText(node, required, key) }), help(node, id + "-help")]);
    var req = node.required || [];
    Object.keys(node.properties).forEach(function (k) {
      children[k] = build(ctx, node.properties[k], k, path + "/" + k, req.indexOf(k) >= 0, false);
      box.appendChild(children[k].el);
    });
    box.appendChild(errorSlot(id + "-err"));
    ctx.fields[path] = { input: box.querySelector("input, select, textarea"), error: box.lastChild };
    linkLevels(ctx, children);
    return group(box, children, required);
  }

  /** A specialty and its levels side by side: offer only the catalogue's levels. */
  function linkLevels(ctx, children) {
    var code = children.code;
    var levels = children.levels;
    if (!code || !code.input || code.input.tagName !== "SELECT" || !levels || !levels.allow) return;
    var update = function () {
      var entry = ctx.catalogue.filter(function (s) { return s.code === code.input.value; })[0];
      levels.allow(entry ? entry.levels : null);
    };
    code.input.addEventListener("change", update);
    var set = code.set;
    code.set = function (v) { set(v); update(); };
  }

  function build(ctx, raw, key, path, required, inList) {
    var node = W.resolve(raw, ctx.schemas);
    if (node.type === "object" && node.properties) return objectField(ctx, node, key, path, required, inList);
    if (node.type === "object" && ctx.rubric.length) return scoresField(ctx, node, key, path, required);
    if (node.type === "object") {
      // no rubric published: indicator and score, one pair per row
      var pair = { type: "object", title: "指标", required: ["id", "score"], properties: {
        id: { type: "string", title: "指标编号", description: "如 A1" },
        score: W.resolve(node.patternProperties[Object.keys(node.patternProperties)[0]], ctx.schemas),
      } };
      var pairs = listField(ctx, { title: node.title }, pair, key, path, required);
      return {
        el: pairs.el,
        get: function () {
          var out = {};
          (pairs.get() || []).forEach(function (p) { if (p.id) out[p.id] = p.score; });
          return Object.keys(out).length || required ? out : undefined;
        },
        set: function (v) { pairs.set(Object.keys(v || {}).map(function (k) { return { id: k, score: v[k] }; })); },
      };
    }
    if (node.type === "array") {
      var item = W.resolve(node.items || {}, ctx.schemas);
      if (item.enum) return choicesField(ctx, node, item, key, path, required);
      return listField(ctx, node, node.items || {}, key, path, required);
    }
    return scalarField(ctx, raw, node, key, path, required);
  }

  /* ---------------------------------------------------------------- checks */

  function message(err, schemas) {
    var s = err.parentSchema ? W.resolve(err.parentSchema, schemas) : {};
    var p = err.params || {};
    switch (err.keyword) {
      case "required": {
        var prop = s.properties && s.properties[p.missingProperty];
        var name = prop ? W.resolve(prop, schemas).title || p.missingProperty : p.missingProperty;
        return "必填：请填写“" + name + "”。";
      }
      case "type": return "应为" + (TYPE_NAMES[p.type] || p.type) + "。";
      case "enum": return "请从列表中选择。";
      case "pattern": return "格式不正确。" + (s["x-format-hint"] || s.description || "");
      case "format": return "应为" + (FORMAT_NAMES[p.format] || p.format) + "。";
      case "maxLength": return "过长：最多 " + p.limit + " 个字符。";
      case "minLength": return "不能为空。";
      case "minimum": return "应不小于 " + p.limit + "。";
      case "maximum": return "应不大于 " + p.limit + "。";
      case "exclusiveMinimum": return "应大于 " + p.limit + "。";
      case "exclusiveMaximum": return "应小于 " + p.limit + "。";
      case "multipleOf": return "应为 " + p.multipleOf + " 的整数倍。";
      case "minItems": return "至少需要 " + p.limit + " 项。";
      case "maxItems": return "最多 " + p.limit + " 项。";
      case "uniqueItems": return "有重复的项，请删除重复项。";
      case "const": return "必须为“" + p.allowedValue + "”。";
      case "not": return "这里不应填写。" + (s.description || "");
      default: return "不符合要求（" + err.keyword + "）。";
    }
  }

  function realDate(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return false;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }

  function validator(schemas, kind) {
    var Ajv = window.ajv2020.default || window.ajv2020;
    var ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addFormat("date", realDate);
    ajv.addFormat("email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    Object.keys(schemas).forEach(function (name) {
      if (name !== kind + ".schema.json") ajv.addSchema(schemas[name], name);
    });
    return ajv.compile(Object.assign({ $id: kind + ".schema.json" }, schemas[kind + ".schema.json"]));
  }

  /* ---------------------------------------------------------------- the page */

  function repository() {
    var meta = document.querySelector('meta[name="cebase:repository"]');
    if (!meta || !meta.content) return null;
    return { url: meta.content.replace(/\/+$/, ""), branch: meta.dataset.branch || "main", platform: meta.dataset.platform || "github" };
  }

  /** The web editor's "new file" page with path (and, on GitHub, the content) filled in. */
  function segments(path) {
    return path.split("/").map(encodeURIComponent).join("/");
  }

  function newFileUrl(repo, path, text) {
    var folder = path.split("/").slice(0, -1).join("/");
    var name = path.split("/").pop();
    if (repo.platform === "github") {
      return repo.url + "/new/" + segments(repo.branch) + "?filename=" + encodeURIComponent(path) + "&value=" + encodeURIComponent(text);
    }
    // Gitea / Forgejo: the folder is filled in; the file name and the copied text are pasted
    return repo.url + "/_new/" + segments(repo.branch) + "/" + segments(folder) + "/?filename=" + encodeURIComponent(name);
  }

  function mount(host) {
    var kind = host.dataset.kind;
    var spec = KINDS[kind];
    Promise.all([
      Promise.all(SCHEMA_FILES.map(function (n) { return getJSON("schemas/" + n + ".schema.json"); })),
      getJSON("data/specialties.json").catch(function () { return { specialties: [] }; }),
      kind === "assessment" ? getJSON("data/rubric.json").catch(function () { return { indicators: [] }; }) : { indicators: [] },
      getJSON("forms/recipients.json").catch(function () { return { recipients: [] }; }),
    ]).then(function (loaded) {
      var schemas = {};
      SCHEMA_FILES.forEach(function (n, i) { schemas[n + ".schema.json"] = loaded[0][i]; });
      var sealer = window.CebaseSeal ? window.CebaseSeal.sealer(kind, schemas, loaded[3].recipients || []) : null;
      start(host, kind, spec, schemas, loaded[1], loaded[2], sealer);
    }).catch(function (e) {
      host.textContent = "表单加载失败（" + e.message + "）。请刷新页面；仍不行请下载空白模板填写。";
    });
  }

  function sealNotice(sealer) {
    if (!sealer) return null;
    var names = sealer.titles.join("、");
    var text = sealer.usable
      ? "本登记册要求加密个人信息：生成的文件中，" + names + "已用市人社局的公钥加密，只有市人社局审核人能读取；加密在本页完成，填写的内容不会发送到任何地方。"
      : "本登记册要求加密个人信息（" + names + "），但其公钥不能在网页中使用。请下载文件后在本机运行 cebase seal 加密，再提交。";
    return el("p", { class: "cf-help cf-sealed", text: text });
  }

  function start(host, kind, spec, schemas, catalogue, rubric, sealer) {
    var ctx = {
      schemas: schemas,
      catalogue: catalogue.specialties || [],
      rubric: rubric.indicators || [],
      fields: {},
      changed: function () {},
    };
    var cycle = String(catalogue.cycle || rubric.cycle || "");
    var root = W.resolve(schemas[kind + ".schema.json"], schemas);
    var form = el("form", { class: "cf-form", novalidate: "novalidate", "aria-label": root.title || kind });

    // where the file goes: the institution's code (and the cycle) name its folder
    var usccNode = W.resolve({ $ref: "defs.schema.json#/$defs/uscc" }, schemas);
    var where = kind === "institution" ? null : el("fieldset", { class: "cf-group cf-where" }, [el("legend", { text: "文件位置" })]);
    var usccField = null;
    if (where) {
      usccField = scalarField(ctx, {}, Object.assign({}, usccNode, { title: "本单位统一社会信用代码", description: "18 位，用于确定文件夹 submissions/<统一社会信用代码>/。" }), "uscc", "#uscc", true);
      where.appendChild(usccField.el);
      form.appendChild(where);
    }
    var top = objectField(ctx, root, kind, "", true, true);
    form.appendChild(top.el);
    var defaults = {};
    if (root.properties.cycle && cycle) defaults.cycle = cycle;
    if (root.properties.self_report) defaults.self_report = "self-report.md";
    top.set(defaults);

    var check = validator(schemas, kind);
    var summary = el("div", { class: "cf-summary", role: "status", "aria-live": "polite" });
    var output = el("textarea", { id: "cf-output-" + kind, class: "cf-output", rows: 16, readonly: "readonly", spellcheck: "false" });
    var pathText = el("code", { class: "cf-path" });
    var download = el("a", { class: "md-button md-button--primary cf-download", href: "#", download: spec.file, text: "下载文件" });
    var copy = el("button", { type: "button", class: "md-button cf-copy", text: "复制内容" });
    var repo = repository();
    var editor = repo ? el("a", { class: "md-button cf-editor", href: "#", target: "_blank", rel: "noopener", text: "在网页编辑器中新建此文件" }) : null;
    var branchId = nextId("branch");
    var branch = repo ? el("input", { type: "text", id: branchId, value: repo.branch, autocomplete: "off", class: "cf-branch" }) : null;
    var loadId = nextId("load");
    var load = el("input", { type: "file", id: loadId, accept: ".yaml,.yml,text/yaml", class: "cf-load" });
    var showAll = false;

    var actions = el("section", { class: "cf-actions", "aria-label": "生成的文件" }, [
      el("h2", { text: "生成的文件" }),
      el("p", {}, [document.createTextNode("保存位置："), pathText]),
      summary,
      el("label", { for: output.id, text: "文件内容（与 cebase new 生成的模板格式相同）" }),
      output,
      repo ? el("div", { class: "cf-field" }, [
        el("label", { for: branchId, text: "提交到的分支" }),
        branch,
        el("p", { class: "cf-help", text: "第一个文件保持 " + repo.branch + "，在编辑器中选择“新建分支并发起拉取请求”；已经发起拉取请求的，填写该请求的分支名，后面的文件就提交到同一个拉取请求中。" }),
      ]) : null,
      sealNotice(sealer),
      el("p", { class: "cf-buttons" }, [download, copy, editor]),
      repo ? null : el("p", { class: "cf-help", text: "本站没有配置登记册仓库地址，请下载或复制后到仓库网页中新建文件。" }),
      el("p", { class: "cf-copied", role: "status", "aria-live": "polite" }),
    ]);
    var loader = el("section", { class: "cf-loader", "aria-label": "载入已有文件" }, [
      el("label", { for: loadId, text: "载入已有的 " + spec.file + "（修改后重新提交）" }),
      load,
    ]);
    host.textContent = "";
    host.appendChild(loader);
    host.appendChild(form);
    host.appendChild(actions);

    function values() {
      return { data: top.get() || {}, uscc: usccField ? usccField.get() || "" : (top.get() || {}).uscc || "", cycle: ((top.get() || {}).cycle || cycle) };
    }

    var written = 0; // refreshes started: only the latest one's text is shown

    function refresh() {
      var v = values();
      var notes = {};
      if (kind === "assessment" && ctx.rubric.length) {
        notes.self_scores = {};
        ctx.rubric.forEach(function (i) { notes.self_scores[i.id] = i.name + "（满分 " + i.max + " 分）"; });
      }
      var path = spec.folder({ uscc: v.uscc || "<统一社会信用代码>", cycle: v.cycle || "<年度>" }) + "/" + spec.file;
      pathText.textContent = path;
      var ticket = ++written;
      host.dataset.written = "";
      var sealed = sealer && sealer.usable ? sealer.seal(v.data) : Promise.resolve(v.data);
      sealed.then(function (data) {
        if (ticket !== written) return; // a later change is being written
        var text = W.render(kind, schemas, spec.schemaRef, data, { complete: true, notes: notes });
        output.value = text;
        download.href = "data:text/yaml;charset=utf-8," + encodeURIComponent(text);
        if (editor) editor.href = newFileUrl({ url: repo.url, platform: repo.platform, branch: branch.value.trim() || repo.branch }, path, text);
        host.dataset.written = String(ticket);
      }, function (e) {
        output.value = "";
        download.removeAttribute("href");
        actions.querySelector(".cf-copied").textContent = "加密失败（" + e.message + "），未生成文件。请刷新页面后重试。";
      });
      var errors = [];
      check(v.data);
      (check.errors || []).forEach(function (e) {
        var at = e.instancePath + (e.keyword === "required" ? "/" + e.params.missingProperty : "");
        errors.push({ path: at, text: message(e, schemas) });
      });
      if (usccField && !(new RegExp(usccNode.pattern).test(v.uscc))) errors.push({ path: "#uscc", text: "请填写 18 位统一社会信用代码。" });
      show(errors);
    }

    function fieldFor(path) {
      var p = path;
      while (p && !ctx.fields[p]) p = p.slice(0, p.lastIndexOf("/"));
      return ctx.fields[p] || ctx.fields[""];
    }

    function show(errors) {
      Object.keys(ctx.fields).forEach(function (p) {
        var f = ctx.fields[p];
        f.error.hidden = true;
        f.error.textContent = "";
        if (f.input) f.input.removeAttribute("aria-invalid");
      });
      var shown = 0;
      errors.forEach(function (e) {
        var f = fieldFor(e.path);
        if (!f || !(showAll || (f.input && f.input.dataset.touched))) return;
        shown += 1;
        f.error.hidden = false;
        f.error.textContent = (f.error.textContent ? f.error.textContent + " " : "") + e.text;
        if (f.input) f.input.setAttribute("aria-invalid", "true");
      });
      summary.textContent = errors.length
        ? "还有 " + errors.length + " 处需要填写或修改" + (shown < errors.length ? "（点“检查全部”显示所有位置）" : "") + "。"
        : "检查通过：可以下载或提交。";
      summary.className = "cf-summary " + (errors.length ? "cf-bad" : "cf-good");
    }

    var timer = null;
    ctx.changed = function () { clearTimeout(timer); timer = setTimeout(refresh, 150); };
    form.addEventListener("input", function (e) { if (e.target.dataset) e.target.dataset.touched = "1"; ctx.changed(); });
    form.addEventListener("change", function (e) { if (e.target.dataset) e.target.dataset.touched = "1"; ctx.changed(); });
    var checkAll = el("button", { type: "button", class: "md-button cf-check-all", text: "检查全部" });
    checkAll.addEventListener("click", function () {
      showAll = true;
      refresh();
      var bad = form.querySelector('[aria-invalid="true"]');
      if (bad) bad.focus();
    });
    actions.insertBefore(checkAll, summary);
    if (branch) branch.addEventListener("input", refresh);
    copy.addEventListener("click", function () { copyText(output, actions.querySelector(".cf-copied")); });
    if (editor) editor.addEventListener("click", function () { copyText(output, actions.querySelector(".cf-copied"), true); });
    load.addEventListener("change", function () {
      var file = load.files && load.files[0];
      if (!file) return;
      file.text().then(function (text) {
        var data = window.jsyaml.load(text, { schema: window.jsyaml.CORE_SCHEMA }) || {};
        var dropped = sealer ? sealer.drop(data) : 0;
        top.set(data);
        if (usccField && data.uscc) usccField.set(data.uscc);
        showAll = true;
        refresh();
        actions.querySelector(".cf-copied").textContent = "已载入 " + file.name + "。" + (dropped
          ? "其中 " + dropped + " 个加密字段只有市人社局能读取，网页无法显示，已留空：请重新填写后再提交。"
          : "");
      }).catch(function (e) {
        actions.querySelector(".cf-copied").textContent = "无法读取 " + file.name + "：" + e.message;
      });
    });
    refresh();
    host.dataset.ready = "true";
  }

  function copyText(output, status, quiet) {
    var done = function () { status.textContent = quiet ? "内容已复制：如编辑器中没有自动填入，请粘贴（Ctrl+V）。" : "已复制到剪贴板。"; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(output.value).then(done, function () { output.select(); document.execCommand("copy"); done(); });
    } else {
      output.select();
      document.execCommand("copy");
      done();
    }
  }

  document.querySelectorAll(".cebase-form[data-kind]").forEach(mount);
})();
