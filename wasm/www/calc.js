// akscert calculator: the page's pure helpers (no DOM, no network) — requests built from
// the form, the what-if buttons' operations, formatting, and the SVG timeline. A classic
// script (file:// pages cannot load ES modules); Node tests load it with `vm`.
var AksCalc = (function () {
  'use strict';

  var DAY = 86400000;

  function iso(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  function parseInstant(text) {
    var ms = Date.parse(text);
    if (isNaN(ms)) throw new Error('not a date: ' + text);
    return ms;
  }

  /** Add whole calendar months (the "stop for N months" button). */
  function addMonths(text, months) {
    var d = new Date(parseInstant(text));
    d.setUTCMonth(d.getUTCMonth() + months);
    return iso(d.getTime());
  }

  function trimOrNull(v) {
    var t = (v == null ? '' : String(v)).trim();
    return t === '' ? null : t;
  }

  /**
   * Cluster facts (the core's ClusterFacts) from the form's values:
   * { name, resourceGroup, created, kubernetesVersion, lastUpgrade, lastRotation, rbac,
   *   tlsBootstrap, stoppedSince, pools: [{ name, mode, os, count, nodeImage, snapshot,
   *   tags (text "k=v, k2=v2"), lastReimage }], holders (text "alice, ci") }.
   * Empty optional fields are left out, so the core applies its defaults.
   */
  function factsFromForm(v) {
    var facts = {
      name: trimOrNull(v.name) || 'my-cluster',
      resourceGroup: trimOrNull(v.resourceGroup) || 'my-rg',
      created: trimOrNull(v.created),
      kubernetesVersion: trimOrNull(v.kubernetesVersion),
      nodePools: [],
    };
    [['lastUpgrade', v.lastUpgrade], ['lastRotation', v.lastRotation], ['stoppedSince', v.stoppedSince]]
      .forEach(function (kv) { var t = trimOrNull(kv[1]); if (t) facts[kv[0]] = t; });
    if (v.rbac === false) facts.rbac = false;
    if (v.tlsBootstrap === false) facts.tlsBootstrap = false;
    (v.pools || []).forEach(function (p) {
      var name = trimOrNull(p.name);
      if (!name) return;
      var pool = { name: name };
      if (trimOrNull(p.mode)) pool.mode = p.mode;
      if (trimOrNull(p.os)) pool.os = p.os;
      if (trimOrNull(p.count) !== null) pool.count = Number(p.count);
      ['nodeImage', 'snapshot', 'lastReimage'].forEach(function (k) {
        var t = trimOrNull(p[k]); if (t) pool[k] = t;
      });
      var tags = parseTags(p.tags);
      if (Object.keys(tags).length) pool.tags = tags;
      facts.nodePools.push(pool);
    });
    var holders = (v.holders || '').split(',').map(function (h) { return h.trim(); })
      .filter(function (h) { return h; });
    if (holders.length) facts.kubeconfigs = holders.map(function (h) { return { holder: h }; });
    return facts;
  }

  /** "k=v, k2=v2" → { k: "v", k2: "v2" }. */
  function parseTags(text) {
    var tags = {};
    (text || '').split(',').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) tags[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
    });
    return tags;
  }

  function reportRequest(facts, now) {
    return { now: now, cluster: facts };
  }

  /**
   * The version an upgrade what-if goes to: the first with kubelet serving certificate
   * rotation (the policy's `kscrMinVersion`, from the engine's policyDefaults()), or the
   * next minor when the cluster is already there.
   */
  function upgradeTarget(version, policy) {
    var floor = /^v?(\d+)\.(\d+)/.exec(policy.kscrMinVersion);
    var m = /^v?(\d+)\.(\d+)/.exec(version || '');
    var at = function (v) { return Number(v[1]) * 1000 + Number(v[2]); };
    if (m && floor && at(m) >= at(floor)) return m[1] + '.' + (Number(m[2]) + 1) + '.0';
    return floor[1] + '.' + floor[2] + '.0';
  }

  /**
   * The what-if request of a button: `rotate` (az aks rotate-certs now), `stop` (stop now,
   * start after `months`), `upgrade` (see upgradeTarget), `optOut` (the policy's KSCR
   * opt-out tag on every pool, then the reimage that makes it take effect). `policy` is
   * the engine's policyDefaults(): the page states no AKS rule of its own.
   */
  function whatIfRequest(kind, facts, now, months, policy) {
    var ops;
    if (kind === 'rotate') {
      ops = [{ at: now, op: 'rotateCerts' }];
    } else if (kind === 'stop') {
      ops = [{ at: now, op: 'stop' }, { at: addMonths(now, Math.max(1, Number(months) || 1)), op: 'start' }];
    } else if (kind === 'upgrade') {
      ops = [{ at: now, op: 'upgrade', kubernetesVersion: upgradeTarget(facts.kubernetesVersion, policy) }];
    } else if (kind === 'optOut') {
      ops = [];
      var t = parseInstant(now);
      facts.nodePools.forEach(function (p) {
        var tags = {};
        Object.keys(p.tags || {}).forEach(function (k) { tags[k] = p.tags[k]; });
        tags[policy.kscrOptOutTag] = 'true';
        ops.push({ at: iso(t), op: 'setTags', pool: p.name, tags: tags });
        t += 3600000;
      });
      facts.nodePools.forEach(function (p) {
        ops.push({ at: iso(t), op: 'nodeImageUpgrade', pool: p.name });
        t += 3600000;
      });
    } else {
      throw new Error('unknown what-if ' + kind);
    }
    return { now: now, cluster: facts, operations: ops };
  }

  /** "4744d23h59m59s" → "4744 d 23 h 59 m 59 s"; "0s" → "none". */
  function duration(text) {
    if (!text || text === '0s') return 'none';
    return text.replace(/(\d+)([a-z]+)/g, '$1 $2 ').trim();
  }

  function escapeHtml(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  var STATUS_LABEL = {
    ok: 'ok', noNodes: 'no nodes', rotationDue: 'rotation due', stale: 'stale', expired: 'expired',
    expiringSoon: 'expiring soon', notYetValid: 'not yet valid', unknown: 'unknown',
  };

  /** Status classes of inspection rows, mapped onto the report's colours. */
  var STATUS_CLASS = { ok: 'ok', expiringSoon: 'rotationDue', notYetValid: 'rotationDue', expired: 'expired', unknown: 'noNodes' };

  var MECHANISM_LABEL = {
    autorotation: 'AKS autorotation', kubeletRenewal: 'kubelet renewal',
    manualOnly: 'manual only (az aks rotate-certs)', reimage: 'node reimage',
  };

  /** "next rotation + by what" of a report row. */
  function nextRotation(row) {
    var n = row.nextRotation || {};
    var by = MECHANISM_LABEL[n.mechanism] || n.mechanism || '';
    if (!n.earliest) return by;
    var when = n.earliest.slice(0, 10);
    if (n.latest && n.latest !== n.earliest) when += ' – ' + n.latest.slice(0, 10);
    return when + ' by ' + by;
  }

  /**
   * An SVG timeline of a report's certificates: one lane per row, a bar from notBefore to
   * notAfter coloured by status, rotation points (◆, or a band for the kubelet's
   * window), `now`, and the downtime intervals of a what-if (red bands on a lane of
   * their own). Hand-written SVG: no charting library.
   */
  function timelineSvg(report, whatIf) {
    var rows = report.rows;
    var now = parseInstant(report.now);
    var end = now + 3 * 365 * DAY;
    var start = now - 3 * 365 * DAY;
    rows.forEach(function (r) {
      start = Math.min(start, parseInstant(r.notBefore));
      var n = r.nextRotation || {};
      if (n.latest) end = Math.max(end, parseInstant(n.latest));
    });
    if (whatIf) end = Math.max(end, parseInstant(whatIf.horizon));
    start = Math.max(start, now - 12 * 365 * DAY);
    end = Math.min(end, now + 12 * 365 * DAY);
    var left = 290, width = 900, lane = 18, top = 28;
    var lanes = rows.length + (whatIf ? 1 : 0);
    var height = top + lanes * lane + 30;
    var x = function (ms) { return left + (Math.min(Math.max(ms, start), end) - start) / (end - start) * (width - left - 10); };
    var out = [];
    out.push('<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ' + width + ' ' + height +
      '" width="100%" role="img" aria-label="Certificate lifetimes, rotation points and downtime">');
    var y0 = new Date(start).getUTCFullYear() + 1, y1 = new Date(end).getUTCFullYear();
    var step = Math.max(1, Math.ceil((y1 - y0 + 1) / 12));
    for (var y = y0; y <= y1; y += step) {
      var gx = x(Date.UTC(y, 0, 1));
      out.push('<line class="grid" x1="' + gx + '" y1="' + (top - 6) + '" x2="' + gx + '" y2="' + (height - 24) + '"/>');
      out.push('<text class="year" x="' + gx + '" y="' + (height - 10) + '">' + y + '</text>');
    }
    rows.forEach(function (r, i) {
      var y = top + i * lane;
      var label = r.title + (r.scope === 'controlPlane' ? '' : ' · ' + r.scope.replace('nodePool:', 'pool '));
      out.push('<text class="lane" x="4" y="' + (y + 12) + '">' + escapeHtml(label.length > 46 ? label.slice(0, 45) + '…' : label) + '</text>');
      var nb = parseInstant(r.notBefore);
      var na = r.notAfter ? parseInstant(r.notAfter) : end;
      out.push('<rect class="bar ' + escapeHtml(r.status) + '" data-role="' + escapeHtml(r.role) + '" x="' + x(nb) +
        '" y="' + (y + 3) + '" width="' + Math.max(1, x(na) - x(nb)) + '" height="' + (lane - 6) + '"><title>' +
        escapeHtml(label + ': ' + r.notBefore + ' → ' + (r.notAfter || 'no expiry') + ' (' + (STATUS_LABEL[r.status] || r.status) + ')') +
        '</title></rect>');
      var n = r.nextRotation || {};
      if (n.earliest && n.latest && n.latest !== n.earliest) {
        out.push('<rect class="window" x="' + x(parseInstant(n.earliest)) + '" y="' + (y + 1) + '" width="' +
          Math.max(2, x(parseInstant(n.latest)) - x(parseInstant(n.earliest))) + '" height="' + (lane - 2) + '"><title>renewal window</title></rect>');
      } else if (n.earliest) {
        var rx = x(parseInstant(n.earliest));
        out.push('<path class="rotation" d="M' + rx + ' ' + (y + 2) + ' l5 7 l-5 7 l-5 -7 z"><title>' +
          escapeHtml('rotates ' + nextRotation(r)) + '</title></path>');
      }
    });
    if (whatIf) {
      var y = top + rows.length * lane;
      out.push('<text class="lane down" x="4" y="' + (y + 12) + '">Downtime (what-if)</text>');
      whatIf.summary.downtime.intervals.forEach(function (d) {
        var from = parseInstant(d.from), to = d.to ? parseInstant(d.to) : parseInstant(whatIf.horizon);
        out.push('<rect class="downtime" x="' + x(from) + '" y="' + (y + 2) + '" width="' + Math.max(3, x(to) - x(from)) +
          '" height="' + (lane - 4) + '"><title>' + escapeHtml(d.scope + ' down (' + d.cause + ') ' + d.from + ' → ' + (d.to || 'horizon')) + '</title></rect>');
      });
    }
    var nx = x(now);
    out.push('<line class="now" x1="' + nx + '" y1="' + (top - 10) + '" x2="' + nx + '" y2="' + (height - 24) + '"/>');
    out.push('<text class="now" x="' + (nx + 3) + '" y="' + (top - 12) + '">now</text>');
    out.push('</svg>');
    return out.join('');
  }

  /**
   * "Next rotation and by what" of an inspected certificate, as text: core computes the
   * hint (`nextRotation`: mechanism, window, condition) from the role and AKS's policy;
   * the page only words it.
   */
  function rotationHint(cert) {
    var h = cert.nextRotation;
    if (!h) return '';
    var day = function (t) { return t.slice(0, 10); };
    var when = '';
    if (h.earliest) {
      when = (h.latest && h.latest !== h.earliest ? day(h.earliest) + ' – ' + day(h.latest) : day(h.earliest)) + ': ';
    }
    return when + h.how + (h.condition ? ' (if ' + h.condition + ')' : '');
  }

  /** What the paste box holds: JSON cluster facts, a JSON scenario, or text to inspect. */
  function sniff(text) {
    var t = text.replace(/^\uFEFF/, '').trimStart();
    if (t[0] === '{') {
      // A scenario holds clusters (with node pools); cluster facts hold node pools only.
      if (/"clusters"\s*:/.test(t)) return 'scenario';
      if (/"nodePools"\s*:/.test(t)) return 'facts';
    }
    return 'inspect';
  }

  return {
    factsFromForm: factsFromForm, parseTags: parseTags, reportRequest: reportRequest,
    whatIfRequest: whatIfRequest, upgradeTarget: upgradeTarget, addMonths: addMonths,
    duration: duration, escapeHtml: escapeHtml, nextRotation: nextRotation,
    timelineSvg: timelineSvg, sniff: sniff, rotationHint: rotationHint, STATUS_LABEL: STATUS_LABEL, STATUS_CLASS: STATUS_CLASS,
  };
})();
