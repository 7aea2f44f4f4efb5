/* Sealing scanned attachments in the browser, as `cebase seal` seals name.pdf.age
 * (scripts/cebase/seal.py). Each chosen file is first checked as the registry checks an
 * attachment (size, type by its first bytes, extension: forms/attachments.json, which the
 * site build writes from layout.py), then encrypted with the vendored age-encryption to
 * the bureau's recipients (forms/recipients.json), loaded as seal.js loads it. Nothing
 * leaves the page. */
(function () {
  "use strict";

  var el = window.CebaseDom.el;
  var getJSON = window.CebaseDom.getJSON;
  var MB = 1048576;

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  }

  /* The type whose first bytes `head` has (layout.sniff), or "". */
  function sniff(head, rules) {
    var h = hex(head);
    return Object.keys(rules.types).find(function (ext) {
      return rules.types[ext].magic.some(function (m) { return h.indexOf(m) === 0; });
    }) || "";
  }

  function sameType(a, b, rules) {
    return JSON.stringify(rules.types[a].magic) === JSON.stringify(rules.types[b].magic);
  }

  /* Why `file` may not be sealed and uploaded (Chinese, with the fix), before reading it. */
  function sizeProblem(file, rules) {
    var ext = extension(file.name);
    if (ext === rules.sealed_suffix.slice(1)) return "这个文件已经加密过，直接上传即可，不要再次加密。";
    if (!rules.types[ext]) return "只能加密 PDF、JPEG 或 PNG 文件（扩展名 .pdf、.jpg、.jpeg、.png）。请把扫描件导出为这些格式后再选择。";
    if (!file.size) return "这是一个空文件。请重新扫描或导出后再选择。";
    if (file.size > rules.max_bytes) {
      return "文件有 " + (file.size / MB).toFixed(1) + " MB，超过 " + Math.floor(rules.max_bytes / MB) +
        " MB 上限。请降低扫描分辨率（150–200 dpi 即可）或压缩后再选择。";
    }
    return "";
  }

  /* ... and once its first bytes are read (rules/files.py's type checks). */
  function typeProblem(name, head, rules) {
    var ext = extension(name), actual = sniff(head, rules);
    if (!actual) return "文件内容不是 PDF、JPEG 或 PNG 文件（可能只是改了扩展名）。请导出为 PDF，或把扫描件保存为 JPEG/PNG 后再选择。";
    if (!sameType(ext, actual, rules)) {
      return "扩展名是 ." + ext + "，但内容是" + rules.types[actual].name + "。请把扩展名改为 ." + actual + " 后再选择。";
    }
    return "";
  }

  function sealOne(file, list, recipients, rules) {
    var status = el("span", { text: "正在核对……" });
    var item = el("li", { class: "cs-item", "data-state": "working" }, [el("strong", { text: file.name }), "：", status]);
    list.appendChild(item);

    function refuse(why, state) {
      status.className = "cf-error";
      status.textContent = why;
      item.setAttribute("data-state", state);
    }

    var why = sizeProblem(file, rules);
    if (why) return refuse("未加密。" + why, "refused");
    file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var bad = typeProblem(file.name, bytes.subarray(0, 16), rules);
      if (bad) return refuse("未加密。" + bad, "refused");
      status.textContent = "正在加密……";
      return window.CebaseSeal.library().then(function (age) {
        var e = new age.Encrypter();
        recipients.forEach(function (r) { e.addRecipient(r); });
        return e.encrypt(bytes);
      }).then(function (sealed) {
        var name = file.name + rules.sealed_suffix;
        var url = URL.createObjectURL(new Blob([sealed], { type: "application/octet-stream" }));
        status.textContent = "已加密（" + Math.ceil(sealed.length / 1024) + " KB）。";
        status.appendChild(el("a", { href: url, download: name, class: "md-button cs-download", text: "下载 " + name }));
        item.setAttribute("data-state", "sealed");
      });
    }).catch(function (err) {
      refuse("加密失败（" + err.message + "）。请刷新页面后重试；仍不行时请换用最新版的浏览器。", "failed");
    });
  }

  function mount(box) {
    Promise.all([getJSON("forms/recipients.json"), getJSON("forms/attachments.json")]).then(function (got) {
      var recipients = got[0].recipients || [], rules = got[1];
      box.textContent = "";
      if (!recipients.length) {
        box.appendChild(el("p", { class: "cf-summary cf-good", text: "本登记册没有要求加密：请把扫描件原文件直接上传到 attachments/ 文件夹。" }));
      } else if (!recipients.every(function (r) { return r.indexOf("age1") === 0; })) {
        // the browser library takes age1 public keys; an ssh key needs `cebase seal`
        box.appendChild(el("p", { class: "cf-summary cf-bad", text: "本登记册的公钥不能在网页中使用。请会用命令行的同事在本机运行 cebase seal 加密扫描件。" }));
      } else {
        var input = el("input", { type: "file", id: "cs-files", multiple: "", accept: ".pdf,.png,.jpg,.jpeg" });
        var list = el("ul", { class: "cs-results", "aria-live": "polite" });
        box.appendChild(el("div", { class: "cf-loader" }, [
          el("label", { for: "cs-files", text: "选择要加密的扫描件（可一次选多个）" }), input,
          el("p", { class: "cf-help", text: "加密给 " + recipients.length + " 位市人社局审核人员；每个文件不超过 " + Math.floor(rules.max_bytes / MB) + " MB。" }),
        ]));
        box.appendChild(list);
        input.addEventListener("change", function () {
          Array.prototype.forEach.call(input.files, function (f) { sealOne(f, list, recipients, rules); });
          input.value = ""; // the same file may be chosen again after a fix
        });
      }
      box.setAttribute("data-ready", "true");
    }).catch(function (err) {
      box.textContent = "";
      box.appendChild(el("p", { class: "cf-error", text: "无法加载加密所需的设置（" + err.message + "）。请刷新页面重试。" }));
    });
  }

  document.querySelectorAll(".cebase-scans").forEach(mount);
})();
