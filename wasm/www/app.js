// akscert calculator: DOM wiring. The engine is akscert's calculator module: the JS API
// (wasm-bindgen glue) on the page for the form and the what-ifs, and the same module in
// a Web Worker through its C-style ABI for pasted input, so a 10 MB paste never blocks
// the page. The full module (the simulator, kubeconfigs, other tools' output and `az`
// JSON) is loaded only when a scenario, a kubeconfig, tool output or `az` JSON is pasted.
// No network beyond the page's own files: each module comes from a script holding it as
// base64 (akscert-module.js, akscert-full-module.js), the worker from a blob of this
// file's own code.
(function () {
  'use strict';
  var C = AksCalc;
  var api = null;
  var fullApi = null;
  /** The engine's AKS policy (policyDefaults()): the page's only source of AKS rules. */
  var policy = null;
  var fullLoading = null;
  var compiled = null;
  var worker = null;
  var workerReady = false;
  var pending = {};
  var seq = 0;
  var facts = null;
  var now = null;
  var lastReport = null;

  function $(id) { return document.getElementById(id); }

  var page = { worker: false, ready: false, busy: 0, fullLoaded: false };
  window.akscertPage = page;

  function showError(text) {
    var box = $('error');
    box.textContent = text;
    box.hidden = !text;
  }

  function b64ToBytes(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  // ---- the worker: the module through its C ABI (wasm/ABI.md), no JS glue needed ----
  function workerMain() {
    // One instance per module build ('calculator', 'full'), each with its ABI numbers.
    var loaded = {};
    function instantiate(build) {
      var m = loaded[build];
      var imports = {};
      WebAssembly.Module.imports(m.module).forEach(function (i) {
        (imports[i.module] = imports[i.module] || {})[i.name] = function () { throw new Error('JS import called through the ABI'); };
      });
      m.ex = new WebAssembly.Instance(m.module, imports).exports;
    }
    var enc = new TextEncoder();
    var dec = new TextDecoder();
    function call(build, op, text) {
      var ex = loaded[build].ex;
      var index = loaded[build].numbers[op];
      var bytes = enc.encode(text);
      var ptr = bytes.length ? ex.akscert_alloc(bytes.length) : 0;
      if (bytes.length && !ptr) return { status: 1, json: JSON.stringify({ error: { kind: 'inputTooLarge', message: 'the input does not fit in memory' } }) };
      if (bytes.length) new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
      var packed = BigInt.asUintN(64, ex.akscert_call(index, ptr, bytes.length));
      if (bytes.length) ex.akscert_free(ptr, bytes.length);
      var outPtr = Number(packed >> 32n), outLen = Number(packed & 0xffffffffn);
      var out = new Uint8Array(ex.memory.buffer, outPtr, outLen);
      var result = { status: out[0], json: dec.decode(out.subarray(1)) };
      ex.akscert_free(outPtr, outLen);
      return result;
    }
    self.onmessage = function (ev) {
      var m = ev.data;
      if (m.module) {
        loaded[m.build] = { module: m.module, numbers: m.numbers, ex: null };
        instantiate(m.build);
        self.postMessage({ ready: loaded[m.build].ex.akscert_abi_version() === 3, build: m.build });
        return;
      }
      var r;
      try {
        r = call(m.build, m.op, m.input);
        if (r.status === 0 && m.op === 'simulate') {
          // The page shows summaries; leave the (large) event lists in the worker.
          var t = JSON.parse(r.json);
          t.clusters.forEach(function (c) { delete c.events; });
          r.json = JSON.stringify(t);
        }
      } catch (e) {
        // A trap is a bug in the module: report it, and continue with a fresh instance
        // (the allocator of the trapped one may be mid-update).
        r = { status: 1, json: JSON.stringify({ error: { kind: 'internal', message: String(e) } }) };
        instantiate(m.build);
      }
      self.postMessage({ id: m.id, status: r.status, json: r.json });
    };
  }

  function startWorker() {
    try {
      var src = '(' + workerMain.toString() + ')();';
      worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    } catch (e) {
      worker = null;
      return;
    }
    worker.onmessage = function (ev) {
      var m = ev.data;
      if ('ready' in m) {
        workerHas[m.build] = m.ready;
        if (m.build === 'calculator') { workerReady = m.ready; page.worker = m.ready; }
        if (workerLoaded[m.build]) workerLoaded[m.build](m.ready);
        return;
      }
      var p = pending[m.id];
      delete pending[m.id];
      if (p) p(m);
    };
    worker.onerror = function () { workerReady = false; page.worker = false; };
    sendModule('calculator', compiled, api);
  }

  /** Build → resolver of the worker's "ready" for that module, and whether it has it. */
  var workerLoaded = {};
  var workerHas = {};

  /** Hand a compiled module to the worker with its operations' ABI numbers. */
  function sendModule(build, module, glue) {
    var numbers = {};
    glue.operations().forEach(function (op) { numbers[op] = glue.operationNumber(op); });
    var ready = new Promise(function (resolve) { workerLoaded[build] = resolve; });
    worker.postMessage({ build: build, module: module, numbers: numbers });
    return ready;
  }

  /** Add a script of the page's own (the CSP allows nothing else). */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = src;
      el.onload = resolve;
      el.onerror = function () { reject(new Error('could not load ' + src)); };
      document.body.appendChild(el);
    });
  }

  /**
   * The full module (the simulator), loaded once, on first need: its glue and its bytes
   * are two more files of the page's own; the worker gets it too.
   */
  function ensureFull() {
    if (!fullLoading) {
      fullLoading = loadScript('akscert-full-module.js').then(function () {
        return loadScript('akscert-full-glue.js');
      }).then(function () {
        return WebAssembly.compile(b64ToBytes(AKSCERT_FULL_WASM_BASE64));
      }).then(function (module) {
        return akscert_full({ module_or_path: module }).then(function () {
          fullApi = akscert_full;
          page.fullLoaded = true;
          if (worker && workerReady) return sendModule('full', module, fullApi);
          return null;
        });
      });
      fullLoading.catch(function () { fullLoading = null; });
    }
    return fullLoading;
  }

  /** Run `op` on JSON text off the page's thread when a worker is available; what the
   * calculator module does not answer goes to the full module, loaded first if need be:
   * an operation its operations() leaves out (a scenario), or an input it says it does not
   * read (`unavailableOperation`: tool output and `az` JSON). */
  function runText(op, text) {
    var onFull = function () {
      if (!fullApi) $('paste-status').textContent = 'loading the full module…';
      return ensureFull().then(function () { return runOn('full', fullApi, op, text); }, function (e) {
        return { ok: false, kind: 'unavailableOperation', message: 'the full module could not be loaded: ' + e.message };
      });
    };
    if (api.operations().indexOf(op) < 0) return onFull();
    return runOn('calculator', api, op, text).then(function (r) {
      return r.ok || r.kind !== 'unavailableOperation' ? r : onFull();
    });
  }

  /** The loaded module that answers `op` synchronously: the calculator's, or the full
   * module once a paste has loaded it (`aksFacts`, `fleetReport` read pasted `az` JSON,
   * which only the full module inspects). */
  function apiFor(op) {
    return api.operations().indexOf(op) < 0 && fullApi ? fullApi : api;
  }

  function runOn(build, glue, op, text) {
    page.busy += 1;
    var done = function (status, json) {
      page.busy -= 1;
      if (status === 0) return { ok: true, value: JSON.parse(json) };
      var doc = JSON.parse(json);
      return { ok: false, kind: doc.error.kind, message: doc.error.message };
    };
    if (worker && workerReady && workerHas[build]) {
      var id = ++seq;
      return new Promise(function (resolve) {
        pending[id] = function (m) { resolve(done(m.status, m.json)); };
        worker.postMessage({ id: id, build: build, op: op, input: text });
      });
    }
    // No worker (a browser that refuses blob workers): yield once so the status paints.
    return new Promise(function (resolve) {
      setTimeout(function () {
        try {
          resolve(done(0, glue.call(op, text)));
        } catch (e) {
          resolve(done(1, JSON.stringify({ error: { kind: e.kind || e.name, message: e.message } })));
        }
      }, 30);
    });
  }

  // ---- the form ----
  function addPool(p) {
    p = p || {};
    var tr = document.createElement('tr');
    var cells = [
      ['name', 'text', p.name || ''], ['mode', 'select:System,User', p.mode || ''], ['os', 'select:Linux,Windows', p.os || 'Linux'],
      ['count', 'number', p.count == null ? 3 : p.count], ['nodeImage', 'text', p.nodeImage || ''],
      ['snapshot', 'text', p.snapshot || ''], ['tags', 'text', p.tags || ''], ['lastReimage', 'date', p.lastReimage || ''],
    ];
    cells.forEach(function (c) {
      var td = document.createElement('td');
      var input;
      if (c[1].indexOf('select:') === 0) {
        input = document.createElement('select');
        [''].concat(c[1].slice(7).split(',')).forEach(function (o) {
          var opt = document.createElement('option');
          opt.value = o; opt.textContent = o || '(default)';
          input.appendChild(opt);
        });
      } else {
        input = document.createElement('input');
        input.type = c[1];
      }
      input.name = 'pool-' + c[0];
      input.value = c[2];
      input.setAttribute('aria-label', 'node pool ' + c[0]);
      td.appendChild(input);
      tr.appendChild(td);
    });
    var rm = document.createElement('button');
    rm.type = 'button'; rm.textContent = 'Remove';
    rm.onclick = function () { tr.remove(); };
    var td = document.createElement('td');
    td.appendChild(rm);
    tr.appendChild(td);
    $('pools').tBodies[0].appendChild(tr);
  }

  function formValues() {
    var f = $('facts').elements;
    var pools = Array.prototype.map.call($('pools').tBodies[0].rows, function (tr) {
      var get = function (k) { return tr.querySelector('[name="pool-' + k + '"]').value; };
      return { name: get('name'), mode: get('mode'), os: get('os'), count: get('count'), nodeImage: get('nodeImage'),
        snapshot: get('snapshot'), tags: get('tags'), lastReimage: get('lastReimage') };
    });
    return {
      name: f.name.value, resourceGroup: f.resourceGroup.value, created: f.created.value,
      kubernetesVersion: f.kubernetesVersion.value, lastUpgrade: f.lastUpgrade.value,
      lastRotation: f.lastRotation.value, stoppedSince: f.stoppedSince.value,
      rbac: f.rbac.checked, tlsBootstrap: f.tlsBootstrap.checked, holders: f.holders.value, pools: pools,
    };
  }

  function fillForm(fx) {
    var f = $('facts').elements;
    ['name', 'resourceGroup', 'kubernetesVersion'].forEach(function (k) { f[k].value = fx[k] || ''; });
    ['created', 'lastUpgrade', 'lastRotation', 'stoppedSince'].forEach(function (k) { f[k].value = (fx[k] || '').slice(0, 10); });
    f.rbac.checked = fx.rbac !== false;
    f.tlsBootstrap.checked = fx.tlsBootstrap !== false;
    f.holders.value = (fx.kubeconfigs || []).map(function (k) { return k.holder; }).join(', ');
    $('pools').tBodies[0].innerHTML = '';
    (fx.nodePools || []).forEach(function (p) {
      addPool({ name: p.name, mode: p.mode, os: p.os, count: p.count, nodeImage: p.nodeImage, snapshot: p.snapshot,
        lastReimage: (p.lastReimage || '').slice(0, 10),
        tags: Object.keys(p.tags || {}).map(function (k) { return k + '=' + p.tags[k]; }).join(', ') });
    });
  }

  // ---- rendering ----
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function issuerText(i) {
    return i.kind === 'selfSigned' ? 'self-signed' : 'Cluster CA (generation ' + i.generation + ')';
  }

  function renderReport(r) {
    lastReport = r;
    $('report-section').hidden = false;
    $('whatif-section').hidden = false;
    $('report-summary').innerHTML = '<strong>' + C.escapeHtml(r.cluster) + '</strong> on ' + r.now.slice(0, 10) +
      ': worst status <span class="pill ' + r.worst + '">' + C.STATUS_LABEL[r.worst] + '</span>, autorotation ' +
      (r.autorotation ? 'on' : 'off') + ', Cluster CA generation ' + r.caGeneration + ', ' +
      C.escapeHtml(r.provisioningState + ' / ' + r.powerState) + '.';
    var body = $('report-table').tBodies[0];
    body.innerHTML = '';
    r.rows.forEach(function (row) {
      var tr = document.createElement('tr');
      tr.className = 'row ' + row.status;
      tr.dataset.role = row.role;
      cell(tr, row.title);
      cell(tr, row.scope === 'controlPlane' ? 'control plane' : row.scope.replace('nodePool:', 'node pool ') + (row.path ? ' · ' + row.path : ''));
      cell(tr, issuerText(row.issuer));
      cell(tr, row.notBefore);
      cell(tr, row.notAfter || 'no expiry');
      cell(tr, row.daysLeft == null ? '' : String(row.daysLeft), 'num');
      cell(tr, C.nextRotation(row) + (row.estimated ? ' (estimated)' : ''));
      cell(tr, C.STATUS_LABEL[row.status], 'status ' + row.status);
      var why = cell(tr, row.why);
      row.remediation.forEach(function (c) {
        var code = document.createElement('code');
        code.textContent = c;
        why.appendChild(document.createElement('br'));
        why.appendChild(code);
      });
      body.appendChild(tr);
    });
    var kc = r.kubeconfigs.map(function (k) {
      return '<li>' + C.escapeHtml(k.holder) + ': ' + (k.error ? '<span class="pill expired">fails</span> <code>' +
        C.escapeHtml(k.kubectl) + '</code>' : '<span class="pill ok">works</span>') + '</li>';
    });
    $('report-kubeconfigs').innerHTML = kc.length ? '<h3>Kubeconfigs</h3><ul>' + kc.join('') + '</ul>' : '';
    $('report-actions').innerHTML = r.actions.length ? '<h3>Actions</h3><ul>' + r.actions.map(function (a) {
      return '<li>by ' + a.due.slice(0, 10) + ': ' + C.escapeHtml(a.reason) + '<pre>' + C.escapeHtml(a.commands.join('\n')) + '</pre></li>';
    }).join('') + '</ul>' : '<p>No action needed.</p>';
    $('timeline').innerHTML = C.timelineSvg(r, null);
  }

  function renderWhatIf(label, w) {
    var changes = [];
    w.before.rows.forEach(function (b, i) {
      var a = w.after.rows[i];
      if (a && (a.status !== b.status || a.notAfter !== b.notAfter)) {
        changes.push('<li>' + C.escapeHtml(b.title + ' (' + b.scope + ')') + ': ' + C.STATUS_LABEL[b.status] +
          ' → ' + C.STATUS_LABEL[a.status] + (a.notAfter !== b.notAfter ? ', notAfter ' + (b.notAfter || '—') + ' → ' + (a.notAfter || '—') : '') + '</li>');
      }
    });
    var d = w.summary.downtime;
    var pools = Object.keys(d.nodePools).map(function (p) { return 'node pool ' + p + ': ' + C.duration(d.nodePools[p]); });
    var html = '<h3>' + C.escapeHtml(label) + '</h3>' +
      '<p class="downtime-line">Downtime: control plane <strong id="wi-downtime">' + C.duration(d.controlPlane) + '</strong>' +
      (pools.length ? '; ' + C.escapeHtml(pools.join('; ')) : '') + ' (until ' + w.horizon.slice(0, 10) + ').</p>' +
      '<h4>What changes</h4>' + (changes.length ? '<ul>' + changes.join('') + '</ul>' : '<p>No certificate changes by ' + w.horizon.slice(0, 10) + '.</p>') +
      '<h4>Kubeconfigs that break</h4>' + (w.brokenKubeconfigs.length ? '<ul id="wi-broken">' + w.brokenKubeconfigs.map(function (b) {
        return '<li>' + C.escapeHtml(b.holder) + ' at ' + b.at + ': <code>' + C.escapeHtml(b.kubectl) + '</code></li>';
      }).join('') + '</ul>' : '<p>None.</p>') +
      '<h4>Commands to run</h4>' + (w.commands.length ? '<pre id="wi-commands">' + C.escapeHtml(w.commands.join('\n')) + '</pre>' : '<p>None.</p>');
    $('whatif-out').innerHTML = html;
    $('timeline').innerHTML = C.timelineSvg(w.before, w);
  }

  function currentFacts() {
    var values = formValues();
    now = $('facts').elements.now.value;
    facts = C.factsFromForm(values);
    return facts;
  }

  function report() {
    showError('');
    try {
      renderReport(api.expiryReport(C.reportRequest(currentFacts(), now)));
    } catch (e) {
      showError(readable(e));
    }
  }

  function whatIf(kind, label) {
    showError('');
    try {
      var req = C.whatIfRequest(kind, currentFacts(), now + 'T00:00:00Z', $('wi-months').value, policy);
      renderWhatIf(label, api.whatIf(req));
    } catch (e) {
      showError(readable(e));
    }
  }

  function readable(e) {
    var kind = e && e.kind ? e.kind : 'error';
    var words = { badInput: 'The input is not what akscert expects', invalidClusterFacts: 'These cluster facts do not hold together',
      invalidScenario: 'The scenario is not valid', inputTooLarge: 'The input is too large', invalidPolicy: 'The policy is not valid' };
    return (words[kind] || 'Something went wrong') + ': ' + (e && e.message ? e.message : String(e));
  }

  // ---- the paste box ----
  var pasteTimer = null;
  var pasteSeq = 0;

  // A textarea holding megabytes costs the browser seconds of layout every time it is
  // drawn. Past this size the box keeps the whole text but is not drawn until asked.
  var LARGE = 512 * 1024;

  function fitBox() {
    var ta = $('paste');
    var large = ta.value.length > LARGE;
    ta.classList.toggle('collapsed', large && !ta.dataset.shown);
    if (!large) delete ta.dataset.shown;
    $('paste-large').hidden = !large || !!ta.dataset.shown;
    if (large) {
      $('paste-large-size').textContent = (ta.value.length / 1048576).toFixed(1) + ' MB';
    }
  }

  function onPaste() {
    fitBox();
    $('paste-status').textContent = 'reading…';
    clearTimeout(pasteTimer);
    pasteTimer = setTimeout(processPaste, 250);
  }

  function processPaste() {
    var text = $('paste').value;
    var mine = ++pasteSeq;
    var out = $('inspect-out');
    if (!text.trim()) { $('paste-status').textContent = ''; out.innerHTML = ''; return; }
    var kind = C.sniff(text);
    var size = text.length >= 1048576 ? (text.length / 1048576).toFixed(1) + ' MB' : text.length + ' characters';
    $('paste-status').textContent = 'working on ' + size + '…';
    if (kind === 'facts') {
      try {
        var fx = JSON.parse(text);
        fillForm(fx);
        showFactsNotes([]);
        $('paste-status').textContent = 'cluster facts read into the form below';
        report();
      } catch (e) {
        $('paste-status').textContent = 'not valid JSON: ' + e.message;
      }
      return;
    }
    var op = kind === 'scenario' ? 'simulate' : 'inspect';
    var input = op === 'simulate' ? text : JSON.stringify({ input: text, now: nowInstant(), source: 'pasted input' });
    runText(op, input).then(function (r) {
      if (mine !== pasteSeq) return;
      if (!r.ok) {
        $('paste-status').textContent = readable(r);
        out.innerHTML = '';
        return;
      }
      if (op === 'simulate') renderScenario(r.value);
      else renderInspection(r.value, text);
      $('paste-status').textContent = 'done (' + size + ')';
    });
  }

  /** The report date of the form, as an instant (today by default). */
  /**
   * The instant to judge pasted input at: this very second when the report date is today
   * (a certificate issued a minute ago is valid, not "not yet valid"), otherwise the end
   * of the chosen day (UTC). The inspection summary says which instant was used.
   */
  function nowInstant() {
    var current = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    var d = $('facts').elements.now.value;
    if (!d || d === current.slice(0, 10)) return current;
    return d + 'T23:59:59Z';
  }

  var MAX_ROWS = 500;

  function renderInspection(ins, text) {
    var out = $('inspect-out');
    var parts = [];
    var s = ins.summary;
    parts.push('<p id="inspect-summary">Read as <strong>' + C.escapeHtml(ins.inputKind) + '</strong> at ' + ins.now.replace('T', ' ').replace('Z', ' UTC') +
      ': ' + s.total + ' certificate' + (s.total === 1 ? '' : 's') + ' or dates — ' + s.ok + ' ok, ' + s.expiringSoon +
      ' expiring soon, ' + s.expired + ' expired' + (s.notYetValid ? ', ' + s.notYetValid + ' not yet valid' : '') + '.</p>');
    if (s.attention.length) {
      parts.push('<ul class="attention">' + s.attention.slice(0, 20).map(function (a) { return '<li>' + C.escapeHtml(a) + '</li>'; }).join('') + '</ul>');
    }
    var rows = ins.certificates.map(function (c) {
      return { role: c.role, subject: c.subject.cn || c.subject.dn, issuer: c.issuer.cn || c.issuer.dn, notBefore: c.notBefore,
        notAfter: c.notAfter, daysLeft: c.daysLeft, status: c.status, nextRotation: c.nextRotation, why: c.roleReason,
        warnings: c.warnings, where: c.location };
    }).concat(ins.validities.map(function (v) {
      return { role: v.role, subject: v.subject || v.name || '', issuer: v.issuer || '', notBefore: v.notBefore, notAfter: v.notAfter,
        daysLeft: v.daysLeft, status: v.status, nextRotation: v.nextRotation, why: v.roleReason + (v.detail ? ' — ' + v.detail : ''),
        warnings: v.warnings, where: v.location };
    }));
    if (rows.length) {
      var html = '<div class="scroll"><table id="inspect-table"><thead><tr><th>Role</th><th>Subject</th><th>Issuer</th><th>notBefore</th>' +
        '<th>notAfter</th><th>Days left</th><th>Next rotation</th><th>Status</th><th>Why</th></tr></thead><tbody>';
      rows.slice(0, MAX_ROWS).forEach(function (r) {
        html += '<tr class="row ' + (C.STATUS_CLASS[r.status] || 'noNodes') + '" data-role="' + C.escapeHtml(r.role) + '">' +
          '<td>' + C.escapeHtml(r.role) + '</td><td>' + C.escapeHtml(r.subject) + '</td><td>' + C.escapeHtml(r.issuer) + '</td>' +
          '<td>' + C.escapeHtml(r.notBefore || '') + '</td><td>' + C.escapeHtml(r.notAfter || '') + '</td>' +
          '<td class="num">' + (r.daysLeft == null ? '' : r.daysLeft) + '</td><td>' + C.escapeHtml(C.rotationHint(r)) + '</td>' +
          '<td class="status ' + (C.STATUS_CLASS[r.status] || 'noNodes') + '">' + C.escapeHtml(C.STATUS_LABEL[r.status] || r.status) + '</td>' +
          '<td>' + C.escapeHtml(r.why) + (r.warnings.length ? '<br><em>' + C.escapeHtml(r.warnings.join('; ')) + '</em>' : '') +
          '<br><small>' + C.escapeHtml(r.where) + '</small></td></tr>';
      });
      html += '</tbody></table></div>';
      if (rows.length > MAX_ROWS) html += '<p>Showing the first ' + MAX_ROWS + ' of ' + rows.length + ' rows.</p>';
      parts.push(html);
    }
    if (ins.secrets.length) {
      parts.push('<h3>Secrets (not shown)</h3><ul id="inspect-secrets">' + ins.secrets.map(function (x) {
        return '<li>' + C.escapeHtml(x.kind) + ' at ' + C.escapeHtml(x.location) + ': ' + C.escapeHtml(x.value) + '</li>';
      }).join('') + '</ul>');
    }
    if (ins.trust.length) {
      parts.push('<h3>Trust</h3><ul>' + ins.trust.slice(0, 50).map(function (t) {
        return '<li><span class="pill ' + (t.trusted ? 'ok' : 'expired') + '">' + (t.trusted ? 'trusted' : 'fails') + '</span> ' +
          C.escapeHtml(t.verdict) + (t.kubectlError ? ' <code>' + C.escapeHtml(t.kubectlError) + '</code>' : '') + '</li>';
      }).join('') + '</ul>');
    }
    if (ins.clusters.length) {
      parts.push(fleetHtml(text));
      parts.push('<h3>AKS clusters</h3><ul id="inspect-clusters">' + ins.clusters.map(function (c, i) {
        return '<li>' + C.escapeHtml((c.name || '?') + ' in ' + (c.resourceGroup || '?') + ': Kubernetes ' +
          (c.currentKubernetesVersion || c.kubernetesVersion || '?') + ', ' + (c.powerState || '') + ', ' + c.nodePools.length + ' node pools') +
          ' <button type="button" class="use-cluster" data-index="' + i + '">Use in the form</button></li>';
      }).join('') + '</ul><p class="hint">Azure gives a creation date only as ARM\'s <code>systemData.createdAt</code> (or a tag <code>akscert-created</code>); otherwise the form\'s “Created” date is assumed — set it first (the oldest node\'s age in <code>kubectl get nodes</code> is a good hint).</p>');
    }
    if (ins.csrs.length) {
      parts.push('<h3>Certificate signing requests</h3><ul>' + ins.csrs.slice(0, 100).map(function (c) {
        return '<li>' + C.escapeHtml(c.name + ' (' + (c.signerName || '') + ', ' + c.condition + ')') + (c.flag ? ' — <strong>' + C.escapeHtml(c.flag) + '</strong>' : '') + '</li>';
      }).join('') + '</ul>');
    }
    if (ins.nodes.length) {
      parts.push('<h3>Nodes</h3><ul>' + ins.nodes.slice(0, 100).map(function (n) {
        return '<li>' + C.escapeHtml(n.name) + ': serving certificate rotation ' + (n.servingRotation ? 'on' : 'off') + '</li>';
      }).join('') + '</ul>');
    }
    var notes = ins.errors.map(function (e) { return e.location + ': ' + e.message; }).concat(ins.notes);
    if (notes.length) {
      parts.push('<h3>Notes</h3><ul>' + notes.slice(0, 50).map(function (n) { return '<li>' + C.escapeHtml(n) + '</li>'; }).join('') + '</ul>');
    }
    out.innerHTML = parts.join('');
    Array.prototype.forEach.call(out.querySelectorAll('button.use-cluster'), function (b) {
      b.onclick = function () { useCluster(text, Number(b.dataset.index)); };
    });
  }

  /** Urgencies of a fleet row: the words and the report's colours. */
  var URGENCY_LABEL = { error: 'could not be assessed', overdue: 'overdue', due: 'due', later: 'later', ok: 'ok' };
  var URGENCY_CLASS = { error: 'expired', overdue: 'expired', due: 'rotationDue', later: 'noNodes', ok: 'ok' };

  /**
   * The fleet table of pasted `az aks list` (or `az aks show`) output: the engine's
   * fleetReport — every cluster's expiry report at the report date, one row each, most
   * urgent first; clusters without a creation date get the form's "Created", as "Use in
   * the form" does.
   */
  function fleetHtml(text) {
    var created = $('facts').elements.created.value;
    var doc;
    try {
      doc = apiFor('fleetReport').fleetReport({ input: JSON.parse(text), now: nowInstant(), assume: created ? { created: created } : {} });
    } catch (e) {
      return '<p class="status" id="fleet-counts">No fleet table: ' + C.escapeHtml(e instanceof SyntaxError ? 'not JSON' : readable(e)) + '</p>';
    }
    var c = doc.counts;
    var html = '<h3>Fleet</h3><p id="fleet-counts">' + c.clusters + ' cluster' + (c.clusters === 1 ? '' : 's') + ' as of ' +
      C.escapeHtml(doc.now.slice(0, 10)) + ': ' + c.overdue + ' overdue, ' + c.due + ' due within ' + C.escapeHtml(C.duration(doc.warnWithin)) +
      ', ' + c.later + ' later, ' + c.ok + ' ok' + (c.errors ? ', ' + c.errors + ' could not be assessed' : '') + '; most urgent first.</p>' +
      '<div class="scroll"><table id="fleet-table"><thead><tr><th>Status</th><th>Cluster</th><th>Resource group</th><th>Next due</th>' +
      '<th>What</th></tr></thead><tbody>';
    doc.clusters.slice(0, MAX_ROWS).forEach(function (e) {
      var first = e.items[0];
      var what = e.error ? e.error.message : first ? (first.subject ? first.subject + ': ' : '') + first.reason +
        (e.items.length > 1 ? ' (+' + (e.items.length - 1) + ' more)' : '') : 'nothing due';
      var cls = URGENCY_CLASS[e.urgency] || 'noNodes';
      html += '<tr class="row ' + cls + '" data-urgency="' + C.escapeHtml(e.urgency) + '"><td class="status ' + cls + '">' +
        C.escapeHtml(URGENCY_LABEL[e.urgency] || e.urgency) + '</td><td>' + C.escapeHtml(e.name) + '</td><td>' + C.escapeHtml(e.resourceGroup) +
        '</td><td>' + (e.nextDue ? C.escapeHtml(e.nextDue.slice(0, 10)) : '–') + '</td><td>' + C.escapeHtml(what) + '</td></tr>';
    });
    html += '</tbody></table></div>';
    if (doc.clusters.length > MAX_ROWS) html += '<p>Showing the first ' + MAX_ROWS + ' of ' + doc.clusters.length + ' clusters.</p>';
    return html;
  }

  /** "Use in the form": the engine's aksFacts reads the pasted az JSON (cluster `index`
   *  is the inspection's cluster `index`); the form shows its facts, the notes what it assumed. */
  function useCluster(text, index) {
    showError('');
    var created = $('facts').elements.created.value;
    var entry;
    try {
      var doc = apiFor('aksFacts').aksFacts({ input: text, now: nowInstant(), assume: created ? { created: created } : {} });
      entry = doc.clusters[index];
    } catch (e) {
      showError(readable(e));
      return;
    }
    if (!entry) return;
    showFactsNotes(entry.notes);
    $('facts').scrollIntoView();
    if (entry.error) {
      showError('This cluster\'s facts are incomplete: ' + entry.error.message +
        (entry.error.kind === 'missingCreationDate' ? ' — set “Created” in the form and press “Use in the form” again.' : ''));
      return;
    }
    fillForm(entry.facts);
    report();
  }

  /** What reading az output assumed, under the form (hidden when there is nothing). */
  function showFactsNotes(notes) {
    var list = $('facts-notes');
    list.innerHTML = notes.map(function (n) { return '<li>' + C.escapeHtml(n) + '</li>'; }).join('');
    list.hidden = !notes.length;
  }

  function renderScenario(t) {
    var s = t.summary;
    $('inspect-out').innerHTML = '<p id="scenario-summary">Scenario ' + C.escapeHtml(t.scenario || '') + ': ' + s.clusters +
      ' clusters, ' + s.events + ' events to ' + t.horizon.slice(0, 10) + ', control plane downtime ' +
      C.duration(s.controlPlaneDowntime) + '.</p>' + (s.actionsNeeded.length ? '<ul>' + s.actionsNeeded.slice(0, 50).map(function (a) {
      return '<li>' + C.escapeHtml(a.cluster) + ' by ' + a.due.slice(0, 10) + ': ' + C.escapeHtml(a.reason) + '</li>';
    }).join('') + '</ul>' : '');
  }

  function onDrop(ev) {
    ev.preventDefault();
    var file = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      var text = String(reader.result);
      // Collapse before the text goes in, so a large file is never laid out.
      $('paste').classList.toggle('collapsed', text.length > LARGE);
      $('paste').value = text;
      fitBox();
      processPaste();
    };
    reader.readAsText(file);
  }

  // ---- start ----
  function start() {
    $('add-pool').onclick = function () { addPool({ name: 'pool' + ($('pools').tBodies[0].rows.length + 1) }); };
    $('facts').onsubmit = function (ev) { ev.preventDefault(); report(); };
    $('wi-rotate').onclick = function () { whatIf('rotate', 'Rotate certs now (az aks rotate-certs)'); };
    $('wi-stop').onclick = function () { whatIf('stop', 'Stop the cluster for ' + $('wi-months').value + ' months'); };
    $('wi-upgrade').onclick = function () { whatIf('upgrade', 'Upgrade to ' + C.upgradeTarget($('facts').elements.kubernetesVersion.value, policy)); };
    $('wi-optout').onclick = function () { whatIf('optOut', 'Set the KSCR opt-out tag (then reimage)'); };
    $('paste').addEventListener('input', onPaste);
    $('paste-show').onclick = function () { $('paste').dataset.shown = '1'; fitBox(); };
    $('paste').addEventListener('dragover', function (ev) { ev.preventDefault(); });
    $('paste').addEventListener('drop', onDrop);
    $('facts').elements.now.value = new Date().toISOString().slice(0, 10);
    addPool({ name: 'nodepool1', mode: 'System', count: 3 });

    WebAssembly.compile(b64ToBytes(AKSCERT_WASM_BASE64)).then(function (module) {
      compiled = module;
      return wasm_bindgen({ module_or_path: module });
    }).then(function () {
      api = wasm_bindgen;
      policy = api.policyDefaults();
      // The version that turns KSCR on is the policy's, not the page's.
      $('wi-upgrade').textContent = 'Upgrade to ' + policy.kscrMinVersion + '+';
      startWorker();
      var v = api.version();
      $('engine-status').textContent = 'engine ready: akscert-core ' + v.coreVersion + ' (' + v.apiVersion + '), running in this page';
      page.ready = true;
    }).catch(function (e) {
      $('engine-status').textContent = 'the engine could not start: ' + e;
    });
  }

  start();
})();
