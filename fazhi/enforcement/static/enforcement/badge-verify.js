/* Badge QR verification in the browser (issue 4 §2; security.md QR-3).
 *
 * The QR opens /public/verify/<token>/#<payload>: the payload (base64url of message ‖ 64-byte
 * SM2 signature, see fazhi/enforcement/badges.py) is in the fragment, which never reaches the
 * server. This script checks the SM2-with-SM3 signature with sm-crypto 0.5.8
 * (doVerifySignature(msg, sig, "04"+pub, {hash: true}), user ID 1234567812345678) against the
 * public keys embedded in the page, then compares the signed claims with what the server shows
 * from the live registry. One changed byte anywhere gives "forged".
 *
 * verifyBadge() is pure and exported for Node (the pytest runs it on Python-signed payloads).
 */
(function (root) {
  "use strict";

  var MAGIC = "FZB1";
  var SEP = "\u001f";
  var SIG_BYTES = 64;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  function b64urlDecode(text) {
    // Strict: base64url alphabet only, no padding, and canonical (unused bits zero), so that two
    // different strings never decode to the same bytes.
    if (typeof text !== "string" || !text || text.length % 4 === 1) return null;
    var out = [];
    var acc = 0;
    var bits = 0;
    for (var i = 0; i < text.length; i++) {
      var v = B64.indexOf(text.charAt(i));
      if (v < 0) return null;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 0xff);
      }
      acc &= (1 << bits) - 1;
    }
    if (acc !== 0) return null; // non-zero padding bits: not the canonical encoding
    return out;
  }

  function utf8Decode(bytes) {
    if (typeof TextDecoder !== "undefined") {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
      } catch (e) {
        return null;
      }
    }
    try {
      return decodeURIComponent(bytes.map(function (b) {
        return "%" + ("0" + b.toString(16)).slice(-2);
      }).join(""));
    } catch (e) {
      return null;
    }
  }

  function toHex(bytes) {
    return bytes.map(function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

  /* Returns {state, claims}: state is "ok" (signature good, claims equal `shown`), "mismatch"
   * (signature good, claims differ from `shown`), or "forged" (malformed, unknown key or bad
   * signature). `shown` may be null to check the signature alone. */
  function verifyBadge(payload, keys, sm2, shown) {
    var raw = b64urlDecode(payload);
    if (!raw || raw.length <= SIG_BYTES) return { state: "forged", claims: null };
    var message = raw.slice(0, raw.length - SIG_BYTES);
    var signature = raw.slice(raw.length - SIG_BYTES);
    var text = utf8Decode(message);
    if (text === null) return { state: "forged", claims: null };
    var parts = text.split(SEP);
    if (parts.length !== 7 || parts[0] !== MAGIC) return { state: "forged", claims: null };
    for (var i = 0; i < parts.length; i++) if (!parts[i]) return { state: "forged", claims: null };
    if (!ISO_DATE.test(parts[5]) || !ISO_DATE.test(parts[6])) return { state: "forged", claims: null };
    var claims = {
      key_id: parts[1], number: parts[2], name: parts[3], agency_code: parts[4],
      issued_on: parts[5], expires_on: parts[6]
    };
    var publicKey = Object.prototype.hasOwnProperty.call(keys, claims.key_id) ? keys[claims.key_id] : null;
    if (!publicKey) return { state: "forged", claims: claims };
    var good = false;
    try {
      good = sm2.doVerifySignature(message, toHex(signature), publicKey, { hash: true });
    } catch (e) {
      good = false;
    }
    if (!good) return { state: "forged", claims: claims };
    if (shown) {
      var fields = ["number", "name", "agency_code", "issued_on", "expires_on"];
      for (var j = 0; j < fields.length; j++) {
        if (claims[fields[j]] !== shown[fields[j]]) return { state: "mismatch", claims: claims };
      }
    }
    return { state: "ok", claims: claims };
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { verifyBadge: verifyBadge, b64urlDecode: b64urlDecode };
    return;
  }
  root.fazhiVerifyBadge = verifyBadge;

  function run() {
    var box = document.getElementById("bv-sig");
    if (!box) return;
    var say = function (state) {
      box.setAttribute("data-state", state);
      box.textContent = box.getAttribute("data-msg-" + state) || state;
    };
    var payload = (root.location.hash || "").replace(/^#/, "");
    if (!payload) return say("none");
    if (!root.sm2 || typeof root.sm2.doVerifySignature !== "function") return say("nojs");
    var shown = JSON.parse(document.getElementById("bv-shown").textContent);
    var keys = JSON.parse(document.getElementById("bv-keys").textContent);
    var state = verifyBadge(payload, keys, root.sm2, shown).state;
    say(state);
    // A forged QR may carry a genuine token: never leave a green "valid" on top of it.
    var banner = document.getElementById("bv-forged");
    if (banner) banner.hidden = state === "ok";
    var status = document.getElementById("bv-status");
    if (status) status.hidden = state !== "ok";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  root.addEventListener("hashchange", run);
})(typeof self !== "undefined" ? self : this);
