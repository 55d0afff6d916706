(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  // The speaker attributes the manifest splits perspectives by (route) filter as "a.NAME".
  var ATTRS = D.attributes.map(function (a) { return "a." + a; });
  var KEYS = ["cfg", "m", "c", "role"].concat(ATTRS, ["case", "stance", "q"]);
  // A stance in plain words; "none" is no stance, so it is not a choice in the filter.
  var STANCE = { supports: "bevestigt", contradicts: "spreekt tegen", nuance: "soms wel, soms niet" };
  var state = {};
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  };
  var norm = function (s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  D.quotes.forEach(function (q) { q.n = norm(q.t); });
  // A code's label in plain words where the codebook has one, else the researchers' label.
  var label = function (id) { var c = D.codes[id]; return c ? (c.p || c.l) : id; };
  var under = function (id) {
    var c = D.codes[id];
    return new Set(c && c.u && c.u.length ? c.u : [id]);
  };
  var config = function (id) {
    for (var i = 0; i < D.configs.length; i++) { if (D.configs[i].id === id) { return D.configs[i]; } }
    return null;
  };
  var cfgSet = function (id) {
    var s = new Set(), c = config(id);
    if (c) { c.m.forEach(function (m) { under(m).forEach(function (x) { s.add(x); }); }); }
    return s;
  };
  // Every code the site is about (mechanisms and context factors, with the codes under them):
  // a stance chosen without a mechanism or context factor is a stance on one of these.
  var ABOUT = new Set();
  Object.keys(D.codes).forEach(function (id) { (D.codes[id].u || []).forEach(function (x) { ABOUT.add(x); }); });
  var has = function (q, set, stance) {
    return q.k.some(function (k) { return (!set || set.has(k[0])) && (!stance || k[1] === stance); });
  };
  // Whether quote q passes every filter in st.
  var passes = function (q, st) {
    var ms = st.m ? under(st.m) : null, cs = st.c ? under(st.c) : null, gs = st.cfg ? cfgSet(st.cfg) : null;
    if (gs && !has(q, gs)) { return false; }
    if (ms && !has(q, ms)) { return false; }
    if (cs && !has(q, cs)) { return false; }
    if (st.stance && !has(q, ms || cs || gs || ABOUT, st.stance)) { return false; }
    if (st.role && q.r !== st.role) { return false; }
    for (var i = 0; i < ATTRS.length; i++) {
      var k = ATTRS[i];
      if (st[k] && (!q.a || q.a[k.slice(2)] !== st[k])) { return false; }
    }
    if (st["case"] && q.c !== st["case"]) { return false; }
    if (st.q && q.n.indexOf(norm(st.q)) < 0) { return false; }
    return true;
  };
  var count = function (st) {
    var n = 0;
    D.quotes.forEach(function (q) { if (passes(q, st)) { n++; } });
    return n;
  };
  var uniq = function (xs) { return Array.from(new Set(xs)).sort(function (a, b) { return a.localeCompare(b, "nl"); }); };
  var values = {
    cfg: function () { return D.configs.map(function (c) { return [c.id, c.title || c.id.replace(/^icamo/i, "ICAMO ")]; }); },
    m: function () {
      var out = [];
      D.configs.forEach(function (c) { if (!state.cfg || state.cfg === c.id) { c.m.forEach(function (m) { out.push([m, label(m)]); }); } });
      return out;
    },
    c: function () {
      var seen = new Set(), out = [];
      D.configs.forEach(function (c) {
        if (!state.cfg || state.cfg === c.id) {
          c.c.forEach(function (x) { if (!seen.has(x)) { seen.add(x); out.push([x, label(x)]); } });
        }
      });
      return out.sort(function (a, b) { return a[1].localeCompare(b[1], "nl"); });
    },
    role: function () { return uniq(D.quotes.map(function (q) { return q.r; })).map(function (r) { return [r, r]; }); },
    "case": function () {
      return uniq(D.quotes.filter(function (q) { return q.c; }).map(function (q) { return q.c; })).map(function (c) { return [c, c]; });
    },
    stance: function () { return ["supports", "contradicts", "nuance"].map(function (s) { return [s, STANCE[s].charAt(0).toUpperCase() + STANCE[s].slice(1)]; }); }
  };
  ATTRS.forEach(function (k) {
    values[k] = function () {
      return uniq(D.quotes.filter(function (q) { return q.a && q.a[k.slice(2)]; }).map(function (q) { return q.a[k.slice(2)]; })).map(function (v) { return [v, v]; });
    };
  });
  var fillSelect = function (key) {
    var sel = document.querySelector('select[data-key="' + key + '"]');
    var rest = Object.assign({}, state);
    delete rest[key];
    while (sel.firstChild) { sel.removeChild(sel.firstChild); }
    var all = el("option", "Alle (" + count(rest) + ")");
    all.value = "";
    sel.appendChild(all);
    var found = false, total = count(rest), offered = 0;
    values[key]().forEach(function (v) {
      var st = Object.assign({}, rest);
      st[key] = v[0];
      var n = count(st), chosen = state[key] === v[0];
      // An option is offered only when choosing it changes what is shown: it finds some
      // quotes, but not all of them. The chosen one always stays.
      if (!chosen && (n === 0 || n === total)) { return; }
      var o = el("option", v[1] + " (" + n + ")");
      o.value = v[0];
      if (chosen) { o.selected = true; found = true; }
      sel.appendChild(o);
      offered++;
    });
    if (state[key] && !found) {
      var o = el("option", (key === "stance" ? (STANCE[state[key]] || state[key]) : label(state[key])) + " (" + count(state) + ")");
      o.value = state[key];
      o.selected = true;
      sel.appendChild(o);
      offered++;
    }
    sel.parentNode.hidden = offered === 0;
  };
  var hash = function () {
    var parts = [];
    KEYS.forEach(function (k) { if (state[k]) { parts.push(k + "=" + encodeURIComponent(state[k])); } });
    return parts.join("&");
  };
  // What the chosen mechanism or context factor is: its plain label, the researchers' label
  // small below it, a note when it was not yet in use, and the researchers' steps, folded.
  var explain = function () {
    var id = state.m || state.c, box = $("uitleg");
    if (!id || !D.codes[id]) { box.hidden = true; return; }
    var c = D.codes[id];
    box.hidden = false;
    $("uitleg-kop").textContent = label(id);
    $("uitleg-officieel").textContent = c.p ? "In het onderzoek: " + c.l : "";
    $("uitleg-officieel").hidden = !c.p;
    var nu = $("uitleg-nog-niet");
    nu.hidden = !c.nu;
    nu.textContent = c.nu ? "Nog niet in gebruik: de aanpak waar dit over gaat, werd nog niet gebruikt toen de gesprekken plaatsvonden." : "";
    var ul = $("uitleg-stappen");
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    (c.s || []).forEach(function (s) {
      if (s[0]) { ul.appendChild(el("li", "Wat er gebeurt: " + s[0])); }
      if (s[1]) { ul.appendChild(el("li", "Wat dat oplevert: " + s[1])); }
    });
    $("uitleg-meer").hidden = !ul.firstChild;
  };
  // The count line: how many quotes, or why there are none.
  var countText = function (n) {
    if (n === 1) { return "1 citaat"; }
    if (n > 0) { return n + " citaten"; }
    var only = KEYS.filter(function (k) { return state[k]; });
    var id = state.m || state.c;
    if (only.length === 1 && id && D.codes[id]) {
      return D.codes[id].nu ? "Nog geen citaten: dit was nog niet in gebruik." : "Er zijn nog geen citaten hierover.";
    }
    return "Geen citaten bij deze keuze. Kies ‘Alles tonen’ om opnieuw te beginnen.";
  };
  var codeButton = function (k) {
    var c = D.codes[k[0]] || { l: k[0], k: "x" };
    var li = el("li");
    var text = label(k[0]) + (STANCE[k[1]] ? " · " + STANCE[k[1]] : "");
    if (c.k === "m" || c.k === "c") {
      var b = el("button", text, c.k);
      b.type = "button";
      b.title = "Toon alle citaten hierover" + (c.p ? " (in het onderzoek: " + c.l + ")" : "");
      b.addEventListener("click", function () { pick(c.k, k[0]); });
      li.appendChild(b);
    } else {
      li.appendChild(el("span", text, "houding"));
    }
    return li;
  };
  var render = function () {
    KEYS.forEach(function (k) { if (k !== "q") { fillSelect(k); } });
    if ($("f-q").value !== (state.q || "")) { $("f-q").value = state.q || ""; }
    var list = $("lijst");
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var n = 0;
    D.quotes.forEach(function (q) {
      if (!passes(q, state)) { return; }
      n++;
      var li = el("li", null, "citaat");
      li.appendChild(el("blockquote", q.t));
      var who = q.r + (q.v ? " (via " + q.v + ")" : "");
      li.appendChild(el("p", who + (q.c ? " · " + q.c : " · casus niet getoond"), "wie"));
      D.attributes.forEach(function (a) {
        if (q.a && q.a[a]) { li.appendChild(el("p", a.charAt(0).toUpperCase() + a.slice(1) + ": " + q.a[a], "kenmerk")); }
      });
      if (q.w) { li.appendChild(el("p", "⚠ enige deelnemer met deze rol in de casus", "let-op")); }
      if (q.wa && !q.w) {
        li.appendChild(el("p", "⚠ enige deelnemer met deze rol en " + D.attributes.join(" en ") + " in de casus", "let-op"));
      }
      var ul = el("ul", null, "codes");
      ul.setAttribute("aria-label", "Onderwerpen van dit citaat");
      q.k.forEach(function (k) { ul.appendChild(codeButton(k)); });
      li.appendChild(ul);
      list.appendChild(li);
    });
    var a = $("aantal");
    a.textContent = countText(n);
    a.setAttribute("data-n", String(n));
    var chosen = KEYS.filter(function (k) { return state[k]; }).length;
    $("gekozen").textContent = chosen ? "(" + chosen + " gekozen)" : "";
    $("deellink").href = "#" + hash();
    explain();
    document.querySelectorAll("a.fig-link").forEach(function (l) {
      var h = l.getAttribute("href");
      l.classList.toggle("actief", (!!state.m && h === "#m=" + state.m) || (!!state.c && h === "#c=" + state.c));
    });
  };
  var setHash = function () {
    var h = "#" + hash();
    if (location.hash === h || (h === "#" && !location.hash)) { return; }
    try { history.replaceState(null, "", h); } catch (e) { location.hash = h; }
  };
  var fromHash = function () {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    state = {};
    KEYS.forEach(function (k) { var v = p.get(k); if (v) { state[k] = v; } });
    render();
  };
  var pick = function (kind, code) {
    if (kind === "m") { state.m = code; delete state.c; } else { state.c = code; delete state.m; }
    if (state.cfg && !(kind === "m" && config(state.cfg) && config(state.cfg).m.indexOf(code) >= 0)) { delete state.cfg; }
    render();
    setHash();
    $("citaten").focus();
  };
  document.querySelectorAll("a.fig-link").forEach(function (l) {
    l.addEventListener("click", function (ev) {
      var h = l.getAttribute("href");
      ev.preventDefault();
      pick(h.charAt(1), decodeURIComponent(h.slice(3)));
    });
  });
  document.querySelectorAll("#filters select").forEach(function (s) {
    s.addEventListener("change", function () {
      var k = s.getAttribute("data-key");
      if (s.value) { state[k] = s.value; } else { delete state[k]; }
      if (k === "cfg" && state.m && state.cfg && config(state.cfg).m.indexOf(state.m) < 0) { delete state.m; }
      render();
      setHash();
    });
  });
  $("f-q").addEventListener("input", function () {
    var v = $("f-q").value.trim();
    if (v) { state.q = v; } else { delete state.q; }
    render();
    setHash();
  });
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
  $("filters").addEventListener("reset", function (ev) {
    ev.preventDefault();
    state = {};
    render();
    setHash();
  });
  window.addEventListener("hashchange", fromHash);
  if (window.matchMedia && window.matchMedia("(min-width: 50rem)").matches) {
    // The researchers' drawings stay folded: the plain lists are the way in. On a wide screen the filters are open; on a phone they are folded under one line.
    $("filterbox").open = true;
  }
  fromHash();
  if (location.hash.length > 1) { $("citaten").scrollIntoView(); }
})();
