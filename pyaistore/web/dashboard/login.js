// The dashboard's login page: a link of the form /dashboard#token=<token> logs in at once. The
// fragment never reaches a server; it is moved into the form, taken off the address bar, and posted.
"use strict";

(function () {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (!token) return;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  document.getElementById("token").value = token;
  document.getElementById("token-form").submit();
})();
