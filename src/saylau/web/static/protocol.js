/* saylau protocol form: run the protocol's control relations while the operator types.
 *
 * The checks mirror saylau.law.protocol (P.101-P.114 errors, P.201-P.206 warnings) with the
 * rule texts, thresholds and field labels the server put in #protocol-rules, in the page's
 * language. A message appears next to the first field a rule names; every field it names is
 * marked aria-invalid and described by it (aria-describedby). The server checks again on
 * submit (administration.protocols.submit) and its answer is authoritative: nothing here
 * blocks sending the form. Without JavaScript the form works the same, checked on submit.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-protocol]");
  var source = document.getElementById("protocol-rules");
  if (!form || !source) { return; }
  var cfg = JSON.parse(source.textContent);
  var rules = cfg.rules || {};
  var COUNTS = ["voters_on_list", "ballots_received", "ballots_issued", "ballots_cancelled",
    "ballots_in_boxes", "invalid", "against_all", "ballots_issued_in_station",
    "ballots_issued_outside", "ballots_in_stationary_boxes", "ballots_in_portable_boxes"];
  var SPLIT = ["ballots_issued_in_station", "ballots_issued_outside",
    "ballots_in_stationary_boxes", "ballots_in_portable_boxes"];
  var PERCENT = { share: true, turnout: true, change: true };
  var touched = {};
  var submitted = false;
  var started = false;

  function numberFormat(options) {
    try { return new Intl.NumberFormat(cfg.lang, options); } catch (e) {
      return new Intl.NumberFormat("ru", options);
    }
  }
  var whole = numberFormat({ maximumFractionDigits: 0 });
  var tenth = numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function field(name) { return form.elements.namedItem(name); }

  // null: empty; NaN: not a whole number; else the number.
  function read(name) {
    var node = field(name);
    if (!node) { return undefined; }
    var raw = node.value.replace(/[\s\u00a0]/g, "");
    if (raw === "") { return null; }
    return /^[0-9]{1,9}$/.test(raw) ? parseInt(raw, 10) : NaN;
  }

  function known() {
    for (var i = 0; i < arguments.length; i += 1) {
      if (typeof arguments[i] !== "number" || isNaN(arguments[i])) { return false; }
    }
    return true;
  }

  function text(code, params) {
    var rule = rules[code];
    var all = {};
    Object.keys(rule.params || {}).forEach(function (k) { all[k] = rule.params[k]; });
    Object.keys(params).forEach(function (k) { all[k] = params[k]; });
    return rule.text.replace(/\{(\w+)\}/g, function (match, key) {
      if (!(key in all)) { return match; }
      var value = all[key];
      if (typeof value !== "number") { return String(value); }
      return PERCENT[key] ? tenth.format(value) : whole.format(value);
    });
  }

  function check() {
    var out = [];
    function add(code, fields, params) {
      if (rules[code]) {
        out.push({ code: code, fields: fields, severity: rules[code].severity,
          text: text(code, params) });
      }
    }
    var v = {};
    COUNTS.forEach(function (name) { v[name] = read(name); });
    var candidates = Object.keys(cfg.candidates);
    var gone = Object.keys(cfg.withdrawn || {});  // withdrew after printing, own line
    var votes = {};
    candidates.concat(gone).forEach(function (c) { votes[c] = read("votes." + c); });
    var malformed = Object.keys(cfg.ids).filter(function (name) {
      var value = read(name);
      return typeof value === "number" && isNaN(value);
    });
    malformed.forEach(function (name) {
      out.push({ code: "", fields: [name], severity: "error", text: cfg.integer });
    });
    var against = cfg.against_all ? v.against_all : 0;
    var allVotes = candidates.concat(gone).every(function (c) { return known(votes[c]); });
    var candidateVotes = candidates.concat(gone).reduce(function (s, c) {
      return s + (votes[c] || 0);
    }, 0);

    if (known(v.ballots_received, v.ballots_issued, v.ballots_cancelled)) {
      var d1 = v.ballots_received - v.ballots_issued - v.ballots_cancelled;
      if (d1 !== 0) {
        add("P.101", ["ballots_received", "ballots_issued", "ballots_cancelled"],
          { received: v.ballots_received, issued: v.ballots_issued,
            cancelled: v.ballots_cancelled, difference: d1 });
      }
    }
    if (known(v.ballots_in_boxes, v.ballots_issued) && v.ballots_in_boxes > v.ballots_issued) {
      add("P.102", ["ballots_in_boxes", "ballots_issued"], { in_boxes: v.ballots_in_boxes,
        issued: v.ballots_issued, excess: v.ballots_in_boxes - v.ballots_issued });
    }
    if (known(v.ballots_in_boxes, v.invalid, against) && allVotes) {
      var valid = candidateVotes + against;
      var d3 = v.ballots_in_boxes - valid - v.invalid;
      if (d3 !== 0) {
        add("P.103", ["ballots_in_boxes", "invalid", "against_all", "votes"],
          { in_boxes: v.ballots_in_boxes, candidate_votes: candidateVotes, against_all: against,
            invalid: v.invalid, valid: valid, difference: d3 });
      }
    }
    if (known(v.ballots_issued, v.voters_on_list) && v.ballots_issued > v.voters_on_list) {
      add("P.104", ["ballots_issued", "voters_on_list"], { issued: v.ballots_issued,
        voters: v.voters_on_list, excess: v.ballots_issued - v.voters_on_list });
    }
    if (known(v.voters_on_list)) {
      var counts = [["ballots_in_boxes", v.ballots_in_boxes], ["invalid", v.invalid]];
      if (cfg.against_all) { counts.push(["against_all", v.against_all]); }
      candidates.slice().sort().forEach(function (c) { counts.push(["votes." + c, votes[c]]); });
      counts.forEach(function (item) {
        if (known(item[1]) && item[1] > v.voters_on_list) {
          add("P.105", ["voters_on_list", item[0]], { field: cfg.labels[item[0]],
            value: item[1], voters: v.voters_on_list });
        }
      });
    }
    if (cfg.against_all && v.against_all === null && (touched.against_all || submitted)) {
      add("P.106", ["against_all"], { law: cfg.law });
    }
    candidates.forEach(function (c) {
      if (votes[c] === null && (touched["votes." + c] || submitted)) {
        add("P.108", ["votes." + c], { candidate: cfg.candidates[c] });
      }
    });
    gone.forEach(function (c) {
      if (votes[c] === null && (touched["votes." + c] || submitted)) {
        add("P.110", ["votes." + c], { candidate: cfg.withdrawn[c], votes: "—",
          how: cfg.withdrawn_how });
      }
    });
    // Home voting (portable boxes): optional, but all four counts or none.
    var split = SPLIT.map(function (name) { return v[name]; });
    var given = split.filter(function (x) { return x !== null && x !== undefined; });
    if (given.length && given.length < SPLIT.length && submitted) {
      var missing = SPLIT.filter(function (name) { return v[name] === null; });
      add("P.114", missing, { missing: missing.map(function (n) { return cfg.labels[n]; }).join(", ") });
    }
    if (known(v.ballots_issued, v.ballots_issued_in_station, v.ballots_issued_outside)) {
      var d11 = v.ballots_issued - v.ballots_issued_in_station - v.ballots_issued_outside;
      if (d11 !== 0) {
        add("P.111", ["ballots_issued_in_station", "ballots_issued_outside", "ballots_issued"],
          { issued: v.ballots_issued, in_station: v.ballots_issued_in_station,
            outside: v.ballots_issued_outside, difference: d11 });
      }
    }
    if (known(v.ballots_in_boxes, v.ballots_in_stationary_boxes, v.ballots_in_portable_boxes)) {
      var d12 = v.ballots_in_boxes - v.ballots_in_stationary_boxes - v.ballots_in_portable_boxes;
      if (d12 !== 0) {
        add("P.112", ["ballots_in_stationary_boxes", "ballots_in_portable_boxes", "ballots_in_boxes"],
          { in_boxes: v.ballots_in_boxes, stationary: v.ballots_in_stationary_boxes,
            portable: v.ballots_in_portable_boxes, difference: d12 });
      }
    }
    [["ballots_in_portable_boxes", "ballots_issued_outside"],
     ["ballots_in_stationary_boxes", "ballots_issued_in_station"]].forEach(function (pair) {
      var found = v[pair[0]];
      var issued = v[pair[1]];
      if (known(found, issued) && found > issued) {
        add("P.113", pair, { box: cfg.labels[pair[0]], found: found,
          issued_for: cfg.labels[pair[1]], issued: issued, excess: found - issued });
      }
    });
    // Warnings: a supervisor acknowledges them; they never block.
    if (known(v.ballots_in_boxes, v.invalid) && v.ballots_in_boxes > 0 && rules["P.201"] &&
        100 * v.invalid > rules["P.201"].params.max_invalid_pct * v.ballots_in_boxes) {
      add("P.201", ["invalid", "ballots_in_boxes"], { invalid: v.invalid,
        in_boxes: v.ballots_in_boxes, share: 100 * v.invalid / v.ballots_in_boxes });
    }
    if (v.ballots_in_boxes === 0) {
      add("P.202", ["ballots_in_boxes"], { voters: known(v.voters_on_list) ? v.voters_on_list : 0 });
    }
    if (known(v.ballots_issued, v.voters_on_list) && v.voters_on_list > 0) {
      var turnout = 100 * v.ballots_issued / v.voters_on_list;
      if (rules["P.203"] && 100 * v.ballots_issued > rules["P.203"].params.max_turnout_pct * v.voters_on_list) {
        add("P.203", ["ballots_issued", "voters_on_list"], { issued: v.ballots_issued,
          voters: v.voters_on_list, turnout: turnout });
      }
      if (rules["P.204"] && 100 * v.ballots_issued < rules["P.204"].params.min_turnout_pct * v.voters_on_list) {
        add("P.204", ["ballots_issued", "voters_on_list"], { issued: v.ballots_issued,
          voters: v.voters_on_list, turnout: turnout });
      }
    }
    var validAll = candidateVotes + (known(against) ? against : 0);
    var choice = candidates.length > 1 || (cfg.against_all && known(v.against_all));
    if (allVotes && choice && validAll > 0) {
      candidates.slice().sort().forEach(function (c) {
        if (votes[c] === validAll) {
          add("P.205", ["votes." + c], { candidate: cfg.candidates[c], votes: votes[c] });
        }
      });
    }
    var registered = cfg.registered;
    if (typeof registered === "number" && known(v.voters_on_list) && v.voters_on_list !== registered &&
        rules["P.206"]) {
      var change = Math.abs(v.voters_on_list - registered);
      if (!(registered > 0 && 100 * change <= rules["P.206"].params.max_list_change_pct * registered)) {
        add("P.206", ["voters_on_list"], { voters: v.voters_on_list, registered: registered,
          change: registered > 0 ? 100 * change / registered : 100 });
      }
    }
    return out;
  }

  function expand(fields) {
    var out = [];
    fields.forEach(function (name) {
      if (name === "votes") {
        Object.keys(cfg.candidates).forEach(function (c) { out.push("votes." + c); });
      } else if (cfg.ids[name]) {
        out.push(name);
      }
    });
    return out;
  }

  function render(findings) {
    var old = form.querySelectorAll(".msgs [data-origin]");
    for (var i = 0; i < old.length; i += 1) { old[i].parentNode.removeChild(old[i]); }
    var described = {};
    var failing = {};
    findings.forEach(function (finding, index) {
      var names = expand(finding.fields);
      if (!names.length) { return; }
      var id = "cmsg-" + (finding.code || "form").replace(/[^A-Za-z0-9]/g, "-") + "-" + index;
      var note = document.createElement("p");
      note.className = "msg " + finding.severity;
      note.id = id;
      note.setAttribute("data-origin", "client");
      if (finding.code) {
        var code = document.createElement("code");
        code.className = "rule";
        code.textContent = finding.code;
        note.appendChild(code);
        note.appendChild(document.createTextNode(" "));
      }
      note.appendChild(document.createTextNode(finding.text));
      document.getElementById("msgs-" + cfg.ids[names[0]]).appendChild(note);
      names.forEach(function (name) {
        (described[name] = described[name] || []).push(id);
        if (finding.severity === "error") { failing[name] = true; }
      });
    });
    Object.keys(cfg.ids).forEach(function (name) {
      var node = field(name);
      if (!node) { return; }
      var ids = described[name] || [];
      if (ids.length) { node.setAttribute("aria-describedby", ids.join(" ")); }
      else { node.removeAttribute("aria-describedby"); }
      if (failing[name]) { node.setAttribute("aria-invalid", "true"); }
      else { node.removeAttribute("aria-invalid"); }
      var box = node.closest(".field");
      if (box) { box.classList.toggle("invalid", !!failing[name]); }
    });
  }

  function refresh() { render(check()); }

  form.addEventListener("input", function () { started = true; refresh(); });
  form.addEventListener("focusout", function (event) {
    if (event.target && event.target.name) { touched[event.target.name] = true; }
    if (started) { refresh(); }
  });
  form.addEventListener("submit", function () { submitted = true; });
  // Keep the server's answer until the operator changes something; check prefilled values.
  if (!form.querySelector(".msgs [data-origin='server']")) { refresh(); }
}());
